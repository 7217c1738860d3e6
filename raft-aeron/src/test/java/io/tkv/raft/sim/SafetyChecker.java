package io.tkv.raft.sim;

import io.tkv.raft.core.CoreInspector;
import io.tkv.raft.core.Entry;
import io.tkv.raft.core.MemoryRaftStorage;
import io.tkv.raft.core.RaftNode;
import io.tkv.raft.core.RaftStatus;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Raft's safety properties (Raft paper, Figure 3), checked as the schedule runs:
 * <ul>
 * <li>election safety: at most one leader per term (checked whenever a peer is seen leading);</li>
 * <li>leader completeness: a new leader holds every entry applied anywhere so far (all were committed before it
 *     won);</li>
 * <li>state-machine safety: no two peers apply different entries at one index;</li>
 * <li>log matching: two durable logs with an entry of the same index and term agree on everything up to it; and
 *     every durable entry at or below its peer's persisted commit index is the committed one.</li>
 * </ul>
 */
final class SafetyChecker {
    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    private final Map<Long, Entry> committed = new HashMap<>();
    private final boolean enabled;
    private long maxCommitted;

    /** @param enabled false to record only (to measure what the client history alone reveals). */
    SafetyChecker(final boolean enabled) {
        this.enabled = enabled;
    }

    /** {@code node} (peer {@code id}) is leader in {@code status.term()}. */
    void onLeader(final long id, final RaftStatus status, final RaftNode node, final long now) {
        if (!enabled) {
            return;
        }
        final Long other = leaderOfTerm.putIfAbsent(status.term(), id);
        if (other != null && other != id) {
            throw new SimulationFailure("election safety: peers " + other + " and " + id + " both lead term "
                + status.term() + " (t=" + now + ")");
        }
        if (status.lastIndex() < maxCommitted) {
            throw new SimulationFailure("leader completeness: leader " + id + " of term " + status.term()
                + " has last index " + status.lastIndex() + " < committed " + maxCommitted);
        }
        for (long i = Math.max(status.firstIndex(), 1); i <= maxCommitted; i++) {
            final Entry c = committed.get(i);
            if (c != null && CoreInspector.term(node, i) != c.term()) {
                throw new SimulationFailure("leader completeness: leader " + id + " of term " + status.term()
                    + " has term " + CoreInspector.term(node, i) + " at " + i + ", committed " + c);
            }
        }
    }

    /** Peer {@code id} applied {@code e}. */
    void onApply(final long id, final Entry e) {
        final Entry c = committed.putIfAbsent(e.index(), e);
        if (enabled && c != null && !c.equals(e)) {
            throw new SimulationFailure("state-machine safety: peer " + id + " applied " + e + " at " + e.index()
                + " where " + c + " was applied");
        }
        maxCommitted = Math.max(maxCommitted, e.index());
    }

    long maxCommitted() {
        return maxCommitted;
    }

    /** Log matching over the durable logs, and each durable committed prefix against what was applied. */
    void checkLogs(final Map<Long, MemoryRaftStorage> storages) {
        final List<Long> ids = storages.keySet().stream().sorted().toList();
        for (final long a : ids) {
            final MemoryRaftStorage sa = storages.get(a);
            final long commit = Math.min(sa.hardState().commit(), sa.lastIndex());
            for (long i = sa.firstIndex(); i <= commit; i++) {
                final Entry c = committed.get(i);
                if (c != null && !c.equals(sa.entry(i))) {
                    throw new SimulationFailure("peer " + a + " holds " + sa.entry(i) + " at committed index " + i
                        + " (commit " + commit + ") where " + c + " was applied");
                }
            }
            for (final long b : ids) {
                if (a < b) {
                    checkPair(a, sa, b, storages.get(b));
                }
            }
        }
    }

    private static void checkPair(final long a, final MemoryRaftStorage sa, final long b, final MemoryRaftStorage sb) {
        final long lo = Math.max(sa.firstIndex(), sb.firstIndex());
        long top = Math.min(sa.lastIndex(), sb.lastIndex());
        while (top >= lo && sa.term(top) != sb.term(top)) {
            top--;
        }
        for (long i = lo; i <= top; i++) {
            if (!sa.entry(i).equals(sb.entry(i))) {
                throw new SimulationFailure("log matching: peers " + a + " and " + b + " agree at " + top + " ("
                    + sa.entry(top) + ") but differ at " + i + ": " + sa.entry(i) + " vs " + sb.entry(i));
            }
        }
    }
}
