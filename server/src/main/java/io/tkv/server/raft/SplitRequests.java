package io.tkv.server.raft;

import io.tkv.codec.SplitRegionDecoder;
import io.tkv.codec.Status;
import io.tkv.server.region.RegionRegistry;
import io.tkv.server.session.ClientSession;
import io.tkv.server.session.ReplySender;
import io.tkv.storage.RegionDescriptor;
import io.tkv.storage.command.Command;
import io.tkv.storage.command.CommandWriter;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * An admin session's SplitRegion: checked against the region as this store has it (here, the epoch with both
 * counters, a key strictly inside, one new peer per peer, a new region id not on this store), then proposed as a
 * SPLIT command through the region's log; every replica applies it ({@code SplitExecutor}) and the apply agent
 * answers once it applied here. A cold path: it allocates. Raft agent thread.
 */
final class SplitRequests {
    private static final Logger LOG = LoggerFactory.getLogger(SplitRequests.class);

    private final RegionRegistry regions;
    private final RequestRouter router;
    private final ReplySender replies;
    private final CommandWriter writer = new CommandWriter();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(256);
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);

    SplitRequests(final RegionRegistry regions, final RequestRouter router, final ReplySender replies) {
        this.regions = regions;
        this.router = router;
        this.replies = replies;
    }

    void onSplit(final ClientSession session, final SplitRegionDecoder request) {
        final long correlationId = request.correlationId();
        final long regionId = request.region().regionId();
        final long confVer = request.region().confVer();
        final long version = request.region().version();
        final long newRegionId = request.newRegionId();
        final SplitRegionDecoder.NewPeersDecoder peers = request.newPeers();
        final long[] peerIds = new long[peers.count()];
        for (int i = 0; i < peerIds.length; i++) {
            peerIds[i] = peers.next().peerId();
        }
        request.wrapSplitKey(keyView);
        final byte[] splitKey = new byte[keyView.capacity()];
        keyView.getBytes(0, splitKey);

        final RegionDescriptor region = regions.get(regionId);
        final String refusal;
        final Status status;
        if (region == null) {
            status = Status.REGION_NOT_FOUND;
            refusal = "region " + regionId + " is not on this store";
        } else if (region.confVer() != confVer || region.version() != version) {
            status = Status.EPOCH_NOT_MATCH;
            refusal = "region " + regionId + " is at epoch (" + region.confVer() + ", " + region.version() + ")";
        } else if (!region.canSplitAt(splitKey)) {
            status = Status.KEY_NOT_IN_REGION;
            refusal = "split key not strictly inside " + region;
        } else if (peerIds.length != region.peers().size()) {
            status = Status.MALFORMED;
            refusal = "one new peer id per peer of " + region + ", not " + peerIds.length;
        } else if (newRegionId <= 0 || regions.get(newRegionId) != null) {
            status = Status.MALFORMED;
            refusal = "new region id " + newRegionId + " is not positive or already on this store";
        } else {
            status = Status.OK;
            refusal = null;
        }
        if (refusal != null) {
            replies.sendError(session.publication(), correlationId, status, SplitRegionDecoder.TEMPLATE_ID, refusal);
            return;
        }
        writer.begin(scratch, 0, Command.SPLIT, 0, System.currentTimeMillis(), regionId, confVer, version, 0,
            correlationId, 0, 0).item(splitKey).id(newRegionId);
        for (final long peerId : peerIds) {
            writer.id(peerId);
        }
        final byte[] command = Arrays.copyOf(scratch.byteArray(), writer.finish());
        LOG.info("splitting region {} at {} into region {} (asked by {})", regionId, Arrays.toString(splitKey),
            newRegionId, session.clientName());
        router.propose(session, regionId, SplitRegionDecoder.TEMPLATE_ID, correlationId, command);
    }
}
