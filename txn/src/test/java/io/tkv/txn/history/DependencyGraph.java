package io.tkv.txn.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Transactions (by history index) and the typed dependency edges between them. One {@link Edge} per ordered pair
 * carries a mask of its types and, per type, the first evidence found for it, rendered only if the edge ends up
 * in a reported cycle. Self-edges are never added.
 */
final class DependencyGraph {
    /** Why an edge of one type exists; {@code a}, {@code b} are values, or times for a real-time edge. */
    record Evidence(DepType type, long key, long a, long b, Form form) {
    }

    /** How the evidence reads. */
    enum Form {
        /** ww: {@code b} came right after {@code a} in the version order. */
        NEXT,
        /** ww: {@code b} was never read, so it came after the last element read, {@code a}. */
        UNREAD_AFTER,
        /** rw: the source read the initial empty list; the target appended {@code b}, the first element. */
        FROM_INIT,
        /** rw: the source read up to {@code a}; the target's {@code b} was never read, so it came later. */
        UNREAD_AFTER_READ,
        /** wr, rt: as the type says. */
        PLAIN
    }

    /** All the edges from one transaction to another. */
    static final class Edge {
        final int from;
        final int to;
        int mask;
        final Evidence[] evidence = new Evidence[DepType.values().length];

        Edge(final int from, final int to) {
            this.from = from;
            this.to = to;
        }

        boolean has(final int typeMask) {
            return (mask & typeMask) != 0;
        }
    }

    private final HistoryIndex index;
    private final List<List<Edge>> out;
    private final Map<Long, Edge> edges = new HashMap<>();
    /** Subgraph membership stamps and local numbers, allocated on the first {@link #sub}. */
    private int[] stampOf;
    private int[] localOf;
    private int nextStamp;

    DependencyGraph(final HistoryIndex index) {
        this.index = index;
        final int n = index.txns().size();
        this.out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>(4));
        }
    }

    int size() {
        return out.size();
    }

    int edgeCount() {
        return edges.size();
    }

    HistoryIndex index() {
        return index;
    }

    List<Edge> out(final int from) {
        return out.get(from);
    }

    Edge edge(final int from, final int to) {
        return edges.get(pair(from, to));
    }

    /** Adds {@code from -type-> to} unless it is a self-edge; the first evidence of each type is kept. */
    void link(final int from, final int to, final Evidence why) {
        if (from == to) {
            return;
        }
        final long pair = pair(from, to);
        Edge e = edges.get(pair);
        if (e == null) {
            e = new Edge(from, to);
            edges.put(pair, e);
            out.get(from).add(e);
        }
        final int bit = why.type().bit();
        if ((e.mask & bit) == 0) {
            e.mask |= bit;
            e.evidence[why.type().ordinal()] = why;
        }
    }

    private static long pair(final int from, final int to) {
        return (long) from << 32 | to & 0xFFFF_FFFFL;
    }

    /**
     * A shortest path {@code src ... dst} over edges of {@code mask} between members of {@code sub}, by BFS; the
     * node sequence, or null if there is none.
     */
    int[] path(final SubGraph sub, final int src, final int dst, final int mask) {
        final int[] parent = new int[sub.size()];
        Arrays.fill(parent, -2);
        final ArrayDeque<Integer> queue = new ArrayDeque<>();
        parent[sub.local(src)] = -1;
        queue.add(src);
        while (!queue.isEmpty()) {
            final int v = queue.poll();
            if (v == dst) {
                final List<Integer> rev = new ArrayList<>();
                for (int x = v; x != -1; x = parent[sub.local(x)]) {
                    rev.add(x);
                }
                final int[] p = new int[rev.size()];
                for (int i = 0; i < p.length; i++) {
                    p[i] = rev.get(p.length - 1 - i);
                }
                return p;
            }
            for (final Edge e : out.get(v)) {
                if (e.has(mask) && sub.contains(e.to) && parent[sub.local(e.to)] == -2) {
                    parent[sub.local(e.to)] = v;
                    queue.add(e.to);
                }
            }
        }
        return null;
    }

    /** The evidence of one typed edge, for a report. */
    Dependency explain(final int from, final int to, final DepType type) {
        final Evidence ev = edge(from, to).evidence[type.ordinal()];
        final int f = index.id(from);
        final int t = index.id(to);
        final String why = switch (type) {
            case WW -> ev.form() == Form.UNREAD_AFTER
                ? "T" + t + " appended " + ev.b() + " to key " + ev.key() + ", never read, so after the last element"
                    + " read, " + ev.a() + " appended by T" + f
                : "T" + f + " appended " + ev.a() + " to key " + ev.key() + ", T" + t + " appended " + ev.b()
                    + " right after it";
            case WR -> "T" + t + " read key " + ev.key() + " = [..., " + ev.a() + "], appended by T" + f;
            case RW -> switch (ev.form()) {
                case FROM_INIT -> "T" + f + " read key " + ev.key() + " = [], T" + t + " appended " + ev.b()
                    + ", its first element";
                case UNREAD_AFTER_READ -> "T" + f + " read key " + ev.key() + " = [..., " + ev.a() + "], T" + t
                    + " appended " + ev.b() + ", never read, so after it";
                default -> "T" + f + " read key " + ev.key() + " = [..., " + ev.a() + "], T" + t + " appended "
                    + ev.b() + " right after it";
            };
            case RT -> "T" + f + " completed at " + ev.a() + " ns, before T" + t + " was invoked at " + ev.b() + " ns";
        };
        return new Dependency(type, f, t, why);
    }

    /**
     * A set of nodes with their local numbering 0..size-1, for searches confined to one component. Membership
     * and numbering live in arrays over the whole graph, reused across subgraphs by stamping.
     */
    static final class SubGraph {
        private final int[] nodes;
        private final int[] stampOf;
        private final int[] localOf;
        private final int stamp;

        private SubGraph(final int[] nodes, final int[] stampOf, final int[] localOf, final int stamp) {
            this.nodes = nodes;
            this.stampOf = stampOf;
            this.localOf = localOf;
            this.stamp = stamp;
            for (int i = 0; i < nodes.length; i++) {
                stampOf[nodes[i]] = stamp;
                localOf[nodes[i]] = i;
            }
        }

        int size() {
            return nodes.length;
        }

        int node(final int local) {
            return nodes[local];
        }

        int[] nodes() {
            return nodes;
        }

        boolean contains(final int v) {
            return stampOf[v] == stamp;
        }

        int local(final int v) {
            return localOf[v];
        }
    }

    /** A subgraph of {@code nodes}; it stays valid until the next call. */
    SubGraph sub(final int[] nodes) {
        if (stampOf == null) {
            stampOf = new int[size()];
            localOf = new int[size()];
        }
        return new SubGraph(nodes, stampOf, localOf, ++nextStamp);
    }
}
