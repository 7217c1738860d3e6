package io.tkv.server.raft;

import io.tkv.codec.Status;
import io.tkv.raft.store.MultiRaft;
import io.tkv.server.txn.TxnLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * The raft agent's side of the transaction scheduler's writes: proposes each {@link TxnLink.Proposal} through its
 * region's log under a {@link ProposalTable} id whose slot is {@link #TXN_SLOT} (no client session: the scheduler
 * answers), so the committed entry reaches the apply agent marked as proposed here; tells the apply agent of every
 * proposal that will not apply ({@link TxnLink.Dropped}), refused at once or dropped later. Raft agent thread.
 */
final class TxnProposer {
    /** The session slot of the scheduler's proposals: never a session's (those are not negative). */
    static final int TXN_SLOT = TxnLink.PROPOSER_SLOT;
    private static final Logger LOG = LoggerFactory.getLogger(TxnProposer.class);
    private static final int PROPOSALS_PER_CYCLE = 256;

    private final MultiRaft raft;
    private final ProposalTable proposals;
    private final LeaderHints hints;
    private final TxnLink link;
    private final Consumer<TxnLink.Proposal> onProposal = this::onProposal;

    TxnProposer(final MultiRaft raft, final ProposalTable proposals, final LeaderHints hints, final TxnLink link) {
        this.raft = raft;
        this.proposals = proposals;
        this.hints = hints;
        this.link = link;
    }

    /** @return proposals taken. */
    int doWork() {
        return link.drainProposals(onProposal, PROPOSALS_PER_CYCLE);
    }

    private void onProposal(final TxnLink.Proposal proposal) {
        final long regionId = proposal.regionId();
        if (raft.failure() != null) {
            drop(proposal.commandId(), Status.NOT_LEADER, 0, "store failed, try another: " + raft.failure());
            return;
        }
        final long id = proposals.add(TXN_SLOT, 0, proposal.commandId(), 0);
        if (id == 0) {
            drop(proposal.commandId(), Status.SERVER_BUSY, 0, "too many proposals in flight");
            return;
        }
        final MultiRaft.Outcome outcome = raft.propose(regionId, proposal.command(), id);
        if (outcome == MultiRaft.Outcome.ACCEPTED) {
            return;
        }
        proposals.remove(id);
        switch (outcome) {
            case NOT_LEADER -> drop(proposal.commandId(), Status.NOT_LEADER, raft.leaderStoreId(regionId),
                "not the leader");
            case BUSY -> drop(proposal.commandId(), Status.SERVER_BUSY, 0, "region busy");
            case NO_REGION -> drop(proposal.commandId(), Status.REGION_NOT_FOUND, 0,
                "region " + regionId + " is not on this store");
            case TOO_LARGE -> drop(proposal.commandId(), Status.TOO_LARGE, 0,
                "the transaction's write is larger than the store can replicate");
            default -> drop(proposal.commandId(), Status.NOT_LEADER, 0, "store failed, try another");
        }
    }

    /** A proposal of the scheduler's that Raft dropped after accepting it (leadership moved). */
    void onDropped(final long proposalToken, final long leaderStoreId) {
        drop(proposals.correlationId(proposalToken), Status.NOT_LEADER, leaderStoreId,
            "leadership changed before the transaction's write committed; its outcome is unknown");
        proposals.remove(proposalToken);
    }

    private void drop(final long commandId, final Status status, final long leaderStoreId, final String message) {
        if (!link.offerDropped(new TxnLink.Dropped(commandId, status, leaderStoreId,
            leaderStoreId == 0 ? "" : hints.endpointOf(leaderStoreId), message))) {
            // Cannot happen while the apply agent bounds its writes in flight; the write's latches stay held.
            LOG.error("transactional write {} dropped ({}) but the apply agent's queue is full", commandId, status);
        }
    }
}
