package io.tkv.server.raft;

import io.tkv.codec.SplitRegionDecoder;
import io.tkv.server.session.ClientSession;
import io.tkv.server.session.ReplySender;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * An admin session's SplitRegion: checked and written by the {@link SplitProposer} (as the split checker's and PD's
 * splits are), then proposed through the region's log; every replica applies it ({@code SplitExecutor}) and the apply
 * agent answers once it applied here. A cold path: it allocates. Raft agent thread.
 */
final class SplitRequests {
    private static final Logger LOG = LoggerFactory.getLogger(SplitRequests.class);

    private final SplitProposer proposer;
    private final RequestRouter router;
    private final ReplySender replies;
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);

    SplitRequests(final SplitProposer proposer, final RequestRouter router, final ReplySender replies) {
        this.proposer = proposer;
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

        final SplitProposer.Refusal refusal = proposer.refusal(regionId, confVer, version, splitKey, newRegionId,
            peerIds.length);
        if (refusal != null) {
            replies.sendError(session.publication(), correlationId, refusal.status(), SplitRegionDecoder.TEMPLATE_ID,
                refusal.message());
            return;
        }
        final byte[] command = proposer.command(regionId, confVer, version, splitKey, newRegionId, peerIds,
            correlationId, System.currentTimeMillis());
        LOG.info("splitting region {} at {} into region {} (asked by {})", regionId, Arrays.toString(splitKey),
            newRegionId, session.clientName());
        router.propose(session, regionId, SplitRegionDecoder.TEMPLATE_ID, correlationId, command);
    }
}
