package io.tkv.client;

import io.tkv.codec.AddOperatorResponseDecoder;
import io.tkv.codec.AskSplitResponseDecoder;
import io.tkv.codec.GetGcSafePointResponseDecoder;
import io.tkv.codec.GetOperatorsResponseDecoder;
import io.tkv.codec.GetRegionResponseDecoder;
import io.tkv.codec.GetStoresResponseDecoder;
import io.tkv.codec.PutStoreResponseDecoder;
import io.tkv.codec.RegionHeartbeatResponseDecoder;
import io.tkv.codec.ScanRegionsResponseDecoder;
import io.tkv.codec.SetSchedulerResponseDecoder;
import io.tkv.codec.StoreHeartbeatResponseDecoder;
import io.tkv.codec.StoreState;
import io.tkv.codec.UpdateGcSafePointResponseDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes PD's answers to store, routing and operator requests and completes their requests: PutStore and
 * StoreHeartbeat with {@code null}, RegionHeartbeat with an {@link OperatorStep}, AskSplit with {@link SplitIds},
 * GetRegion with a {@link RegionInfo}, ScanRegions with {@link PdRegion}s, GetStores with {@link PdStore}s,
 * GetOperators with {@link PdOperator}s, SetScheduler with every scheduler's state, AddOperator with the operator's
 * id, GetGcSafePoint with a {@link PdGcSafePoint}, UpdateGcSafePoint with a {@link PdGcSafePointUpdate}. Every value
 * from the wire is checked before it is handed on. Poller thread only.
 */
final class PdClusterReplies {
    private static final short OK = Statuses.OK;
    private static final short TRUE = 1;

    private final InFlightRequests inFlight;
    private final RegionListReader regionLists = new RegionListReader();
    private final UnsafeBuffer regionsView = new UnsafeBuffer(0, 0);
    private final PutStoreResponseDecoder putStore = new PutStoreResponseDecoder();
    private final StoreHeartbeatResponseDecoder storeHeartbeat = new StoreHeartbeatResponseDecoder();
    private final RegionHeartbeatResponseDecoder regionHeartbeat = new RegionHeartbeatResponseDecoder();
    private final AskSplitResponseDecoder askSplit = new AskSplitResponseDecoder();
    private final GetRegionResponseDecoder getRegion = new GetRegionResponseDecoder();
    private final ScanRegionsResponseDecoder scanRegions = new ScanRegionsResponseDecoder();
    private final GetStoresResponseDecoder getStores = new GetStoresResponseDecoder();
    private final GetOperatorsResponseDecoder getOperators = new GetOperatorsResponseDecoder();
    private final SetSchedulerResponseDecoder setScheduler = new SetSchedulerResponseDecoder();
    private final AddOperatorResponseDecoder addOperator = new AddOperatorResponseDecoder();
    private final GetGcSafePointResponseDecoder getGcSafePoint = new GetGcSafePointResponseDecoder();
    private final UpdateGcSafePointResponseDecoder updateGcSafePoint = new UpdateGcSafePointResponseDecoder();

    PdClusterReplies(final InFlightRequests inFlight) {
        this.inFlight = inFlight;
    }

    /** @return whether the template is one of these replies (and was handled). */
    boolean onReply(
        final PendingRequest<?> request, final int templateId, final DirectBuffer buffer, final int offset,
        final int blockLength, final int version) {
        try {
            switch (templateId) {
                case PutStoreResponseDecoder.TEMPLATE_ID -> {
                    putStore.wrap(buffer, offset, blockLength, version);
                    complete(request, putStore.statusRaw(), putStore.errorMessage(), null);
                }
                case StoreHeartbeatResponseDecoder.TEMPLATE_ID -> {
                    storeHeartbeat.wrap(buffer, offset, blockLength, version);
                    complete(request, storeHeartbeat.statusRaw(), storeHeartbeat.errorMessage(), null);
                }
                case RegionHeartbeatResponseDecoder.TEMPLATE_ID -> onRegionHeartbeat(request, buffer, offset,
                    blockLength, version);
                case AskSplitResponseDecoder.TEMPLATE_ID -> onAskSplit(request, buffer, offset, blockLength, version);
                case GetRegionResponseDecoder.TEMPLATE_ID -> onGetRegion(request, buffer, offset, blockLength, version);
                case ScanRegionsResponseDecoder.TEMPLATE_ID -> onScanRegions(request, buffer, offset, blockLength,
                    version);
                case GetStoresResponseDecoder.TEMPLATE_ID -> onGetStores(request, buffer, offset, blockLength, version);
                case GetOperatorsResponseDecoder.TEMPLATE_ID -> onGetOperators(request, buffer, offset, blockLength,
                    version);
                case SetSchedulerResponseDecoder.TEMPLATE_ID -> onSetScheduler(request, buffer, offset, blockLength,
                    version);
                case AddOperatorResponseDecoder.TEMPLATE_ID -> {
                    addOperator.wrap(buffer, offset, blockLength, version);
                    final long operatorId = addOperator.operatorId();
                    complete(request, addOperator.statusRaw(), addOperator.errorMessage(), operatorId);
                }
                case GetGcSafePointResponseDecoder.TEMPLATE_ID -> onGetGcSafePoint(request, buffer, offset,
                    blockLength, version);
                case UpdateGcSafePointResponseDecoder.TEMPLATE_ID -> onUpdateGcSafePoint(request, buffer, offset,
                    blockLength, version);
                default -> {
                    return false;
                }
            }
        } catch (final TkvException e) {
            inFlight.fail(request, e);
        }
        return true;
    }

