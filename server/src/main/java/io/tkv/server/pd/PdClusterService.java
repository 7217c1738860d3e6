package io.tkv.server.pd;

import io.tkv.codec.AskSplitDecoder;
import io.tkv.codec.GetRegionByIdDecoder;
import io.tkv.codec.GetRegionDecoder;
import io.tkv.codec.GetStoresDecoder;
import io.tkv.codec.OperatorKind;
import io.tkv.codec.PutStoreDecoder;
import io.tkv.codec.RegionHeartbeatDecoder;
import io.tkv.codec.ScanRegionsDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.StoreHeartbeatDecoder;
import io.tkv.codec.StoreState;
import io.tkv.pd.cluster.Cluster;
import io.tkv.pd.cluster.RegionInfo;
import io.tkv.pd.cluster.StoreInfo;
import io.tkv.pd.cluster.StoreStats;
import io.tkv.pd.id.IdAllocator;
import io.tkv.pd.schedule.Coordinator;
import io.tkv.server.config.HostPort;
import io.tkv.server.config.StoreLabels;
import io.tkv.server.session.ClientSession;
import io.tkv.storage.PdState;
import io.tkv.storage.PdStoreRecord;
import org.agrona.concurrent.EpochClock;

import java.util.ArrayList;
import java.util.List;

/**
 * PD's store band and routing queries, on the PD agent's thread, on the leader only (a follower answers NOT_LEADER
 * with the leader it knows):
 * <ul>
 *   <li>PutStore, StoreHeartbeat, RegionHeartbeat and AskSplit come from <b>store sessions</b> alone (the session
 *       proved the cluster secret); any other session gets ErrorResponse UNAUTHENTICATED and no effect.</li>
 *   <li>PutStore goes through PD's Raft log ({@link PdCommand#PUT_STORE}) and is answered once applied, so a new
 *       leader knows every store and its address. A tombstone's id is refused; so is a new store beyond
 *       {@code schedule.max-stores} (TOO_LARGE).</li>
 *   <li>Heartbeats feed the leader's in-memory {@link PdRegistry}. A region heartbeat older than what PD knows (by
 *       epoch, leader term, or a version behind a region it overlaps: the {@code pd} module's rules) changes nothing
 *       and is answered with status EPOCH_NOT_MATCH, kind NONE and the epoch PD knows, so the sender learns it is
 *       behind (a deposed leader, a region that split). Otherwise it is answered OK with the next step of the
 *       region's operator at the reported epoch, or NONE.</li>
 *   <li>GetRegion, GetRegionById, ScanRegions and GetStores read the registry (any session).</li>
 * </ul>
 * Everything from the network is bounded before it is used: keys, peers, down and pending peers (see
 * {@link RegionHeartbeatParser}), regions and stores held, the size of an answer.
 */
final class PdClusterService {
    /** The most regions ScanRegions answers. */
    static final int MAX_SCAN_REGIONS = 10_000;
    /** The most bytes of regions or stores in one answer: well below a frame on the egress (a term / 8). */
    static final int MAX_ANSWER_BYTES = 256 * 1024;
    private static final String NOT_KNOWN_YET = ": PD's leader keeps regions in memory, learned from their leaders' "
        + "heartbeats, so a PD leader that just took over knows only the regions heard from since";

    private final PdService service;
    private final PdState state;
    private final PdStoreReplies replies;
    private final PdReplies errors;
    private final EpochClock clock;
    private final RegionHeartbeatParser parser;
    private final int maxKeyBytes;

    /**
     * @param maxKeyBytes the longest key (region boundary, GetRegion key) taken; longer is refused MALFORMED.
     */
    PdClusterService(final PdService service, final PdState state, final PdStoreReplies replies,
        final PdReplies errors, final EpochClock clock, final int maxKeyBytes) {
        this.service = service;
        this.state = state;
        this.replies = replies;
        this.errors = errors;
        this.clock = clock;
        this.maxKeyBytes = maxKeyBytes;
        this.parser = new RegionHeartbeatParser(maxKeyBytes);
    }

    // ---------------------------------------------------------------------------------------------- store band

