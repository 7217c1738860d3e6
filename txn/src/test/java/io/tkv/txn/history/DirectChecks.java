package io.tkv.txn.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The anomalies visible without the dependency graph, each a linear pass over an indexed history: aborted reads
 * (G1a), intermediate reads (G1b), dirty updates, internal inconsistency and lost updates.
 */
final class DirectChecks {
    private DirectChecks() {
    }

    /** Every check in this class. */
    static List<Anomaly> all(final HistoryIndex index) {
        final List<Anomaly> found = new ArrayList<>();
        abortedReads(index, found);
        intermediateReads(index, found);
        dirtyUpdates(index, found);
        internal(index, found);
        lostUpdates(index, found);
        return found;
    }

    /** G1a: a committed read holds an element appended by a failed transaction (one report per read). */
    static void abortedReads(final HistoryIndex index, final List<Anomaly> found) {
        for (final HistoryIndex.KeyState ks : index.keys()) {
            for (final HistoryIndex.Read r : ks.reads) {
                for (final long v : r.list()) {
                    final Integer w = ks.writer.get(v);
                    if (w != null && index.txn(w).outcome() == Outcome.FAIL) {
                        found.add(Anomaly.of(AnomalyType.G1A, "T" + index.id(r.txn()) + " read key " + ks.key + " = "
                            + Lists.brief(r.list()) + " holding " + v + ", appended by T" + index.id(w)
                            + " which failed", index.id(r.txn()), index.id(w)));
                        break;
                    }
                }
            }
        }
    }

    /** G1b: a read by another transaction ends in an element that was not its writer's last append to the key. */
    static void intermediateReads(final HistoryIndex index, final List<Anomaly> found) {
        for (final HistoryIndex.KeyState ks : index.keys()) {
            for (final HistoryIndex.Read r : ks.reads) {
                if (r.view() == null || r.view().length == 0) {
                    continue;
                }
                final long last = r.view()[r.view().length - 1];
                final Integer w = ks.writer.get(last);
                if (w != null && w != r.txn() && ks.intermediate.contains(last)) {
                    found.add(Anomaly.of(AnomalyType.G1B, "T" + index.id(r.txn()) + " read key " + ks.key + " = "
                        + Lists.brief(r.view()) + " (without its own appends), ending in " + last + " which T"
                        + index.id(w) + " followed with another append to the key", index.id(r.txn()), index.id(w)));
                }
            }
        }
    }

    /**
     * Dirty update: in a key's version order an append by a committed transaction comes after one by a failed
     * transaction, so it was applied to state that was never committed (one report per key).
     */
    static void dirtyUpdates(final HistoryIndex index, final List<Anomaly> found) {
        for (final HistoryIndex.KeyState ks : index.keys()) {
            if (!ks.usable) {
                continue;
            }
            int failedWriter = -1;
            long failedValue = 0;
            for (final long v : ks.order) {
                final Integer w = ks.writer.get(v);
                if (w == null) {
                    continue;
                }
                final Outcome outcome = index.txn(w).outcome();
                if (outcome == Outcome.FAIL && failedWriter < 0) {
                    failedWriter = w;
                    failedValue = v;
                } else if (outcome == Outcome.OK && failedWriter >= 0) {
                    found.add(Anomaly.of(AnomalyType.DIRTY_UPDATE, "key " + ks.key + " version order "
                        + Lists.brief(ks.order) + ": T" + index.id(w) + " appended " + v + " after failed T"
                        + index.id(failedWriter) + " appended " + failedValue, index.id(failedWriter), index.id(w)));
                    break;
                }
            }
        }
    }

