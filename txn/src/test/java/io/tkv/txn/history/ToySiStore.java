package io.tkv.txn.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A toy multi-version store of lists for the checker's tests: snapshot reads at a start ts and first-committer-wins
 * on commit, which is snapshot isolation, or one of a few injected bugs. Single-threaded; a simulation interleaves
 * its transactions.
 */
final class ToySiStore {
    /** What is broken. */
    enum Bug {
        /** Nothing: snapshot isolation (in fact strong SI, timestamps being taken in real-time order). */
        NONE,
        /** Commit skips the write-conflict check: lost updates. */
        NO_WRITE_CONFLICT_CHECK,
        /** Every read sees the latest committed state, not the snapshot: read skew. */
        READ_LATEST_COMMITTED,
        /** Appends go straight into the shared lists and are never rolled back; reads see them: G1a, G1c. */
        DIRTY_WRITES,
        /**
         * Snapshots are taken a little in the past (as from a lagging timestamp cache): still snapshot isolation, but
         * a transaction may miss one that completed before it began, which strong SI forbids.
         */
        STALE_SNAPSHOT
    }

    /** How far in the past a {@link Bug#STALE_SNAPSHOT} snapshot is, in timestamps. */
    private static final long STALENESS = 40;

    /** A committed version of a key's list. */
    private record Version(long commitTs, long[] list) {
    }

    /** A transaction in progress. */
    final class Tx {
        final long startTs;
        final Map<Long, List<Long>> appends = new LinkedHashMap<>();

        private Tx(final long startTs) {
            this.startTs = startTs;
        }

        long[] read(final long key) {
            if (bug == Bug.DIRTY_WRITES) {
                return latest(key);
            }
            final long[] base = bug == Bug.READ_LATEST_COMMITTED ? latest(key) : at(key, startTs);
            final List<Long> own = appends.get(key);
            if (own == null) {
                return base;
            }
            final long[] list = Arrays.copyOf(base, base.length + own.size());
            for (int i = 0; i < own.size(); i++) {
                list[base.length + i] = own.get(i);
            }
            return list;
        }

        void append(final long key, final long value) {
            if (bug == Bug.DIRTY_WRITES) {
                install(key, ++ts, new long[] {value});
                return;
            }
            appends.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }

        /** First committer wins: false (aborted) if a key it appended to was committed by another since it began. */
        boolean commit() {
            if (bug == Bug.DIRTY_WRITES) {
                return true;
            }
            if (bug != Bug.NO_WRITE_CONFLICT_CHECK) {
                for (final long key : appends.keySet()) {
                    final List<Version> vs = versions.get(key);
                    if (vs != null && !vs.isEmpty() && vs.get(vs.size() - 1).commitTs() > startTs) {
                        return false;
                    }
                }
            }
            final long commitTs = ++ts;
            for (final Map.Entry<Long, List<Long>> e : appends.entrySet()) {
                install(e.getKey(), commitTs, e.getValue().stream().mapToLong(Long::longValue).toArray());
            }
            return true;
        }
    }

    private final Bug bug;
    private final Map<Long, List<Version>> versions = new HashMap<>();
    private long ts;

    ToySiStore(final Bug bug) {
        this.bug = bug;
    }

    Tx begin() {
        ++ts;
        return new Tx(bug == Bug.STALE_SNAPSHOT ? Math.max(0, ts - STALENESS) : ts);
    }

    private void install(final long key, final long commitTs, final long[] appended) {
        final long[] base = latest(key);
        final long[] list = Arrays.copyOf(base, base.length + appended.length);
        System.arraycopy(appended, 0, list, base.length, appended.length);
        versions.computeIfAbsent(key, k -> new ArrayList<>()).add(new Version(commitTs, list));
    }

    private long[] latest(final long key) {
        final List<Version> vs = versions.get(key);
        return vs == null || vs.isEmpty() ? new long[0] : vs.get(vs.size() - 1).list();
    }

    private long[] at(final long key, final long readTs) {
        final List<Version> vs = versions.get(key);
        if (vs != null) {
            for (int i = vs.size() - 1; i >= 0; i--) {
                if (vs.get(i).commitTs() <= readTs) {
                    return vs.get(i).list();
                }
            }
        }
        return new long[0];
    }
}
