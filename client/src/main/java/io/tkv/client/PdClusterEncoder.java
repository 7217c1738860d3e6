package io.tkv.client;

import io.tkv.codec.AddOperatorEncoder;
import io.tkv.codec.AskSplitEncoder;
import io.tkv.codec.BooleanType;
import io.tkv.codec.GetGcSafePointEncoder;
import io.tkv.codec.GetOperatorsEncoder;
import io.tkv.codec.GetRegionByIdEncoder;
import io.tkv.codec.GetRegionEncoder;
import io.tkv.codec.GetStoresEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.OperatorKind;
import io.tkv.codec.PutStoreEncoder;
import io.tkv.codec.RegionHeartbeatEncoder;
import io.tkv.codec.ScanRegionsEncoder;
import io.tkv.codec.SetSchedulerEncoder;
import io.tkv.codec.StoreHeartbeatEncoder;
import io.tkv.codec.UpdateGcSafePointEncoder;
import org.agrona.ExpandableArrayBuffer;

/**
 * Encodes PD's store, routing, operator and GC safe point requests (session token left 0: the publisher stamps it).
 * One per thread ({@link #current()}), as {@link PdRequestEncoder}.
 */
final class PdClusterEncoder {
    private static final ThreadLocal<PdClusterEncoder> ENCODERS = ThreadLocal.withInitial(PdClusterEncoder::new);

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final PutStoreEncoder putStore = new PutStoreEncoder();
    private final StoreHeartbeatEncoder storeHeartbeat = new StoreHeartbeatEncoder();
    private final RegionHeartbeatEncoder regionHeartbeat = new RegionHeartbeatEncoder();
    private final AskSplitEncoder askSplit = new AskSplitEncoder();
    private final GetRegionEncoder getRegion = new GetRegionEncoder();
    private final GetRegionByIdEncoder getRegionById = new GetRegionByIdEncoder();
    private final ScanRegionsEncoder scanRegions = new ScanRegionsEncoder();
    private final GetStoresEncoder getStores = new GetStoresEncoder();
    private final GetOperatorsEncoder getOperators = new GetOperatorsEncoder();
    private final SetSchedulerEncoder setScheduler = new SetSchedulerEncoder();
    private final AddOperatorEncoder addOperator = new AddOperatorEncoder();
    private final GetGcSafePointEncoder getGcSafePoint = new GetGcSafePointEncoder();
    private final UpdateGcSafePointEncoder updateGcSafePoint = new UpdateGcSafePointEncoder();

    /** @return this thread's encoder. */
    static PdClusterEncoder current() {
        return ENCODERS.get();
    }

    byte[] putStore(final long correlationId, final long storeId, final String address, final String labels) {
        putStore.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0).storeId(storeId)
            .address(address).labels(labels);
        return frame(putStore.encodedLength());
    }

    byte[] storeHeartbeat(final long correlationId, final StoreHeartbeatReport report) {
        storeHeartbeat.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0)
            .storeId(report.storeId()).capacity(report.capacity()).available(report.available())
            .usedSize(report.usedSize()).regionCount(report.regionCount()).leaderCount(report.leaderCount())
            .bytesWritten(report.bytesWritten()).keysWritten(report.keysWritten());
        return frame(storeHeartbeat.encodedLength());
    }

    byte[] regionHeartbeat(final long correlationId, final RegionHeartbeatReport report) {
        regionHeartbeat.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0)
            .storeId(report.storeId()).leaderPeerId(report.leaderPeerId()).term(report.term())
            .approximateSize(report.approximateSize()).approximateKeys(report.approximateKeys())
            .bytesWritten(report.bytesWritten()).keysWritten(report.keysWritten());
        final long[] down = report.downPeerIds();
        final RegionHeartbeatEncoder.DownPeersEncoder downPeers = regionHeartbeat.downPeersCount(down.length);
        for (int i = 0; i < down.length; i++) {
            downPeers.next().peerId(down[i]).downSeconds(report.downSeconds()[i]);
        }
        final long[] pending = report.pendingPeerIds();
        final RegionHeartbeatEncoder.PendingPeersEncoder pendingPeers =
            regionHeartbeat.pendingPeersCount(pending.length);
        for (final long peerId : pending) {
            pendingPeers.next().peerId(peerId);
        }
        final byte[] region = report.regionList();
        regionHeartbeat.putRegion(region, 0, region.length);
        return frame(regionHeartbeat.encodedLength());
    }

    byte[] askSplit(final long correlationId, final long regionId, final long confVer, final long version,
        final int peerCount) {
        askSplit.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0).peerCount(peerCount)
            .region().regionId(regionId).confVer(confVer).version(version);
        return frame(askSplit.encodedLength());
    }

    byte[] getRegion(final long correlationId, final byte[] storedKey) {
        getRegion.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0)
            .putKey(storedKey, 0, storedKey.length);
        return frame(getRegion.encodedLength());
    }

    byte[] getRegionById(final long correlationId, final long regionId) {
        getRegionById.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0)
            .regionId(regionId);
        return frame(getRegionById.encodedLength());
    }

    byte[] scanRegions(final long correlationId, final byte[] startKey, final byte[] endKey, final int maxRegions) {
        scanRegions.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0)
            .maxRegions(maxRegions).putStartKey(startKey, 0, startKey.length).putEndKey(endKey, 0, endKey.length);
        return frame(scanRegions.encodedLength());
    }

    byte[] getStores(final long correlationId, final long storeId) {
        getStores.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0).storeId(storeId);
        return frame(getStores.encodedLength());
    }

    byte[] getOperators(final long correlationId) {
        getOperators.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        return frame(getOperators.encodedLength());
    }

    byte[] setScheduler(final long correlationId, final String name, final boolean enabled) {
        setScheduler.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0)
            .enabled(enabled ? BooleanType.TRUE : BooleanType.FALSE).name(name);
        return frame(setScheduler.encodedLength());
    }

    byte[] addOperator(final long correlationId, final long regionId, final OperatorStep.Kind kind,
        final long storeId) {
        addOperator.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0)
            .regionId(regionId).kind(OperatorKind.get((short)kind.ordinal())).storeId(storeId);
        return frame(addOperator.encodedLength());
    }

    byte[] getGcSafePoint(final long correlationId) {
        getGcSafePoint.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        return frame(getGcSafePoint.encodedLength());
    }

    byte[] updateGcSafePoint(final long correlationId, final long safePoint) {
        updateGcSafePoint.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0)
            .safePoint(safePoint);
        return frame(updateGcSafePoint.encodedLength());
    }

    private byte[] frame(final int bodyLength) {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        final byte[] frame = new byte[length];
        buffer.getBytes(0, frame, 0, length);
        return frame;
    }
}