    /**
     * Internal consistency (Cerone et al.'s INT): within a committed transaction a read must show its own earlier
     * read of the key followed by its appends since, or, with no earlier read, end with its appends so far; and a
     * read must not hold a value the transaction appends only later (a future read).
     */
    static void internal(final HistoryIndex index, final List<Anomaly> found) {
        final Map<Long, long[]> known = new HashMap<>();
        final Map<Long, List<Long>> appended = new HashMap<>();
        for (int i = 0; i < index.txns().size(); i++) {
            final Txn t = index.txn(i);
            if (!t.isOk()) {
                continue;
            }
            known.clear();
            appended.clear();
            for (final MicroOp op : t.ops()) {
                final long k = op.key();
                if (op.isAppend()) {
                    appended.computeIfAbsent(k, x -> new ArrayList<>()).add(op.value());
                    continue;
                }
                if (!op.hasResult()) {
                    continue;
                }
                final long[] got = op.resultArray();
                final String problem = internalProblem(known.get(k), appended.get(k), got);
                if (problem != null) {
                    found.add(Anomaly.of(AnomalyType.INTERNAL, "T" + t.id() + " read key " + k + " = "
                        + Lists.brief(got) + " but " + problem, t.id()));
                    break;
                }
                known.put(k, got);
                appended.remove(k);
            }
            if (futureRead(t)) {
                found.add(Anomaly.of(AnomalyType.INTERNAL, "T" + t.id() + " read a value it appends only later: "
                    + t.ops(), t.id()));
            }
        }
    }

    private static String internalProblem(final long[] before, final List<Long> since, final long[] got) {
        final int n = since == null ? 0 : since.size();
        if (before != null) {
            boolean same = got.length == before.length + n;
            for (int j = 0; same && j < got.length; j++) {
                same = got[j] == (j < before.length ? before[j] : since.get(j - before.length));
            }
            return same ? null : "it read " + Lists.brief(before) + " before and appended " + since + " since";
        }
        if (n == 0) {
            return null;
        }
        boolean suffix = got.length >= n;
        for (int j = 0; suffix && j < n; j++) {
            suffix = got[got.length - n + j] == since.get(j);
        }
        return suffix ? null : "it appended " + since + " to it before";
    }

    /** Quadratic in the transaction's length, which is a handful of micro-ops. */
    private static boolean futureRead(final Txn t) {
        for (final MicroOp op : t.ops()) {
            if (op.isAppend()) {
                for (final MicroOp earlier : t.ops()) {
                    if (earlier == op) {
                        break;
                    }
                    if (earlier.isRead() && earlier.key() == op.key() && earlier.hasResult()
                        && contains(earlier.resultArray(), op.value())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean contains(final long[] list, final long v) {
        for (final long x : list) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** The version a read saw, told apart without a version order: its length and last element. */
    private record Version(long key, int length, long last) {
    }

    /**
     * Lost update: two committed transactions read the same version of a key (before appending to it themselves)
     * and both appended to it. Needs no version order, so it is found on keys whose reads disagree too.
     */
    static void lostUpdates(final HistoryIndex index, final List<Anomaly> found) {
        final Map<Version, List<Integer>> groups = new LinkedHashMap<>();
        final Set<Long> touched = new HashSet<>();
        final Map<Long, Version> readVersion = new HashMap<>();
        for (int i = 0; i < index.txns().size(); i++) {
            final Txn t = index.txn(i);
            if (!t.isOk()) {
                continue;
            }
            touched.clear();
            readVersion.clear();
            for (final MicroOp op : t.ops()) {
                final long k = op.key();
                if (op.isRead() && op.hasResult() && touched.add(k)) {
                    final long[] list = op.resultArray();
                    readVersion.put(k, new Version(k, list.length, list.length == 0 ? 0 : list[list.length - 1]));
                } else if (op.isAppend()) {
                    touched.add(k);
                    final Version v = readVersion.remove(k);
                    if (v != null) {
                        groups.computeIfAbsent(v, x -> new ArrayList<>()).add(i);
                    }
                }
            }
        }
        for (final Map.Entry<Version, List<Integer>> g : groups.entrySet()) {
            if (g.getValue().size() < 2) {
                continue;
            }
            final Version v = g.getKey();
            final List<Integer> ids = g.getValue().stream().map(index::id).toList();
            found.add(new Anomaly(AnomalyType.LOST_UPDATE, ids, List.of(), "key " + v.key() + ": " + ids.size()
                + " committed transactions read version " + (v.length() == 0 ? "[]" : "[..., " + v.last()
                + "] (length " + v.length() + ")") + " and all appended to it"));
        }
    }
}
