package io.tkv.server.raft;

import io.tkv.codec.Status;
import io.tkv.raft.store.MultiRaft;
import io.tkv.server.StoreCounters;
import io.tkv.server.session.ClientSession;
import io.tkv.server.session.ReplySender;
import org.agrona.DirectBuffer;

/**
 * Where the ingress hands an accepted client request: a write becomes a Raft proposal (its entry is the request's
 * command, made by the {@link ProposalAdapter}); a read asks Raft for a linearizable read point. Whatever Raft
 * refuses at once is answered here — NOT_LEADER with the leader hint, SERVER_BUSY, REGION_NOT_FOUND, or, once the
 * log has failed, NOT_LEADER without a hint and with the failure as its message. Owned by the raft agent.
 */
public final class RequestRouter {
    private final MultiRaft raft;
    private final ProposalTable proposals;
    private final PendingReads reads;
    private final ReplySender replies;
    private final LeaderHints hints;
    private final StoreCounters counters;
    private final ProposalAdapter adapter = new ProposalAdapter();

    RequestRouter(
        final MultiRaft raft, final ProposalTable proposals, final PendingReads reads, final ReplySender replies,
        final LeaderHints hints, final StoreCounters counters) {
        this.raft = raft;
        this.proposals = proposals;
        this.reads = reads;
        this.replies = replies;
        this.hints = hints;
        this.counters = counters;
    }

    /**
     * Routes one validated, authenticated request.
     *
     * @param session       the client's session.
     * @param regionId      the region the request is for (checked).
     * @param templateId    the request's template.
     * @param correlationId the request's correlation id.
     * @param nowMs         the raft agent's clock: a write's proposal time.
     */
    public void route(
        final ClientSession session, final long regionId, final int templateId, final long correlationId,
        final DirectBuffer buffer, final int offset, final int length, final long nowMs) {
        final MultiRaft.Outcome outcome;
        if (ProposalAdapter.isWrite(templateId)) {
            final long id = proposals.add(session.slot(), session.generation(), correlationId, templateId);
            if (id == 0) {
                busy(session, correlationId, templateId, "too many proposals in flight");
                return;
            }
            outcome = raft.propose(regionId, adapter.propose(nowMs, buffer, offset, length), id);
            if (outcome != MultiRaft.Outcome.ACCEPTED) {
                proposals.remove(id);
            }
        } else {
            final long id = reads.begin(session.slot(), session.generation(), buffer, offset, length);
            if (id == 0) {
                busy(session, correlationId, templateId, "too many reads waiting for a read point");
                return;
            }
            outcome = raft.read(regionId, id);
            if (outcome == MultiRaft.Outcome.ACCEPTED) {
                reads.accepted();
            } else {
                reads.refused();
            }
        }
        answer(outcome, session, regionId, correlationId, templateId);
    }

    /**
     * Proposes a command the store made itself (an admin command, already checked), answered by the apply agent once
     * it applied, or here if Raft refuses it at once.
     */
    public void propose(
        final ClientSession session, final long regionId, final int templateId, final long correlationId,
        final byte[] command) {
        final long id = proposals.add(session.slot(), session.generation(), correlationId, templateId);
        if (id == 0) {
            busy(session, correlationId, templateId, "too many proposals in flight");
            return;
        }
        final MultiRaft.Outcome outcome = raft.propose(regionId, command, id);
        if (outcome != MultiRaft.Outcome.ACCEPTED) {
            proposals.remove(id);
        }
        answer(outcome, session, regionId, correlationId, templateId);
    }

    /** Answers a request Raft refused at once (nothing for ACCEPTED): NOT_LEADER with the hint, SERVER_BUSY, ... */
    void answer(
        final MultiRaft.Outcome outcome, final ClientSession session, final long regionId, final long correlationId,
        final int templateId) {
        switch (outcome) {
            case ACCEPTED -> {
            }
            case NOT_LEADER -> {
                final long leader = raft.leaderStoreId(regionId);
                replies.sendNotLeader(session.publication(), correlationId, templateId, leader,
                    hints.endpointOf(leader), leader == 0 ? "no leader known yet" : "not the leader");
            }
            case BUSY -> busy(session, correlationId, templateId, "region busy (proposal window full or transfer)");
            case NO_REGION -> replies.sendError(session.publication(), correlationId, Status.REGION_NOT_FOUND,
                templateId, "region " + regionId + " is not on this store");
            case TOO_LARGE -> {
                counters.tooLarge().increment();
                replies.sendError(session.publication(), correlationId, Status.TOO_LARGE, templateId,
                    "the write is larger than the store can replicate");
            }
            // A failed store serves nothing more; NOT_LEADER without a hint sends the client to another store (the
            // others carry on), and the message says why this one cannot serve.
            default -> replies.sendNotLeader(session.publication(), correlationId, templateId, 0, "",
                "store failed, try another: " + (raft.failure() == null ? "Raft log failed" : raft.failure()));
        }
    }

    /** @return the store this one believes leads the region, or 0. */
    public long leaderStoreId(final long regionId) {
        return raft.leaderStoreId(regionId);
    }

    private void busy(final ClientSession session, final long correlationId, final int templateId,
        final String message) {
        counters.serverBusy().increment();
        replies.sendError(session.publication(), correlationId, Status.SERVER_BUSY, templateId, message);
    }
}