    private void onRegionHeartbeat(final PendingRequest<?> request, final DirectBuffer buffer, final int offset,
        final int blockLength, final int version) {
        final RegionHeartbeatResponseDecoder d = regionHeartbeat.wrap(buffer, offset, blockLength, version);
        final short status = d.statusRaw();
        final long regionId = d.regionId();
        final OperatorStep.Kind kind = kindOf(d.kindRaw());
        final OperatorStep step = new OperatorStep(regionId, d.confVer(), d.version(), d.operatorId(), kind,
            d.peerId(), d.storeId());
        final String message = d.errorMessage();
        if (status == OK && kind != OperatorStep.Kind.NONE && (step.storeId() <= 0
            || (kind != OperatorStep.Kind.TRANSFER_LEADER && kind != OperatorStep.Kind.SPLIT && step.peerId() <= 0))) {
            throw malformed("RegionHeartbeatResponse " + step + " names no peer or store");
        }
        complete(request, status, message, step);
    }

    private void onAskSplit(final PendingRequest<?> request, final DirectBuffer buffer, final int offset,
        final int blockLength, final int version) {
        askSplit.wrap(buffer, offset, blockLength, version);
        final short status = askSplit.statusRaw();
        final long newRegionId = askSplit.newRegionId();
        final AskSplitResponseDecoder.NewPeersDecoder peers = askSplit.newPeers();
        final long[] peerIds = new long[peers.count()];
        for (int i = 0; i < peerIds.length; i++) {
            peerIds[i] = peers.next().peerId();
        }
        final String message = askSplit.errorMessage();
        if (status == OK && (newRegionId <= 0 || peerIds.length == 0)) {
            throw malformed("AskSplitResponse with region id " + newRegionId + " and " + peerIds.length + " peers");
        }
        complete(request, status, message, new SplitIds(newRegionId, peerIds));
    }

    private void onGetRegion(final PendingRequest<?> request, final DirectBuffer buffer, final int offset,
        final int blockLength, final int version) {
        getRegion.wrap(buffer, offset, blockLength, version);
        final short status = getRegion.statusRaw();
        final String message = getRegion.errorMessage();
        getRegion.wrapRegions(regionsView);
        if (status != OK) {
            complete(request, status, message, null);
            return;
        }
        final List<RegionInfo> regions = regionLists.read(regionsView, 0, regionsView.capacity());
        if (regions.size() != 1) {
            throw malformed("GetRegionResponse with " + regions.size() + " regions, not one");
        }
        complete(request, status, message, regions.get(0));
    }

    private void onScanRegions(final PendingRequest<?> request, final DirectBuffer buffer, final int offset,
        final int blockLength, final int version) {
        scanRegions.wrap(buffer, offset, blockLength, version);
        final short status = scanRegions.statusRaw();
        final List<long[]> stats = new ArrayList<>();
        for (final ScanRegionsResponseDecoder.StatsDecoder stat : scanRegions.stats()) {
            // Written bytes and keys since schema version 5: an older PD's stats do not have them (-1, unknown).
            final boolean written = version >= ScanRegionsResponseDecoder.StatsDecoder.writtenBytesSinceVersion();
            stats.add(new long[] {stat.regionId(), stat.approximateSize(), stat.approximateKeys(),
                written ? stat.writtenBytes() : -1, written ? stat.writtenKeys() : -1});
        }
        final String message = scanRegions.errorMessage();
        scanRegions.wrapRegions(regionsView);
        if (status != OK) {
            complete(request, status, message, null);
            return;
        }
        final List<RegionInfo> regions = regionLists.read(regionsView, 0, regionsView.capacity());
        if (regions.size() != stats.size()) {
            throw malformed("ScanRegionsResponse with " + regions.size() + " regions and " + stats.size() + " stats");
        }
        final List<PdRegion> out = new ArrayList<>(regions.size());
        for (int i = 0; i < regions.size(); i++) {
            final long[] stat = stats.get(i);
            if (stat[0] != regions.get(i).regionId()) {
                throw malformed("ScanRegionsResponse stats for region " + stat[0] + " where region "
                    + regions.get(i).regionId() + " is");
            }
            out.add(new PdRegion(regions.get(i), stat[1], stat[2], stat[3], stat[4]));
        }
        complete(request, status, message, out);
    }

