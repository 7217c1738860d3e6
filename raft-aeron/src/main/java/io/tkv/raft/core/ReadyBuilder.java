package io.tkv.raft.core;

import org.agrona.collections.LongArrayQueue;

import java.util.List;

/**
 * Builds {@link Ready}s and remembers what was handed out and what the driver has made durable: the hard and soft
 * state last handed out (a Ready carries them only when they changed), the outstanding Ready (one at a time), and the
 * term and vote known durable (a candidate may only win once its own vote is).
 */
final class ReadyBuilder {
    private final RaftLogView log;
    private final Outbox outbox;
    private final int maxCommittedBytes;
    private long handedTerm;
    private long handedVote;
    private long handedCommit;
    private long handedLeader = RaftNode.NONE;
    private Role handedRole = Role.FOLLOWER;
    private long durableTerm;
    private long durableVote;
    private Ready outstanding;
    /**
     * Readies written but not yet durable ({@link #advanceWritten}), oldest first, four longs each: the last entry's
     * index and term, the hard state's term and vote; -1 where the Ready had none.
     */
    private final LongArrayQueue unpersisted = new LongArrayQueue();

    ReadyBuilder(final RaftLogView log, final Outbox outbox, final int maxCommittedBytes, final HardState durable) {
        this.log = log;
        this.outbox = outbox;
        this.maxCommittedBytes = maxCommittedBytes;
        handedTerm = durable.term();
        handedVote = durable.vote();
        handedCommit = durable.commit();
        durableTerm = durable.term();
        durableVote = durable.vote();
    }

    boolean outstanding() {
        return outstanding != null;
    }

    /** @return true if the term and vote {@code (term, vote)} are durable. */
    boolean isDurable(final long term, final long vote) {
        return durableTerm == term && durableVote == vote;
    }

    boolean hasReady(final long term, final long vote, final long leader, final Role role) {
        return outstanding == null && (term != handedTerm || vote != handedVote || log.committed() != handedCommit
            || leader != handedLeader || role != handedRole || log.snapshotToHandOut() != null
            || log.hasUnhandedEntries() || log.hasCommittedToApply() || !outbox.isEmpty());
    }

    Ready build(final long term, final long vote, final long leader, final Role role) {
        if (outstanding != null) {
            throw new IllegalStateException("advance the previous Ready first");
        }
        HardState hs = null;
        if (term != handedTerm || vote != handedVote || log.committed() != handedCommit) {
            hs = new HardState(term, vote, log.committed());
            handedTerm = term;
            handedVote = vote;
            handedCommit = log.committed();
        }
        SoftState ss = null;
        if (leader != handedLeader || role != handedRole) {
            ss = new SoftState(leader, role);
            handedLeader = leader;
            handedRole = role;
        }
        final Snapshot snapshot = log.snapshotToHandOut();
        if (snapshot != null) {
            log.markSnapshotHandedOut();
        }
        final List<Entry> entries = log.takeUnhandedEntries();
        // Entries committed after a snapshot in the same Ready wait for the next one: the snapshot applies first.
        final List<Entry> committed = snapshot == null ? log.committedToApply(maxCommittedBytes) : List.of();
        outstanding = new Ready(hs, ss, snapshot, entries, outbox.takeMessages(), outbox.takeAfterPersist(),
            committed, outbox.takeReadStates());
        return outstanding;
    }

    /** The driver handled {@code ready}, durable already. @return true if it made new entries durable. */
    boolean advance(final Ready ready) {
        takeOutstanding(ready);
        if (!unpersisted.isEmpty()) {
            throw new IllegalStateException("a Ready advanced as durable while earlier ones still wait for their sync");
        }
        if (ready.snapshot() != null) {
            log.snapshotPersisted(ready.snapshot());
        }
        if (ready.hardState() != null) {
            durableTerm = ready.hardState().term();
            durableVote = ready.hardState().vote();
        }
        final List<Entry> entries = ready.entries();
        if (!entries.isEmpty()) {
            final Entry last = entries.get(entries.size() - 1);
            log.stableTo(last.index(), last.term());
        }
        appliedTo(ready);
        return !entries.isEmpty();
    }

    /**
     * The driver handled {@code ready} but its durability: its entries and hard state are written and their sync is
     * underway; {@link #persistedOldest()} reports it done. A Ready with a snapshot is only advanced once durable.
     */
    void advanceWritten(final Ready ready) {
        takeOutstanding(ready);
        if (ready.snapshot() != null) {
            throw new IllegalStateException("a Ready with a snapshot is advanced only once it is durable");
        }
        final List<Entry> entries = ready.entries();
        final Entry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        unpersisted.addLong(last == null ? -1 : last.index());
        unpersisted.addLong(last == null ? -1 : last.term());
        final HardState hs = ready.hardState();
        unpersisted.addLong(hs == null ? -1 : hs.term());
        unpersisted.addLong(hs == null ? -1 : hs.vote());
        appliedTo(ready);
    }

    /**
     * The oldest Ready advanced by {@link #advanceWritten} is durable now (they become durable in order).
     *
     * @return true if it made new entries durable.
     */
    boolean persistedOldest() {
        if (unpersisted.isEmpty()) {
            throw new IllegalStateException("no Ready waits for its sync");
        }
        final long index = unpersisted.pollLong();
        final long entryTerm = unpersisted.pollLong();
        final long term = unpersisted.pollLong();
        final long vote = unpersisted.pollLong();
        if (term >= 0) {
            durableTerm = term;
            durableVote = vote;
        }
        if (index >= 0) {
            log.stableTo(index, entryTerm);
        }
        return index >= 0;
    }

    private void takeOutstanding(final Ready ready) {
        if (ready == null || ready != outstanding) {
            throw new IllegalStateException("advance of a Ready that is not the outstanding one");
        }
        outstanding = null;
    }

    private void appliedTo(final Ready ready) {
        final List<Entry> committed = ready.committedEntries();
        if (!committed.isEmpty()) {
            log.appliedTo(committed.get(committed.size() - 1).index());
        }
    }
}
