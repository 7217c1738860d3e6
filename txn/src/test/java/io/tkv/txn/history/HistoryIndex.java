package io.tkv.txn.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a list-append history says about each key, in one pass over it: who appended each value, which appends were
 * not their transaction's last to the key, every committed read, and the version order, taken from the longest read
 * once every read is known to be a prefix of it. A read is taken without the reader's own earlier appends to the
 * key (which must end it): where they land among others' appends is the committed order's business, seen by others;
 * a read that does not end with them is an internal anomaly and is left out of the order. Reads that break the order
 * (duplicates, incompatible orders) are reported and take their key out of dependency inference, where they would
 * only produce spurious cycles; reads of values nobody appended are reported too.
 *
 * <p>Transactions are referred to by their index in the history; {@link #id(int)} gives the id to report.
 */
final class HistoryIndex {
    /**
     * A committed read.
     *
     * @param txn  the reader.
     * @param list what it returned.
     * @param view what it saw of others' writes: {@code list} without the reader's own appends to the key before
     *             the read, which end it. Null if it does not end with them (an internal anomaly): such a read
     *             says nothing reliable about the version order.
     */
    record Read(int txn, long[] list, long[] view) {
    }

    /** Everything about one key. */
    static final class KeyState {
        final long key;
        /** Appended value to the index of the transaction that appended it. */
        final Map<Long, Integer> writer = new HashMap<>();
        /** Values whose writer appended again to this key later in the same transaction. */
        final Set<Long> intermediate = new HashSet<>();
        /** Committed reads with results, in history order. */
        final List<Read> reads = new ArrayList<>();
        /** The version order (the longest read view); meaningful only when {@link #usable}. */
        long[] order = new long[0];
        /** Value to its position in {@link #order}. */
        final Map<Long, Integer> position = new HashMap<>();
        /** False when the reads do not give one version order: no dependency is inferred from this key. */
        boolean usable = true;

        KeyState(final long key) {
            this.key = key;
        }
    }

    private final List<Txn> txns;
    private final Map<Long, KeyState> keys = new TreeMap<>();
    /** Per transaction index: whether some committed read holds one of its appends. */
    private final boolean[] observed;
    private final List<Anomaly> anomalies = new ArrayList<>();

    HistoryIndex(final List<Txn> txns) {
        this.txns = txns;
        this.observed = new boolean[txns.size()];
        indexAppendsAndReads();
        for (final KeyState ks : keys.values()) {
            inferOrder(ks);
        }
    }

    List<Txn> txns() {
        return txns;
    }

    Txn txn(final int index) {
        return txns.get(index);
    }

    int id(final int index) {
        return txns.get(index).id();
    }

    Iterable<KeyState> keys() {
        return keys.values();
    }

    /** Whether a committed read holds one of this transaction's appends. */
    boolean observed(final int index) {
        return observed[index];
    }

    /** A node of the dependency graph: committed, or unknown and observed (so it must have committed). */
    boolean inGraph(final int index) {
        final Txn t = txns.get(index);
        return t.outcome() == Outcome.OK || t.outcome() == Outcome.INFO && observed[index];
    }

    /** The anomalies found while indexing: duplicate elements, incompatible orders, garbage reads. */
    List<Anomaly> anomalies() {
        return anomalies;
    }

    private void indexAppendsAndReads() {
        final Map<Long, Long> lastAppend = new HashMap<>();
        final Map<Long, Integer> ownAppends = new HashMap<>();
        for (int i = 0; i < txns.size(); i++) {
            final Txn t = txns.get(i);
            lastAppend.clear();
            ownAppends.clear();
            for (int j = 0; j < t.ops().size(); j++) {
                final MicroOp op = t.ops().get(j);
                final KeyState ks = keys.computeIfAbsent(op.key(), KeyState::new);
                if (op.isAppend()) {
                    final Integer prev = ks.writer.putIfAbsent(op.value(), i);
                    if (prev != null) {
                        // The workload broke its contract; nothing can be inferred from the key.
                        throw new IllegalArgumentException("value " + op.value() + " appended to key " + op.key()
                            + " by both T" + id(prev) + " and T" + t.id() + ": appended values must be unique");
                    }
                    final Long before = lastAppend.put(op.key(), op.value());
                    if (before != null) {
                        ks.intermediate.add(before);
                    }
                    ownAppends.merge(op.key(), 1, Integer::sum);
                } else if (t.isOk() && op.hasResult()) {
                    ks.reads.add(new Read(i, op.resultArray(), view(t, j, ownAppends.getOrDefault(op.key(), 0))));
                }
            }
        }
    }

    /** Read {@code at} of {@code t} without the {@code own} appends to its key before it, if it ends with them. */
    private static long[] view(final Txn t, final int at, final int own) {
        final MicroOp read = t.ops().get(at);
        final long[] list = read.resultArray();
        if (own == 0) {
            return list;
        }
        if (list.length < own) {
            return null;
        }
        int j = list.length - own;
        for (int i = 0; i < at; i++) {
            final MicroOp op = t.ops().get(i);
            if (op.isAppend() && op.key() == read.key() && list[j++] != op.value()) {
                return null;
            }
        }
        return Arrays.copyOf(list, list.length - own);
    }

    private void inferOrder(final KeyState ks) {
        long[] longest = ks.order;
        int longestReader = -1;
        final Set<Long> seen = new HashSet<>();
        for (final Read r : ks.reads) {
            seen.clear();
            boolean duplicate = false;
            boolean garbage = false;
            for (final long v : r.list()) {
                if (!seen.add(v)) {
                    duplicate = true;
                }
                final Integer w = ks.writer.get(v);
                if (w == null && !garbage) {
                    garbage = true;
                    anomalies.add(Anomaly.of(AnomalyType.GARBAGE_READ, "T" + id(r.txn()) + " read key " + ks.key
                        + " = " + Lists.brief(r.list()) + " holding " + v + ", which no transaction appended",
                        id(r.txn())));
                } else if (w != null) {
                    observed[w] = true;
                }
            }
            if (duplicate) {
                anomalies.add(Anomaly.of(AnomalyType.DUPLICATE_ELEMENTS, "T" + id(r.txn()) + " read key " + ks.key
                    + " = " + Lists.brief(r.list()), id(r.txn())));
                ks.usable = false;
            }
            if (r.view() != null && r.view().length > longest.length) {
                longest = r.view();
                longestReader = r.txn();
            }
        }
        for (final Read r : ks.reads) {
            if (r.view() != null && !isPrefix(r.view(), longest)) {
                anomalies.add(Anomaly.of(AnomalyType.INCOMPATIBLE_ORDER, "key " + ks.key + ": T" + id(r.txn())
                    + " read " + Lists.brief(r.view()) + ", T" + id(longestReader) + " read "
                    + Lists.brief(longest) + "; neither is a prefix of the other, they differ "
                    + Lists.firstDifference(r.view(), longest), id(r.txn()), id(longestReader)));
                ks.usable = false;
                break;
            }
        }
        ks.order = longest;
        if (ks.usable) {
            for (int p = 0; p < longest.length; p++) {
                ks.position.put(longest[p], p);
            }
        }
    }

    private static boolean isPrefix(final long[] a, final long[] b) {
        if (a.length > b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
