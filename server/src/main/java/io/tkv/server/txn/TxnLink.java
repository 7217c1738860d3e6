package io.tkv.server.txn;

import io.tkv.codec.Status;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.util.function.Consumer;

/**
 * The hand-over between the apply agent, where the store's transaction scheduler runs, and the raft agent, which
 * alone proposes: write commands to propose one way ({@link Proposal}), proposals that will never apply the other
 * ({@link Dropped}), both bounded and lock-free, as the PD worker's splits reach the raft agent. The apply agent keeps
 * at most {@link #MAX_WRITES_IN_FLIGHT} writes proposed and not yet applied or dropped, so neither queue can be
 * full when a proposal or a drop is offered; a full queue is still handled (the write fails, SERVER_BUSY).
 */
public final class TxnLink {
    /**
     * The session slot the raft agent gives the scheduler's proposals in its proposal table, so their committed
     * entries reach the apply agent marked as proposed by this store (no session's slot is negative).
     */
    public static final int PROPOSER_SLOT = -2;
    /** The most transactional writes of a store between proposal and apply (or drop). */
    public static final int MAX_WRITES_IN_FLIGHT = 4096;

    /**
     * A command to propose through a region's log.
     *
     * @param commandId the scheduler's id of the command, answered in {@link Dropped} or at apply.
     * @param regionId  the region.
     * @param command   the TXN_WRITE command ({@code io.tkv.storage.command.Command}), epoch included.
     */
    public record Proposal(long commandId, long regionId, byte[] command) {
    }

    /**
     * A proposal that will not apply (or whose outcome is unknown: leadership moved before it committed).
     *
     * @param commandId      the scheduler's id of the command.
     * @param status         the answer for the client: NOT_LEADER, SERVER_BUSY, REGION_NOT_FOUND, TOO_LARGE.
     * @param leaderStoreId  with NOT_LEADER, the leader this store knows (0: none).
     * @param leaderEndpoint its endpoint, or empty.
     * @param message        why.
     */
    public record Dropped(long commandId, Status status, long leaderStoreId, String leaderEndpoint, String message) {
    }

    private final OneToOneConcurrentArrayQueue<Proposal> proposals =
        new OneToOneConcurrentArrayQueue<>(MAX_WRITES_IN_FLIGHT);
    private final OneToOneConcurrentArrayQueue<Dropped> dropped =
        new OneToOneConcurrentArrayQueue<>(2 * MAX_WRITES_IN_FLIGHT);

    /** Apply agent. @return false if the raft agent's queue is full. */
    public boolean offerProposal(final Proposal proposal) {
        return proposals.offer(proposal);
    }

    /** Raft agent: hands up to {@code limit} proposals to {@code handler}. @return how many. */
    public int drainProposals(final Consumer<Proposal> handler, final int limit) {
        return proposals.drain(handler, limit);
    }

    /** Raft agent. @return false if the apply agent's queue is full. */
    public boolean offerDropped(final Dropped drop) {
        return dropped.offer(drop);
    }

    /** Apply agent: hands up to {@code limit} drops to {@code handler}. @return how many. */
    public int drainDropped(final Consumer<Dropped> handler, final int limit) {
        return dropped.drain(handler, limit);
    }
}
