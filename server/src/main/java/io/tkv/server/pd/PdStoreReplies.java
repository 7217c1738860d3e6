package io.tkv.server.pd;

import io.aeron.Publication;
import io.tkv.codec.AskSplitResponseEncoder;
import io.tkv.codec.GetRegionResponseEncoder;
import io.tkv.codec.GetStoresResponseEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.OperatorKind;
import io.tkv.codec.PutStoreResponseEncoder;
import io.tkv.codec.RegionHeartbeatResponseEncoder;
import io.tkv.codec.ScanRegionsResponseEncoder;
import io.tkv.codec.Status;
import io.tkv.codec.StoreHeartbeatResponseEncoder;
import io.tkv.codec.StoreState;
import io.tkv.pd.cluster.RegionInfo;
import io.tkv.server.session.ReplySender;
import org.agrona.ExpandableDirectByteBuffer;

import java.util.List;

/**
 * Encodes PD's answers to the store band and the routing queries (PutStore, StoreHeartbeat, RegionHeartbeat, AskSplit,
 * GetRegion/GetRegionById, ScanRegions, GetStores) and offers them through the {@link ReplySender}. One thread (the PD
 * agent's).
 */
final class PdStoreReplies {
    /** One store of a GetStores answer. */
    record StoreRow(long storeId, StoreState state, long capacity, long available, int regionCount, int leaderCount,
        long lastHeartbeatMs, String address, String labels) {
    }

    private final ReplySender sender;
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(4096);
    private final ExpandableDirectByteBuffer regionsScratch = new ExpandableDirectByteBuffer(4096);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final PdRegionListWriter regionLists = new PdRegionListWriter();
    private final PutStoreResponseEncoder putStore = new PutStoreResponseEncoder();
    private final StoreHeartbeatResponseEncoder storeHeartbeat = new StoreHeartbeatResponseEncoder();
    private final RegionHeartbeatResponseEncoder regionHeartbeat = new RegionHeartbeatResponseEncoder();
    private final AskSplitResponseEncoder askSplit = new AskSplitResponseEncoder();
    private final GetRegionResponseEncoder getRegion = new GetRegionResponseEncoder();
    private final ScanRegionsResponseEncoder scanRegions = new ScanRegionsResponseEncoder();
    private final GetStoresResponseEncoder getStores = new GetStoresResponseEncoder();

    PdStoreReplies(final ReplySender sender) {
        this.sender = sender;
    }

    void putStore(final Publication publication, final long correlationId, final Status status, final String message) {
        putStore.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(status)
            .errorMessage(message);
        send(publication, putStore.encodedLength());
    }

    void storeHeartbeat(final Publication publication, final long correlationId, final Status status,
        final String message) {
        storeHeartbeat.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(status)
            .errorMessage(message);
        send(publication, storeHeartbeat.encodedLength());
    }

    /**
     * @param kind    the step's kind (NONE: nothing to do).
     * @param confVer the epoch the step is for (with EPOCH_NOT_MATCH: the newer epoch PD knows).
     */
    void regionHeartbeat(final Publication publication, final long correlationId, final Status status,
        final long regionId, final long confVer, final long version, final long operatorId, final OperatorKind kind,
        final long peerId, final long storeId, final String message) {
        regionHeartbeat.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(status)
            .regionId(regionId).confVer(confVer).version(version).operatorId(operatorId).kind(kind).peerId(peerId)
            .storeId(storeId).errorMessage(message);
        send(publication, regionHeartbeat.encodedLength());
    }

    void askSplit(final Publication publication, final long correlationId, final long newRegionId,
        final long[] newPeerIds) {
        askSplit.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.OK)
            .newRegionId(newRegionId);
        final AskSplitResponseEncoder.NewPeersEncoder peers = askSplit.newPeersCount(newPeerIds.length);
        for (final long peerId : newPeerIds) {
            peers.next().peerId(peerId);
        }
        askSplit.errorMessage("");
        send(publication, askSplit.encodedLength());
    }

    /** GetRegion or GetRegionById found the region. */
    void region(final Publication publication, final long correlationId, final RegionInfo region) {
        final int length = regionLists.write(List.of(region), regionsScratch, 0);
        getRegion.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.OK)
            .errorMessage("").putRegions(regionsScratch, 0, length);
        send(publication, getRegion.encodedLength());
    }

    /** GetRegion or GetRegionById did not (REGION_NOT_FOUND, with why). */
    void regionNotFound(final Publication publication, final long correlationId, final String message) {
        getRegion.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.REGION_NOT_FOUND)
            .errorMessage(message).putRegions(regionsScratch, 0, 0);
        send(publication, getRegion.encodedLength());
    }

    void scanRegions(final Publication publication, final long correlationId, final List<RegionInfo> regions) {
        final int length = regionLists.write(regions, regionsScratch, 0);
        scanRegions.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.OK);
        final ScanRegionsResponseEncoder.StatsEncoder stats = scanRegions.statsCount(regions.size());
        for (final RegionInfo region : regions) {
            stats.next().regionId(region.id()).approximateSize(region.approximateSizeBytes())
                .approximateKeys(region.approximateKeys()).writtenBytes(region.writtenBytes())
                .writtenKeys(region.writtenKeys());
        }
        scanRegions.errorMessage("").putRegions(regionsScratch, 0, length);
        send(publication, scanRegions.encodedLength());
    }

    void stores(final Publication publication, final long correlationId, final List<StoreRow> rows) {
        getStores.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.OK);
        final GetStoresResponseEncoder.StoresEncoder group = getStores.storesCount(rows.size());
        for (final StoreRow row : rows) {
            group.next().storeId(row.storeId()).state(row.state()).capacity(row.capacity())
                .available(row.available()).regionCount(row.regionCount()).leaderCount(row.leaderCount())
                .lastHeartbeatMs(row.lastHeartbeatMs()).address(row.address()).labels(row.labels());
        }
        getStores.errorMessage("");
        send(publication, getStores.encodedLength());
    }

    private void send(final Publication publication, final int bodyLength) {
        sender.send(publication, scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + bodyLength);
    }
}