    void onPutStore(final ClientSession session, final long correlationId, final long storeId, final String address,
        final String labels) {
        final int template = PutStoreDecoder.TEMPLATE_ID;
        if (!admitStore(session, correlationId, template)) {
            return;
        }
        final PdStoreRecord record;
        try {
            HostPort.parse(address);
            StoreLabels.parse(labels);
            record = new PdStoreRecord(storeId, address, labels, PdStoreRecord.State.UP);
        } catch (final IllegalArgumentException ex) {
            errors.error(session.publication(), correlationId, Status.MALFORMED, template,
                "PutStore for store " + storeId + ": " + ex.getMessage());
            return;
        }
        final PdStoreRecord known = state.store(storeId);
        if (known != null && known.state() == PdStoreRecord.State.TOMBSTONE) {
            errors.error(session.publication(), correlationId, Status.MALFORMED, template,
                "store " + storeId + " is a tombstone: removed for good, its id is never reused");
            return;
        }
        if (known == null && state.stores().size() >= service.registry().settings().maxStores()) {
            errors.error(session.publication(), correlationId, Status.TOO_LARGE, template,
                "PD holds schedule.max-stores = " + service.registry().settings().maxStores() + " stores already");
            return;
        }
        service.proposeStore(session, correlationId, PdCommand.encodePutStore(known == null ? record
            : record.withState(known.state())), template);
    }

    void onStoreHeartbeat(final ClientSession session, final long correlationId, final long storeId,
        final long capacity, final long available, final int regionCount, final int leaderCount,
        final long bytesWritten, final long keysWritten) {
        final int template = StoreHeartbeatDecoder.TEMPLATE_ID;
        if (!admitStore(session, correlationId, template)) {
            return;
        }
        if (capacity < 0 || available < 0 || regionCount < 0 || leaderCount < 0 || bytesWritten < 0
            || keysWritten < 0) {
            errors.error(session.publication(), correlationId, Status.MALFORMED, template,
                "StoreHeartbeat of store " + storeId + ": negative counts");
            return;
        }
        final long nowMs = clock.time();
        final Cluster cluster = service.registry().cluster();
        final StoreInfo known = cluster.store(storeId);
        final long elapsedMs = known == null ? 1 : Math.max(1, nowMs - known.lastHeartbeatMs());
        final StoreStats stats = new StoreStats(capacity, available, regionCount, leaderCount,
            perSecond(bytesWritten, elapsedMs), perSecond(keysWritten, elapsedMs));
        switch (cluster.storeHeartbeat(storeId, stats, nowMs)) {
            case UNKNOWN_STORE -> errors.error(session.publication(), correlationId, Status.MALFORMED, template,
                "store " + storeId + " is not registered with PD: PutStore first");
            case TOMBSTONE -> errors.error(session.publication(), correlationId, Status.MALFORMED, template,
                "store " + storeId + " is a tombstone: removed for good");
            default -> {
                service.registry().heard(storeId);
                replies.storeHeartbeat(session.publication(), correlationId, Status.OK, "");
            }
        }
    }

    private static long perSecond(final long count, final long elapsedMs) {
        return count > Long.MAX_VALUE / 1000 ? count / elapsedMs * 1000 : count * 1000 / elapsedMs;
    }

