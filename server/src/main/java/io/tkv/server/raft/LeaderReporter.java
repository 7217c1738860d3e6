package io.tkv.server.raft;

import io.tkv.raft.core.PeerProgress;
import io.tkv.raft.core.RaftStatus;
import io.tkv.raft.core.Role;
import io.tkv.raft.store.MultiRaft;
import io.tkv.server.region.RegionRegistry;
import io.tkv.server.storepd.PdLink;
import io.tkv.server.storepd.RegionReport;
import io.tkv.storage.RegionDescriptor;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

import java.util.Arrays;
import java.util.List;

/**
 * The raft agent's side of region heartbeats: every scan it walks the regions, and for each one this store leads whose
 * report is due — every region-heartbeat interval, and at the next scan after its term, leader or epoch changed (a new
 * leader, a split, a membership change) — hands the PD worker a {@link RegionReport} with what only the Raft driver
 * knows: the term, the peers it has not heard from for a while (down) and those far behind (pending). It also
 * publishes the ids of the regions this store leads, for the split checker. A report the worker's queue has no room
 * for is due again at the next scan. Raft agent thread; allocates only for the reports it makes.
 */
final class LeaderReporter {
    /** Check-quorum rounds (election timeouts) without a word from a peer before it is reported down. */
    static final int DOWN_AFTER_ROUNDS = 2;

    /** What was last reported of a region, and when it is due again. */
    private static final class Reported {
        long term;
        long confVer;
        long version;
        long dueNs;
    }

    private final MultiRaft raft;
    private final RegionRegistry registry;
    private final long storeId;
    private final PdLink link;
    private final long intervalNs;
    private final long scanEveryNs;
    private final long electionTimeoutMs;
    private final Long2ObjectHashMap<Reported> reported = new Long2ObjectHashMap<>();
    private final LongArrayList led = new LongArrayList();
    private long[] published = new long[0];
    private long nextScanNs;
    private boolean scanned;

    /**
     * @param intervalNs        the region heartbeat interval.
     * @param electionTimeoutMs one check-quorum round, for how long a peer was silent.
     */
    LeaderReporter(
        final MultiRaft raft, final RegionRegistry registry, final long storeId, final PdLink link,
        final long intervalNs, final long electionTimeoutMs) {
        this.raft = raft;
        this.registry = registry;
        this.storeId = storeId;
        this.link = link;
        this.intervalNs = intervalNs;
        // A change is reported within a quarter interval, and within a second, but the scan is no busier than 20 Hz.
        this.scanEveryNs = Math.max(50_000_000L, Math.min(intervalNs / 4, 1_000_000_000L));
        this.electionTimeoutMs = electionTimeoutMs;
    }

    /** @return work done: reports handed over. */
    int doWork(final long nowNs) {
        if (scanned && nowNs - nextScanNs < 0 || raft.failure() != null) {
            return 0;
        }
        scanned = true;
        nextScanNs = nowNs + scanEveryNs;
        led.clear();
        int work = 0;
        boolean full = false;
        for (final long regionId : raft.regionIds()) {
            if (raft.leaderStoreId(regionId) != storeId) {
                reported.remove(regionId);
                continue;
            }
            led.addLong(regionId);
            final RegionDescriptor region = registry.get(regionId);
            final RaftStatus status = raft.status(regionId);
            if (region == null || status.role() != Role.LEADER) {
                continue;
            }
            final Reported last = reported.get(regionId);
            final boolean changed = last == null || last.term != status.term() || last.confVer != region.confVer()
                || last.version != region.version();
            if (!changed && nowNs - last.dueNs < 0) {
                continue;
            }
            if (full || !link.offerReport(report(region, status, raft.peerProgress(regionId)))) {
                full = true;
                continue;
            }
            final Reported now = last == null ? new Reported() : last;
            now.term = status.term();
            now.confVer = region.confVer();
            now.version = region.version();
            now.dueNs = nowNs + intervalNs;
            reported.put(regionId, now);
            work++;
        }
        reported.keySet().removeIf(id -> raft.status(id) == null);
        publishLed();
        return work;
    }

    private RegionReport report(
        final RegionDescriptor region, final RaftStatus status, final List<PeerProgress> peers) {
        final LongArrayList down = new LongArrayList();
        final LongArrayList downSeconds = new LongArrayList();
        final LongArrayList pending = new LongArrayList();
        for (final PeerProgress peer : peers) {
            if (!isPeerOf(region, peer.peerId())) {
                // A removed peer the leader still tracks (to tell it of its removal) is no peer of the region: PD
                // refuses a heartbeat naming one, so the region's new epoch would never reach it.
                continue;
            }
            if (peer.silentRounds() >= DOWN_AFTER_ROUNDS) {
                down.addLong(peer.peerId());
                downSeconds.addLong(peer.silentRounds() * electionTimeoutMs / 1000);
            }
            if (peer.snapshotting() || peer.match() < status.firstIndex() - 1) {
                pending.addLong(peer.peerId());
            }
        }
        return new RegionReport(region, status.id(), status.term(), down.toLongArray(), downSeconds.toLongArray(),
            pending.toLongArray());
    }

    private static boolean isPeerOf(final RegionDescriptor region, final long peerId) {
        for (final RegionDescriptor.Peer peer : region.peers()) {
            if (peer.id() == peerId) {
                return true;
            }
        }
        return false;
    }

    private void publishLed() {
        final long[] now = led.toLongArray();
        Arrays.sort(now);
        if (!Arrays.equals(now, published)) {
            published = now;
            link.publishLedRegions(now);
        }
    }
}
