package io.tkv.raft.core;

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

    /** The driver handled {@code ready}. @return true if it made new entries durable. */
    boolean advance(final Ready ready) {
        if (ready == null || ready != outstanding) {
            throw new IllegalStateException("advance of a Ready that is not the outstanding one");
        }
        outstanding = null;
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
        final List<Entry> committed = ready.committedEntries();
        if (!committed.isEmpty()) {
            log.appliedTo(committed.get(committed.size() - 1).index());
        }
        return !entries.isEmpty();
    }
}