    void onRegionHeartbeat(final ClientSession session, final long correlationId,
        final RegionHeartbeatDecoder heartbeat) {
        final int template = RegionHeartbeatDecoder.TEMPLATE_ID;
        if (!admitStore(session, correlationId, template)) {
            return;
        }
        final long storeId = heartbeat.storeId();
        final RegionInfo region;
        try {
            region = parser.parse(heartbeat);
        } catch (final IllegalArgumentException ex) {
            errors.error(session.publication(), correlationId, Status.MALFORMED, template,
                "RegionHeartbeat from store " + storeId + ": " + ex.getMessage());
            return;
        }
        final PdRegistry registry = service.registry();
        final Cluster cluster = registry.cluster();
        final StoreInfo sender = cluster.store(storeId);
        if (sender == null || sender.state() == io.tkv.pd.cluster.StoreState.TOMBSTONE) {
            errors.error(session.publication(), correlationId, Status.MALFORMED, template,
                "store " + storeId + (sender == null ? " is not registered with PD: PutStore first"
                    : " is a tombstone"));
            return;
        }
        if (cluster.regions().byId(region.id()) == null
            && cluster.regions().size() >= registry.settings().maxRegions()) {
            errors.error(session.publication(), correlationId, Status.TOO_LARGE, template,
                "PD holds schedule.max-regions = " + registry.settings().maxRegions() + " regions already");
            return;
        }
        final Coordinator.HeartbeatAnswer answer = registry.coordinator().regionHeartbeat(region, clock.time());
        if (!answer.result().accepted()) {
            final RegionInfo known = answer.result().known();
            replies.regionHeartbeat(session.publication(), correlationId, Status.EPOCH_NOT_MATCH, region.id(),
                known.epoch().confVer(), known.epoch().version(), 0, OperatorKind.NONE, 0, 0,
                "stale heartbeat of region " + region.id() + " at epoch " + region.epoch().confVer() + "/"
                    + region.epoch().version() + " term " + region.leaderTerm() + ": PD knows region " + known.id()
                    + " at epoch " + known.epoch().confVer() + "/" + known.epoch().version() + " term "
                    + known.leaderTerm());
            return;
        }
        final WireSteps step = answer.step() == null ? WireSteps.NONE : WireSteps.of(answer.step(), region);
        final long operatorId = answer.operator() == null ? 0 : registry.operatorId(answer.operator());
        replies.regionHeartbeat(session.publication(), correlationId, Status.OK, region.id(),
            region.epoch().confVer(), region.epoch().version(), operatorId, step.kind(), step.peerId(),
            step.storeId(), "");
    }

    void onAskSplit(final ClientSession session, final long correlationId, final long regionId, final long confVer,
        final long version, final int peerCount) {
        final int template = AskSplitDecoder.TEMPLATE_ID;
        if (!admitStore(session, correlationId, template)) {
            return;
        }
        if (peerCount < 1 || peerCount > RegionHeartbeatParser.MAX_PEERS) {
            errors.error(session.publication(), correlationId, Status.MALFORMED, template,
                "AskSplit peerCount " + peerCount + " outside [1, " + RegionHeartbeatParser.MAX_PEERS + "]");
            return;
        }
        final RegionInfo known = service.registry().cluster().regions().byId(regionId);
        if (known == null) {
            errors.error(session.publication(), correlationId, Status.REGION_NOT_FOUND, template,
                "PD knows no region " + regionId + NOT_KNOWN_YET);
            return;
        }
        if (confVer < known.epoch().confVer() || version < known.epoch().version()) {
            errors.error(session.publication(), correlationId, Status.EPOCH_NOT_MATCH, template,
                "AskSplit for region " + regionId + " at epoch " + confVer + "/" + version + ": PD knows epoch "
                    + known.epoch().confVer() + "/" + known.epoch().version());
            return;
        }
        final long newRegionId = service.allocateId();
        final long[] peerIds = new long[peerCount];
        boolean allocated = newRegionId != IdAllocator.NONE;
        for (int i = 0; i < peerCount && allocated; i++) {
            peerIds[i] = service.allocateId();
            allocated = peerIds[i] != IdAllocator.NONE;
        }
        if (!allocated) {
            // The ids taken so far are lost: ids are unique, not dense.
            errors.error(session.publication(), correlationId, Status.SERVER_BUSY, template,
                "PD's id range is being renewed: ask again shortly");
            return;
        }
        replies.askSplit(session.publication(), correlationId, newRegionId, peerIds);
    }

    // ---------------------------------------------------------------------------------------------- routing

    void onGetRegion(final ClientSession session, final long correlationId, final byte[] key) {
        if (!admitAny(session, correlationId, GetRegionDecoder.TEMPLATE_ID) || !keyFits(session, correlationId,
            GetRegionDecoder.TEMPLATE_ID, key.length)) {
            return;
        }
        final RegionInfo region = service.registry().cluster().regions().byKey(key);
        if (region == null) {
            replies.regionNotFound(session.publication(), correlationId, "PD knows no region holding the key"
                + NOT_KNOWN_YET);
        } else {
            replies.region(session.publication(), correlationId, region);
        }
    }

    void onGetRegionById(final ClientSession session, final long correlationId, final long regionId) {
        if (!admitAny(session, correlationId, GetRegionByIdDecoder.TEMPLATE_ID)) {
            return;
        }
        final RegionInfo region = service.registry().cluster().regions().byId(regionId);
        if (region == null) {
            replies.regionNotFound(session.publication(), correlationId, "PD knows no region " + regionId
                + NOT_KNOWN_YET);
        } else {
            replies.region(session.publication(), correlationId, region);
        }
    }

