package io.tkv.client;

import io.tkv.codec.InjectFaultResponseDecoder;
import io.tkv.codec.RegionChecksumResponseDecoder;
import io.tkv.codec.StoreStatusResponseDecoder;
import io.tkv.codec.ChangePeerResponseDecoder;
import io.tkv.codec.SplitRegionResponseDecoder;
import io.tkv.codec.LocateRegionResponseDecoder;
import io.tkv.codec.TransferLeaderResponseDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the replies to the admin requests (StoreStatus, InjectFault, TransferLeader, RegionChecksum, SplitRegion,
 * ChangePeer) and
 * completes
 * them.
 */
final class AdminReplies {
    private static final short OK = 0;
    private static final byte[] NO_KEY = new byte[0];

    private final StoreStatusResponseDecoder status = new StoreStatusResponseDecoder();
    private final InjectFaultResponseDecoder fault = new InjectFaultResponseDecoder();
    private final TransferLeaderResponseDecoder transfer = new TransferLeaderResponseDecoder();
    private final RegionChecksumResponseDecoder checksum = new RegionChecksumResponseDecoder();
    private final SplitRegionResponseDecoder split = new SplitRegionResponseDecoder();
    private final ChangePeerResponseDecoder changePeer = new ChangePeerResponseDecoder();
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
            final long regionId = region.regionId();
            final long peerId = region.peerId();
            final String role = region.role().name();
            final long term = region.term();
            final long leaderPeerId = region.leaderPeerId();
            final long leaderStoreId = region.leaderStoreId();
            final long commit = region.commitIndex();
            final long applied = region.appliedIndex();
            final long first = region.firstIndex();
            final long last = region.lastIndex();
            final long confVer = orZero(region.confVer(), StoreStatusResponseDecoder.RegionsDecoder.confVerNullValue());
            final long epochVersion = orZero(region.version(),
                StoreStatusResponseDecoder.RegionsDecoder.versionNullValue());
            final long bytes = orZero(region.approximateBytes(),
                StoreStatusResponseDecoder.RegionsDecoder.approximateBytesNullValue());
            final long keys = orZero(region.approximateKeys(),
                StoreStatusResponseDecoder.RegionsDecoder.approximateKeysNullValue());
            regions.add(new StoreStatus.Region(regionId, peerId, role, term, leaderPeerId, leaderStoreId, commit,
                applied, first, last, confVer, epochVersion, NO_KEY, NO_KEY, bytes, keys));
        }
        final String failure = status.errorMessage();
        status.wrapRegionList(regionsView);
        final List<StoreStatus.Region> withRanges;
        try {
            withRanges = withRanges(regions, regionLists.read(regionsView, 0, regionsView.capacity()));
        } catch (final TkvException ex) {
            inFlight.fail(request, ex);
            return;
        }
        inFlight.complete(request, new StoreStatus(storeId, logBytes, logCycleFiles, logSyncs, failure, withRanges,
            refused));
    }

    /** @return the regions with the ranges the store's region list gives (none from a store before version 4). */
    private static List<StoreStatus.Region> withRanges(
        final List<StoreStatus.Region> regions, final List<RegionInfo> ranges) {
        final List<StoreStatus.Region> out = new ArrayList<>(regions.size());
        for (final StoreStatus.Region region : regions) {
            StoreStatus.Region full = region;
            for (final RegionInfo range : ranges) {
                if (range.regionId() == region.regionId()) {
                    full = new StoreStatus.Region(region.regionId(), region.peerId(), region.role(), region.term(),
                        region.leaderPeerId(), region.leaderStoreId(), region.commitIndex(), region.appliedIndex(),
                        region.firstIndex(), region.lastIndex(), region.confVer(), region.version(), range.startKey(),
                        range.endKey(), region.approximateBytes(), region.approximateKeys());
                }
            }
            out.add(full);
        }
        return List.copyOf(out);
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
        completeWithRegions(request);
    }

    void onChangePeer(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        changePeer.wrap(buffer, offset, blockLength, version);
        final short statusRaw = changePeer.statusRaw();
        final String message = changePeer.errorMessage();
        if (statusRaw != OK) {
            inFlight.fail(request, Statuses.toException(statusRaw, message));
            return;
        }
        changePeer.wrapRegions(regionsView);
        completeWithRegions(request);
    }

    private void completeWithRegions(final PendingRequest<?> request) {
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
