package io.tkv.server.raft;

import io.tkv.codec.ChangePeerDecoder;
import io.tkv.codec.ConfChangeType;
import io.tkv.codec.Status;
import io.tkv.raft.core.ConfChange;
import io.tkv.raft.store.MultiRaft;
import io.tkv.server.region.RegionRegistry;
import io.tkv.server.session.ClientSession;
import io.tkv.server.session.ReplySender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An admin session's ChangePeer: checked and proposed by the {@link ConfChangeProposer} (as a PD operator step's is),
 * answered with the refusal's status, or by the apply agent once the change applied here. Every replica applies it
 * ({@code ConfChangeExecutor}); the apply agent answers once it applied here. A cold path. Raft agent thread.
 */
final class ChangePeerRequests {
    private static final Logger LOG = LoggerFactory.getLogger(ChangePeerRequests.class);

    private final RegionRegistry regions;
    private final ConfChangeProposer proposer;
    private final ProposalTable proposals;
    private final RequestRouter router;
    private final ReplySender replies;

    ChangePeerRequests(
        final RegionRegistry regions, final ConfChangeProposer proposer, final ProposalTable proposals,
        final RequestRouter router, final ReplySender replies) {
        this.regions = regions;
        this.proposer = proposer;
        this.proposals = proposals;
        this.router = router;
        this.replies = replies;
    }

    void onChangePeer(final ClientSession session, final ChangePeerDecoder request) {
        final long correlationId = request.correlationId();
        final long regionId = request.region().regionId();
        final ConfChangeType type = request.changeType();
        final long peerId = request.peerId();
        final long storeId = request.storeId();
        final ConfChange.Type changeType = type == null || type == ConfChangeType.NULL_VAL
            ? null : ConfChange.Type.values()[type.value()];
        final String refusal = proposer.refusal(regionId, request.region().confVer(), request.region().version(),
            changeType, peerId, storeId);
        if (refusal != null) {
            final Status status = regions.get(regionId) == null ? Status.REGION_NOT_FOUND
                : refusal.startsWith("epoch") ? Status.EPOCH_NOT_MATCH : Status.MALFORMED;
            replies.sendError(session.publication(), correlationId, status, ChangePeerDecoder.TEMPLATE_ID, refusal);
            return;
        }
        final ConfChange change = proposer.change(regionId, changeType, peerId, storeId, correlationId);
        final long id = proposals.add(session.slot(), session.generation(), correlationId,
            ChangePeerDecoder.TEMPLATE_ID);
        if (id == 0) {
            replies.sendError(session.publication(), correlationId, Status.SERVER_BUSY, ChangePeerDecoder.TEMPLATE_ID,
                "too many proposals in flight");
            return;
        }
        final MultiRaft.Outcome outcome = proposer.propose(regionId, change, id);
        if (outcome != MultiRaft.Outcome.ACCEPTED) {
            proposals.remove(id);
        }
        if (outcome == MultiRaft.Outcome.ACCEPTED) {
            LOG.info("region {}: proposing {} (asked by {})", regionId, change, session.clientName());
        }
        router.answer(outcome, session, regionId, correlationId, ChangePeerDecoder.TEMPLATE_ID);
    }
}
