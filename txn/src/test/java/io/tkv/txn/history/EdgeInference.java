package io.tkv.txn.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.tkv.txn.history.DependencyGraph.Evidence;
import io.tkv.txn.history.DependencyGraph.Form;

/**
 * Infers the dependency edges of a list-append history from its per-key version orders, after Elle: each key's
 * order gives ww edges between the writers of consecutive elements; a read ending in an element gives a wr edge
 * from its writer and an rw edge to the writer of the next element. A committed append that no read shows must
 * come after every element read (a read is a prefix of the final list), so it follows the last element read and
 * the reads that saw all of them. Only graph nodes are linked: committed transactions, and unknown ones that a
 * committed read observed. Linear in the history's size plus the edges made.
 *
 * <p>In strict mode real-time edges are added too (T1 completed before T2 was invoked), transitively reduced by a
 * sweep over invocations and completions: a completed transaction stays a source for later invocations only until
 * some transaction invoked after it completes, which then implies its edges.
 */
final class EdgeInference {
    private EdgeInference() {
    }

    static DependencyGraph build(final HistoryIndex index, final boolean realtime) {
        final DependencyGraph g = new DependencyGraph(index);
        for (final HistoryIndex.KeyState ks : index.keys()) {
            if (ks.usable) {
                keyEdges(g, index, ks);
            }
        }
        if (realtime) {
            realtimeEdges(g, index);
        }
        return g;
    }

    private static void keyEdges(final DependencyGraph g, final HistoryIndex index, final HistoryIndex.KeyState ks) {
        final long k = ks.key;
        final long[] order = ks.order;
        final int n = order.length;
        final int[] writerAt = new int[n];
        for (int p = 0; p < n; p++) {
            final Integer w = ks.writer.get(order[p]);
            writerAt[p] = w != null && index.inGraph(w) ? w : -1;
        }
        for (int p = 1; p < n; p++) {
            if (writerAt[p - 1] >= 0 && writerAt[p] >= 0) {
                g.link(writerAt[p - 1], writerAt[p], new Evidence(DepType.WW, k, order[p - 1], order[p], Form.NEXT));
            }
        }
        final List<long[]> unread = unreadCommittedAppends(index, ks);
        if (n > 0 && writerAt[n - 1] >= 0) {
            for (final long[] u : unread) {
                g.link(writerAt[n - 1], (int) u[1],
                    new Evidence(DepType.WW, k, order[n - 1], u[0], Form.UNREAD_AFTER));
            }
        }
        for (final HistoryIndex.Read r : ks.reads) {
            if (r.view() == null) {
                continue;
            }
            final int len = r.view().length;
            final long last = len > 0 ? order[len - 1] : 0;
            if (len > 0 && writerAt[len - 1] >= 0) {
                g.link(writerAt[len - 1], r.txn(), new Evidence(DepType.WR, k, last, 0, Form.PLAIN));
            }
            final Form form = len == 0 ? Form.FROM_INIT : Form.NEXT;
            if (len < n) {
                if (writerAt[len] >= 0) {
                    g.link(r.txn(), writerAt[len], new Evidence(DepType.RW, k, last, order[len], form));
                }
            } else {
                for (final long[] u : unread) {
                    g.link(r.txn(), (int) u[1], new Evidence(DepType.RW, k, last, u[0],
                        len == 0 ? Form.FROM_INIT : Form.UNREAD_AFTER_READ));
                }
            }
        }
    }

    /** (value, writer) of each append by a committed transaction that no read shows, by value. */
    private static List<long[]> unreadCommittedAppends(final HistoryIndex index, final HistoryIndex.KeyState ks) {
        final List<long[]> unread = new ArrayList<>();
        for (final Map.Entry<Long, Integer> e : ks.writer.entrySet()) {
            if (!ks.position.containsKey(e.getKey()) && index.txn(e.getValue()).isOk()) {
                unread.add(new long[] {e.getKey(), e.getValue()});
            }
        }
        unread.sort(Comparator.comparingLong(u -> u[0]));
        return unread;
    }

    private static void realtimeEdges(final DependencyGraph g, final HistoryIndex index) {
        final int n = index.txns().size();
        // Event e: txn e >> 1; even = invocation, odd = completion. Invocations sort first at equal times, so
        // transactions that merely touch are concurrent.
        final List<Integer> events = new ArrayList<>(2 * n);
        for (int i = 0; i < n; i++) {
            if (index.inGraph(i)) {
                events.add(2 * i);
                if (index.txn(i).isOk()) {
                    events.add(2 * i + 1);
                }
            }
        }
        events.sort(Comparator.comparingLong((Integer e) -> eventTime(index, e)).thenComparingInt(e -> e & 1));
        final LinkedHashSet<Integer> frontier = new LinkedHashSet<>();
        final int[][] preds = new int[n][];
        for (final int e : events) {
            final int t = e >> 1;
            if ((e & 1) == 0) {
                preds[t] = frontier.stream().mapToInt(Integer::intValue).toArray();
                for (final int p : preds[t]) {
                    final Txn from = index.txn(p);
                    g.link(p, t, new Evidence(DepType.RT, 0, from.completeNs(), index.txn(t).invokeNs(), Form.PLAIN));
                }
            } else {
                for (final int p : preds[t]) {
                    frontier.remove(p);
                }
                frontier.add(t);
            }
        }
    }

    private static long eventTime(final HistoryIndex index, final int e) {
        final Txn t = index.txn(e >> 1);
        return (e & 1) == 0 ? t.invokeNs() : t.completeNs();
    }
}