    private void onGetStores(final PendingRequest<?> request, final DirectBuffer buffer, final int offset,
        final int blockLength, final int version) {
        getStores.wrap(buffer, offset, blockLength, version);
        final short status = getStores.statusRaw();
        final List<PdStore> stores = new ArrayList<>();
        for (final GetStoresResponseDecoder.StoresDecoder store : getStores.stores()) {
            final long storeId = store.storeId();
            final StoreState state = store.state();
            final long capacity = store.capacity();
            final long available = store.available();
            final int regionCount = store.regionCount();
            final int leaderCount = store.leaderCount();
            final long lastHeartbeatMs = store.lastHeartbeatMs();
            final String address = store.address();
            final String labels = store.labels();
            stores.add(new PdStore(storeId, state == StoreState.NULL_VAL ? "UNKNOWN" : state.name(), capacity,
                available, regionCount, leaderCount, lastHeartbeatMs, address, labels));
        }
        complete(request, status, getStores.errorMessage(), stores);
    }

    private void onGetOperators(final PendingRequest<?> request, final DirectBuffer buffer, final int offset,
        final int blockLength, final int version) {
        getOperators.wrap(buffer, offset, blockLength, version);
        final short status = getOperators.statusRaw();
        final List<PdOperator> operators = new ArrayList<>();
        for (final GetOperatorsResponseDecoder.OperatorsDecoder op : getOperators.operators()) {
            final long regionId = op.regionId();
            final long operatorId = op.operatorId();
            final OperatorStep.Kind kind = kindOf(op.kindRaw());
            final long storeId = op.storeId();
            operators.add(new PdOperator(regionId, operatorId, kind, storeId, op.description()));
        }
        complete(request, status, getOperators.errorMessage(), operators);
    }

    private void onSetScheduler(final PendingRequest<?> request, final DirectBuffer buffer, final int offset,
        final int blockLength, final int version) {
        setScheduler.wrap(buffer, offset, blockLength, version);
        final short status = setScheduler.statusRaw();
        final Map<String, Boolean> schedulers = new LinkedHashMap<>();
        for (final SetSchedulerResponseDecoder.SchedulersDecoder scheduler : setScheduler.schedulers()) {
            final boolean enabled = scheduler.enabledRaw() == TRUE;
            schedulers.put(scheduler.name(), enabled);
        }
        complete(request, status, setScheduler.errorMessage(), schedulers);
    }

    private void onGetGcSafePoint(final PendingRequest<?> request, final DirectBuffer buffer, final int offset,
        final int blockLength, final int version) {
        getGcSafePoint.wrap(buffer, offset, blockLength, version);
        final short status = getGcSafePoint.statusRaw();
        final long safePoint = getGcSafePoint.safePoint();
        final long lifeTimeMs = getGcSafePoint.gcLifeTimeMs();
        final String message = getGcSafePoint.errorMessage();
        if (status == OK && (safePoint < 0 || lifeTimeMs < 0)) {
            throw malformed("GetGcSafePointResponse with safe point " + safePoint + ", life time " + lifeTimeMs);
        }
        complete(request, status, message, new PdGcSafePoint(safePoint, lifeTimeMs));
    }

    private void onUpdateGcSafePoint(final PendingRequest<?> request, final DirectBuffer buffer, final int offset,
        final int blockLength, final int version) {
        updateGcSafePoint.wrap(buffer, offset, blockLength, version);
        final short status = updateGcSafePoint.statusRaw();
        final long safePoint = updateGcSafePoint.newSafePoint();
        final boolean updated = updateGcSafePoint.updatedRaw() == TRUE;
        final String message = updateGcSafePoint.errorMessage();
        if (status == OK && safePoint < 0) {
            throw malformed("UpdateGcSafePointResponse with safe point " + safePoint);
        }
        complete(request, status, message, new PdGcSafePointUpdate(safePoint, updated));
    }

    private static OperatorStep.Kind kindOf(final short raw) {
        final OperatorStep.Kind[] kinds = OperatorStep.Kind.values();
        if (raw < 0 || raw >= kinds.length) {
            throw malformed("operator kind " + raw + " is not one this client knows");
        }
        return kinds[raw];
    }

    private static TkvException malformed(final String message) {
        return new TkvException(ErrorCode.MALFORMED, message);
    }

    private void complete(final PendingRequest<?> request, final short status, final String message,
        final Object result) {
        inFlight.completeByStatus(request, status, message, result);
    }
}