    void onScanRegions(final ClientSession session, final long correlationId, final int maxRegions,
        final byte[] startKey, final byte[] endKey) {
        final int template = ScanRegionsDecoder.TEMPLATE_ID;
        if (!admitAny(session, correlationId, template) || !keyFits(session, correlationId, template,
            Math.max(startKey.length, endKey.length))) {
            return;
        }
        if (maxRegions < 1 || maxRegions > MAX_SCAN_REGIONS) {
            errors.error(session.publication(), correlationId, Status.MALFORMED, template,
                "ScanRegions maxRegions " + maxRegions + " outside [1, " + MAX_SCAN_REGIONS + "]");
            return;
        }
        final List<RegionInfo> found = service.registry().cluster().regions().scan(startKey, endKey, maxRegions);
        // An answer stops short of the byte budget: the caller scans on from the last region's end key.
        final List<RegionInfo> answer = new ArrayList<>(found.size());
        long bytes = 0;
        for (final RegionInfo region : found) {
            bytes += 64 + 17L * region.peers().size() + region.startKey().length + region.endKey().length;
            if (bytes > MAX_ANSWER_BYTES && !answer.isEmpty()) {
                break;
            }
            answer.add(region);
        }
        replies.scanRegions(session.publication(), correlationId, answer);
    }

    void onGetStores(final ClientSession session, final long correlationId, final long storeId) {
        if (!admitAny(session, correlationId, GetStoresDecoder.TEMPLATE_ID)) {
            return;
        }
        final PdRegistry registry = service.registry();
        final Cluster cluster = registry.cluster();
        final long nowMs = clock.time();
        final List<PdStoreReplies.StoreRow> rows = new ArrayList<>();
        long bytes = 0;
        for (final StoreInfo store : cluster.stores()) {
            if (storeId != 0 && store.id() != storeId) {
                continue;
            }
            final PdStoreRecord record = state.store(store.id());
            final String labels = record == null ? "" : record.labels();
            bytes += 64 + store.address().length() + labels.length();
            if (bytes > MAX_ANSWER_BYTES) {
                break;
            }
            rows.add(new PdStoreReplies.StoreRow(store.id(), wireState(store, nowMs), store.stats().capacityBytes(),
                store.stats().availableBytes(), cluster.regionCount(store.id()), cluster.leaderCount(store.id()),
                registry.wasHeard(store.id()) ? store.lastHeartbeatMs() : 0, store.address(), labels));
        }
        replies.stores(session.publication(), correlationId, rows);
    }

    /** The model's state, with UP split: silent for two heartbeat intervals is DISCONNECTED (as PD shows it). */
    private StoreState wireState(final StoreInfo store, final long nowMs) {
        return switch (store.state()) {
            case UP -> nowMs - store.lastHeartbeatMs() > 2 * service.registry().settings().storeHeartbeatIntervalMs()
                ? StoreState.DISCONNECTED : StoreState.UP;
            case DOWN -> StoreState.DOWN;
            case OFFLINE -> StoreState.OFFLINE;
            case TOMBSTONE -> StoreState.TOMBSTONE;
        };
    }

    // ---------------------------------------------------------------------------------------------- checks

    private boolean admitStore(final ClientSession session, final long correlationId, final int template) {
        if (!session.isStore()) {
            errors.error(session.publication(), correlationId, Status.UNAUTHENTICATED, template,
                "only a store session (one that proved the cluster secret) may send this to PD");
            return false;
        }
        return admitAny(session, correlationId, template);
    }

    private boolean admitAny(final ClientSession session, final long correlationId, final int template) {
        if (!service.leading()) {
            service.refuse(session, correlationId, template);
            return false;
        }
        return true;
    }

    private boolean keyFits(final ClientSession session, final long correlationId, final int template,
        final int length) {
        if (length > maxKeyBytes) {
            errors.error(session.publication(), correlationId, Status.MALFORMED, template,
                "key of " + length + " bytes, at most " + maxKeyBytes);
            return false;
        }
        return true;
    }
}
