package io.tkv.client;

import io.tkv.codec.InjectFaultResponseDecoder;
import io.tkv.codec.RegionChecksumResponseDecoder;
import io.tkv.codec.StoreStatusResponseDecoder;
import io.tkv.codec.SplitRegionResponseDecoder;
import io.tkv.codec.LocateRegionResponseDecoder;
import io.tkv.codec.TransferLeaderResponseDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the replies to the admin requests (StoreStatus, InjectFault, TransferLeader, RegionChecksum, SplitRegion) and
 * completes
 * them.
 */
final class AdminReplies {
    private static final short OK = 0;

    private final StoreStatusResponseDecoder status = new StoreStatusResponseDecoder();
    private final InjectFaultResponseDecoder fault = new InjectFaultResponseDecoder();
    private final TransferLeaderResponseDecoder transfer = new TransferLeaderResponseDecoder();
    private final RegionChecksumResponseDecoder checksum = new RegionChecksumResponseDecoder();
    private final SplitRegionResponseDecoder split = new SplitRegionResponseDecoder();
    private final LocateRegionResponseDecoder locate = new LocateRegionResponseDecoder();
    private final RegionListReader regionLists = new RegionListReader();
    private final UnsafeBuffer regionsView = new UnsafeBuffer(0, 0);
    private final InFlightRequests inFlight;

    AdminReplies(final InFlightRequests inFlight) {
        this.inFlight = inFlight;
    }

    void onStoreStatus(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        status.wrap(buffer, offset, blockLength, version);
        final long storeId = status.storeId();
        final long logBytes = status.logBytes();
        final int logCycleFiles = status.logCycleFiles();
        final long logSyncs = status.logSyncs();
        final StoreStatus.Refused refused = new StoreStatus.Refused(
            orZero(status.peerFramesUnauthenticated(), StoreStatusResponseDecoder.peerFramesUnauthenticatedNullValue()),
            orZero(status.peerFramesReplayed(), StoreStatusResponseDecoder.peerFramesReplayedNullValue()),
            orZero(status.peerFramesNotMember(), StoreStatusResponseDecoder.peerFramesNotMemberNullValue()),
            orZero(status.raftMessagesNotMember(), StoreStatusResponseDecoder.raftMessagesNotMemberNullValue()));
        final List<StoreStatus.Region> regions = new ArrayList<>();
        for (final StoreStatusResponseDecoder.RegionsDecoder region : status.regions()) {
            regions.add(new StoreStatus.Region(region.regionId(), region.peerId(), region.role().name(),
                region.term(), region.leaderPeerId(), region.leaderStoreId(), region.commitIndex(),
                region.appliedIndex(), region.firstIndex(), region.lastIndex()));
        }
        final String failure = status.errorMessage();
        inFlight.complete(request, new StoreStatus(storeId, logBytes, logCycleFiles, logSyncs, failure,
            List.copyOf(regions), refused));
    }

    void onRegionChecksum(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        checksum.wrap(buffer, offset, blockLength, version);
        final short statusRaw = checksum.statusRaw();
        final RegionChecksum result = new RegionChecksum(checksum.regionId(), checksum.appliedIndex(),
            checksum.checksum(), checksum.keys());
        final String message = checksum.errorMessage();
        if (statusRaw == OK) {
            inFlight.complete(request, result);
        } else {
            inFlight.fail(request, Statuses.toException(statusRaw, message));
        }
    }

    void onSplitRegion(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        split.wrap(buffer, offset, blockLength, version);
        final short statusRaw = split.statusRaw();
        final String message = split.errorMessage();
        if (statusRaw != OK) {
            inFlight.fail(request, Statuses.toException(statusRaw, message));
            return;
        }
        split.wrapRegions(regionsView);
        try {
            inFlight.complete(request, regionLists.read(regionsView, 0, regionsView.capacity()));
        } catch (final TkvException ex) {
            inFlight.fail(request, ex);
        }
    }

    void onLocateRegion(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        locate.wrap(buffer, offset, blockLength, version);
        final short statusRaw = locate.statusRaw();
        final String message = locate.errorMessage();
        if (statusRaw != OK) {
            inFlight.fail(request, Statuses.toException(statusRaw, message));
            return;
        }
        locate.wrapRegions(regionsView);
        try {
            inFlight.complete(request, regionLists.read(regionsView, 0, regionsView.capacity()));
        } catch (final TkvException ex) {
            inFlight.fail(request, ex);
        }
    }

    private static long orZero(final long value, final long nullValue) {
        return value == nullValue ? 0 : value;
    }

    void onInjectFault(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        fault.wrap(buffer, offset, blockLength, version);
        final short statusRaw = fault.statusRaw();
        final String message = fault.errorMessage();
        if (statusRaw == OK) {
            inFlight.complete(request, null);
        } else {
            inFlight.fail(request, Statuses.toException(statusRaw, message));
        }
    }

    void onTransferLeader(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        transfer.wrap(buffer, offset, blockLength, version);
        final short statusRaw = transfer.statusRaw();
        final long leaderStoreId = transfer.leaderStoreId();
        final String message = transfer.errorMessage();
        if (statusRaw == OK) {
            inFlight.complete(request, null);
        } else {
            inFlight.fail(request, Statuses.toException(statusRaw,
                message + (leaderStoreId == 0 ? "" : " (leader: store " + leaderStoreId + ")")));
        }
    }
}
