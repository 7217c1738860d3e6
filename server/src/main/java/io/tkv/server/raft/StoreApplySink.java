package io.tkv.server.raft;

import io.tkv.codec.frame.Protocol;
import io.tkv.raft.core.Entry;
import io.tkv.raft.core.Snapshot;
import io.tkv.raft.store.ApplySink;
import io.tkv.server.StoreCounters;
import io.tkv.server.ingress.CommandQueue;
import io.tkv.server.session.ClientSession;
import io.tkv.server.session.ReplySender;
import io.tkv.server.session.SessionRegistry;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * The raft agent's side of the hand-over to the apply agent: committed entries and ready reads go onto the
 * {@link CommandQueue} with the session to answer (when this store proposed them); proposals and reads that
 * will not happen here are answered NOT_LEADER, with the leader hint, straight away. Owned by the raft agent.
 */
final class StoreApplySink implements ApplySink {
    private static final int TEMPLATE_ID_OFFSET = 2;

    private final CommandQueue queue;
    private final ProposalTable proposals;
    private final PendingReads reads;
    private final SessionRegistry registry;
    private final ReplySender replies;
    private final LeaderHints hints;
    private final StoreCounters counters;
    private TxnProposer txn;
    private final UnsafeBuffer data = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer frameView = new UnsafeBuffer(0, 0);

    StoreApplySink(
        final CommandQueue queue, final ProposalTable proposals, final PendingReads reads,
        final SessionRegistry registry, final ReplySender replies, final LeaderHints hints,
        final StoreCounters counters) {
        this.queue = queue;
        this.proposals = proposals;
        this.reads = reads;
        this.registry = registry;
        this.replies = replies;
        this.hints = hints;
        this.counters = counters;
    }

    /** The transaction scheduler's proposer, told of its proposals that are dropped. */
    void txnProposer(final TxnProposer proposer) {
        this.txn = proposer;
    }

    @Override
    public boolean offerCommitted(final long regionId, final Entry entry, final long proposalToken) {
        int slot = 0;
        int generation = 0;
        final boolean mine = proposals.contains(proposalToken);
        if (mine) {
            slot = proposals.slot(proposalToken);
            generation = proposals.generation(proposalToken);
        }
        final byte[] bytes = entry.data();
        data.wrap(bytes);
        if (!queue.offerEntry(regionId, entry.index(), entry.term(), entry.type().ordinal(), slot, generation, data,
            0, bytes.length)) {
            return false;
        }
        if (mine) {
            proposals.remove(proposalToken);
        }
        return true;
    }

    @Override
    public boolean offerSnapshot(final long regionId, final Snapshot snapshot) {
        return queue.offerIngest(regionId, snapshot.index(), snapshot.term(), snapshot.data());
    }

    @Override
    public boolean offerRead(final long regionId, final long readToken) {
        if (reads.isCurrent(readToken)) {
            if (!queue.offerRead(regionId, reads.currentSlot(), reads.currentGeneration(), reads.currentBuffer(),
                reads.currentOffset(), reads.currentLength())) {
                return false;
            }
            reads.currentHandedOver();
            return true;
        }
        final PendingReads.Read read = reads.get(readToken);
        if (read == null) {
            return true;
        }
        frameView.wrap(read.frame);
        if (!queue.offerRead(regionId, read.slot, read.generation, frameView, 0, read.frame.length)) {
            return false;
        }
        reads.remove(readToken);
        return true;
    }

    @Override
    public void onProposalDropped(final long regionId, final long proposalToken, final long leaderStoreId) {
        if (!proposals.contains(proposalToken)) {
            return;
        }
        counters.proposalsDropped().increment();
        if (proposals.slot(proposalToken) == TxnProposer.TXN_SLOT) {
            txn.onDropped(proposalToken, leaderStoreId);
            return;
        }
        final ClientSession session = registry.activeSession(proposals.slot(proposalToken),
            proposals.generation(proposalToken));
        if (session != null) {
            replies.sendNotLeader(session.publication(), proposals.correlationId(proposalToken),
                proposals.templateId(proposalToken), leaderStoreId, hints.endpointOf(leaderStoreId),
                "leadership changed before the write committed; it did not happen");
        }
        proposals.remove(proposalToken);
    }

    @Override
    public void onReadRejected(final long regionId, final long readToken, final long leaderStoreId) {
        final PendingReads.Read read = reads.get(readToken);
        if (read == null) {
            return;
        }
        reads.remove(readToken);
        final ClientSession session = registry.activeSession(read.slot, read.generation);
        if (session != null) {
            frameView.wrap(read.frame);
            replies.sendNotLeader(session.publication(), Protocol.correlationId(frameView, 0, read.frame.length),
                frameView.getShort(TEMPLATE_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF, leaderStoreId,
                hints.endpointOf(leaderStoreId), "leadership changed before the read was confirmed");
        }
    }
}
