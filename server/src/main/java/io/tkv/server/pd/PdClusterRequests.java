package io.tkv.server.pd;

import io.tkv.codec.AddOperatorDecoder;
import io.tkv.codec.AskSplitDecoder;
import io.tkv.codec.BooleanType;
import io.tkv.codec.GetOperatorsDecoder;
import io.tkv.codec.GetRegionByIdDecoder;
import io.tkv.codec.GetRegionDecoder;
import io.tkv.codec.GetStoresDecoder;
import io.tkv.codec.OperatorKind;
import io.tkv.codec.PutStoreDecoder;
import io.tkv.codec.RegionHeartbeatDecoder;
import io.tkv.codec.ScanRegionsDecoder;
import io.tkv.codec.SetSchedulerDecoder;
import io.tkv.codec.StoreHeartbeatDecoder;
import io.tkv.server.session.ClientSession;
import org.agrona.DirectBuffer;

/**
 * The ingress side of PD's store band, routing queries and operators (templates 220-245): wraps each validated frame
 * (the ingress checked its lengths and the session), reads its fields and hands them to the {@link PdClusterService}
 * or {@link PdOperatorsService}. Keeps the {@link PdIngress} to the session and the TSO band. One thread.
 */
final class PdClusterRequests {
    private final PdClusterService cluster;
    private final PdOperatorsService operators;
    private final PutStoreDecoder putStore = new PutStoreDecoder();
    private final StoreHeartbeatDecoder storeHeartbeat = new StoreHeartbeatDecoder();
    private final RegionHeartbeatDecoder regionHeartbeat = new RegionHeartbeatDecoder();
    private final AskSplitDecoder askSplit = new AskSplitDecoder();
    private final GetRegionDecoder getRegion = new GetRegionDecoder();
    private final GetRegionByIdDecoder getRegionById = new GetRegionByIdDecoder();
    private final ScanRegionsDecoder scanRegions = new ScanRegionsDecoder();
    private final GetStoresDecoder getStores = new GetStoresDecoder();
    private final SetSchedulerDecoder setScheduler = new SetSchedulerDecoder();
    private final AddOperatorDecoder addOperator = new AddOperatorDecoder();

    PdClusterRequests(final PdClusterService cluster, final PdOperatorsService operators) {
        this.cluster = cluster;
        this.operators = operators;
    }

    /**
     * @param body the message body's offset (after the header).
     * @return whether the template is one of these requests (and was handled).
     */
    boolean onRequest(final ClientSession session, final long correlationId, final int templateId,
        final DirectBuffer buffer, final int body, final int blockLength, final int version) {
        switch (templateId) {
            case PutStoreDecoder.TEMPLATE_ID -> {
                putStore.wrap(buffer, body, blockLength, version);
                final long storeId = putStore.storeId();
                final String address = putStore.address();
                cluster.onPutStore(session, correlationId, storeId, address, putStore.labels());
            }
            case StoreHeartbeatDecoder.TEMPLATE_ID -> {
                final StoreHeartbeatDecoder d = storeHeartbeat.wrap(buffer, body, blockLength, version);
                cluster.onStoreHeartbeat(session, correlationId, d.storeId(), d.capacity(), d.available(),
                    d.regionCount(), d.leaderCount(), d.bytesWritten(), d.keysWritten());
            }
            case RegionHeartbeatDecoder.TEMPLATE_ID -> cluster.onRegionHeartbeat(session, correlationId,
                regionHeartbeat.wrap(buffer, body, blockLength, version));
            case AskSplitDecoder.TEMPLATE_ID -> {
                final AskSplitDecoder d = askSplit.wrap(buffer, body, blockLength, version);
                cluster.onAskSplit(session, correlationId, d.region().regionId(), d.region().confVer(),
                    d.region().version(), d.peerCount());
            }
            case GetRegionDecoder.TEMPLATE_ID -> {
                getRegion.wrap(buffer, body, blockLength, version);
                final byte[] key = new byte[getRegion.keyLength()];
                getRegion.getKey(key, 0, key.length);
                cluster.onGetRegion(session, correlationId, key);
            }
            case GetRegionByIdDecoder.TEMPLATE_ID -> cluster.onGetRegionById(session, correlationId,
                getRegionById.wrap(buffer, body, blockLength, version).regionId());
            case ScanRegionsDecoder.TEMPLATE_ID -> {
                scanRegions.wrap(buffer, body, blockLength, version);
                final int maxRegions = scanRegions.maxRegions();
                final byte[] start = new byte[scanRegions.startKeyLength()];
                scanRegions.getStartKey(start, 0, start.length);
                final byte[] end = new byte[scanRegions.endKeyLength()];
                scanRegions.getEndKey(end, 0, end.length);
                cluster.onScanRegions(session, correlationId, maxRegions, start, end);
            }
            case GetStoresDecoder.TEMPLATE_ID -> cluster.onGetStores(session, correlationId,
                getStores.wrap(buffer, body, blockLength, version).storeId());
            case GetOperatorsDecoder.TEMPLATE_ID -> operators.onGetOperators(session, correlationId);
            case SetSchedulerDecoder.TEMPLATE_ID -> {
                setScheduler.wrap(buffer, body, blockLength, version);
                final boolean enabled = setScheduler.enabledRaw() == BooleanType.TRUE.value();
                operators.onSetScheduler(session, correlationId, setScheduler.name(), enabled);
            }
            case AddOperatorDecoder.TEMPLATE_ID -> {
                final AddOperatorDecoder d = addOperator.wrap(buffer, body, blockLength, version);
                operators.onAddOperator(session, correlationId, d.regionId(), kindOf(d.kindRaw()), d.storeId());
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** @return the kind, or NULL_VAL for a value this build does not know (refused by the service). */
    private static OperatorKind kindOf(final short raw) {
        for (final OperatorKind kind : OperatorKind.values()) {
            if (kind.value() == raw && kind != OperatorKind.NULL_VAL) {
                return kind;
            }
        }
        return OperatorKind.NULL_VAL;
    }
}
