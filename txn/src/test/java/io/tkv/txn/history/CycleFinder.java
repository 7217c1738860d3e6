package io.tkv.txn.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds and classifies the dependency cycles of a graph, after Elle: Tarjan's components of the whole graph first,
 * then inside each component one shortest cycle per class, each searched with the edge restrictions that define
 * it, so no search is exponential:
 * <ul>
 * <li>G0: a ww edge inside a component of the ww-only subgraph, closed by a shortest ww path back;</li>
 * <li>G1c: a wr edge inside a component of the ww+wr subgraph, closed by a ww/wr path;</li>
 * <li>G-single: an rw edge a&rarr;b with a ww/wr path from b back to a. Whether one exists is read off reachability
 * bitsets over the condensation of the ww+wr subgraph (quadratic bits in the component's size, linear work per
 * edge), and the path is then found by one BFS;</li>
 * <li>G2-item (allowed under SI): reported for a component holding none of the above, closed over any edges.</li>
 * </ul>
 * In strict mode the same is done over the graph with real-time edges for the cycles that need one.
 */
final class CycleFinder {
    private static final int WW = DepType.WW.bit();
    private static final int WR = DepType.WR.bit();
    private static final int RW = DepType.RW.bit();
    private static final int RT = DepType.RT.bit();
    /** Preference when one edge has several types: the weakest first, so a cycle is classified as mildly as it can. */
    private static final DepType[] PREFERENCE = {DepType.WW, DepType.WR, DepType.RT, DepType.RW};
    /** Components of the ww+wr condensation beyond which G-single is searched by bounded BFS instead of bitsets. */
    private static final int MAX_BITSET_COMPONENTS = 40_000;
    /** Seed edges tried by BFS when bitsets are not used, and for a G-single that needs a real-time edge. */
    private static final int MAX_SEEDS_BY_BFS = 64;

    private final DependencyGraph graph;
    private final List<Anomaly> found = new ArrayList<>();

    private CycleFinder(final DependencyGraph graph) {
        this.graph = graph;
    }

    /** The cycles of {@code graph}; with {@code realtime}, also those through real-time edges. */
    static List<Anomaly> find(final DependencyGraph graph, final boolean realtime) {
        final CycleFinder f = new CycleFinder(graph);
        final int[] nodes = graphNodes(graph);
        for (final int[] component : nontrivial(graph, nodes, WW | WR | RW)) {
            f.component(component);
        }
        if (realtime) {
            for (final int[] component : nontrivial(graph, nodes, WW | WR | RW | RT)) {
                f.realtimeComponent(component);
            }
        }
        return f.found;
    }

    private static int[] graphNodes(final DependencyGraph graph) {
        int count = 0;
        final int[] all = new int[graph.size()];
        for (int i = 0; i < graph.size(); i++) {
            if (graph.index().inGraph(i)) {
                all[count++] = i;
            }
        }
        return Arrays.copyOf(all, count);
    }

    private static List<int[]> nontrivial(final DependencyGraph graph, final int[] nodes, final int mask) {
        final Scc scc = new Scc(graph, graph.sub(nodes), mask);
        final List<int[]> result = new ArrayList<>();
        for (final int[] c : scc.components) {
            if (c.length > 1) {
                result.add(c);
            }
        }
        return result;
    }

    /** One component of the graph without real-time edges. */
    private void component(final int[] nodes) {
        final DependencyGraph.SubGraph sub = graph.sub(nodes);
        boolean forbidden = false;
        final Scc ww = new Scc(graph, sub, WW);
        for (int c = 0; c < ww.components.size(); c++) {
            forbidden |= ww.components.get(c).length > 1 && closeSeed(sub, ww, c, WW, WW);
        }
        final Scc wwwr = new Scc(graph, sub, WW | WR);
        for (int c = 0; c < wwwr.components.size(); c++) {
            forbidden |= wwwr.components.get(c).length > 1 && closeSeed(sub, wwwr, c, WR, WW | WR);
        }
        forbidden |= singleAntiDependency(sub, wwwr, WW | WR, false);
        if (!forbidden) {
            closeSeed(sub, null, 0, RW, WW | WR | RW);
        }
    }

    /** One component of the graph with real-time edges; only cycles that need a real-time edge are reported. */
    private void realtimeComponent(final int[] nodes) {
        final DependencyGraph.SubGraph sub = graph.sub(nodes);
        if (findSeed(sub, null, 0, RT) == null) {
            return;
        }
        boolean forbidden = false;
        final Scc withRt = new Scc(graph, sub, WW | WR | RT);
        for (int c = 0; c < withRt.components.size(); c++) {
            forbidden |= withRt.components.get(c).length > 1 && closeSeed(sub, withRt, c, RT, WW | WR | RT);
        }
        forbidden |= singleAntiDependency(sub, withRt, WW | WR | RT, true);
        if (!forbidden) {
            closeSeed(sub, null, 0, RT, WW | WR | RW | RT);
        }
    }

    /**
     * Looks for an rw edge a&rarr;b closed by a path b..a over {@code pathMask}; with {@code needRt} the cycle must
     * also use a real-time edge. Reports the first found.
     */
    private boolean singleAntiDependency(final DependencyGraph.SubGraph sub, final Scc condensation,
        final int pathMask, final boolean needRt) {
        final long[][] reach = condensation.components.size() <= MAX_BITSET_COMPONENTS
            ? reachability(sub, condensation, pathMask) : null;
        int bfsSeeds = 0;
        for (final int a : sub.nodes()) {
            for (final DependencyGraph.Edge e : graph.out(a)) {
                if (!e.has(RW) || !sub.contains(e.to)) {
                    continue;
                }
                if (reach != null) {
                    final int ca = condensation.componentOf[sub.local(a)];
                    final int cb = condensation.componentOf[sub.local(e.to)];
                    if ((reach[cb][ca >> 6] & 1L << ca) == 0) {
                        continue;
                    }
                }
                if ((reach == null || needRt) && bfsSeeds++ >= MAX_SEEDS_BY_BFS) {
                    return false;
                }
                final int[] back = graph.path(sub, e.to, a, pathMask);
                if (back != null && report(a, DepType.RW, back, pathMask, needRt)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Per component of the condensation, the set of components it reaches, as bitsets. Tarjan's order puts every
     * successor component before its predecessors, so one pass in that order suffices.
     */
    private long[][] reachability(final DependencyGraph.SubGraph sub, final Scc condensation, final int mask) {
        final int count = condensation.components.size();
        final int words = (count + 63) >> 6;
        final long[][] reach = new long[count][];
        for (int c = 0; c < count; c++) {
            final long[] bits = new long[words];
            bits[c >> 6] |= 1L << c;
            for (final int v : condensation.components.get(c)) {
                for (final DependencyGraph.Edge e : graph.out(v)) {
                    if (e.has(mask) && sub.contains(e.to)) {
                        final int d = condensation.componentOf[sub.local(e.to)];
                        if (d != c) {
                            final long[] other = reach[d];
                            for (int w = 0; w < words; w++) {
                                bits[w] |= other[w];
                            }
                        }
                    }
                }
            }
            reach[c] = bits;
        }
        return reach;
    }

    /**
     * Takes an edge of {@code seedMask} inside component {@code c} of {@code scc} (strongly connected over
     * {@code pathMask}; with a null {@code scc}, anywhere in {@code sub}) and closes it with a shortest path back;
     * reports the cycle. False if there was no such edge or the cycle is allowed.
     */
    private boolean closeSeed(final DependencyGraph.SubGraph sub, final Scc scc, final int c, final int seedMask,
        final int pathMask) {
        final DependencyGraph.Edge seed = findSeed(sub, scc, c, seedMask);
        if (seed == null) {
            return false;
        }
        final int[] back = graph.path(sub, seed.to, seed.from, pathMask);
        return back != null && report(seed.from, type(seed.mask & seedMask), back, pathMask, false);
    }

    private DependencyGraph.Edge findSeed(final DependencyGraph.SubGraph sub, final Scc scc, final int c,
        final int mask) {
        final int[] nodes = scc == null ? sub.nodes() : scc.components.get(c);
        for (final int a : nodes) {
            for (final DependencyGraph.Edge e : graph.out(a)) {
                if (e.has(mask) && sub.contains(e.to)
                    && (scc == null || scc.componentOf[sub.local(e.to)] == c)) {
                    return e;
                }
            }
        }
        return null;
    }

    /**
     * Reports the cycle {@code start -seedType-> back[0] ... back[last] == start}, classified by its edges. With
     * {@code needRt} it is reported only if it uses a real-time edge. Returns whether it was a forbidden one.
     */
    private boolean report(final int start, final DepType seedType, final int[] back, final int pathMask,
        final boolean needRt) {
        final List<Dependency> edges = new ArrayList<>(back.length);
        final List<Integer> txns = new ArrayList<>(back.length);
        edges.add(graph.explain(start, back[0], seedType));
        txns.add(graph.index().id(start));
        for (int i = 0; i + 1 < back.length; i++) {
            txns.add(graph.index().id(back[i]));
            final DependencyGraph.Edge e = graph.edge(back[i], back[i + 1]);
            edges.add(graph.explain(back[i], back[i + 1], type(e.mask & pathMask)));
        }
        int rw = 0;
        int wr = 0;
        int rt = 0;
        for (final Dependency d : edges) {
            rw += d.type() == DepType.RW ? 1 : 0;
            wr += d.type() == DepType.WR ? 1 : 0;
            rt += d.type() == DepType.RT ? 1 : 0;
        }
        if (needRt && rt == 0) {
            return false;
        }
        final AnomalyType type = classify(rw, wr, rt > 0);
        found.add(new Anomaly(type, txns, edges, edges.size() + "-edge cycle: " + rw + " rw, " + wr + " wr, "
            + rt + " rt"));
        return !type.allowedUnderSi();
    }

    private static AnomalyType classify(final int rw, final int wr, final boolean realtime) {
        if (rw == 0) {
            if (wr == 0) {
                return realtime ? AnomalyType.G0_REALTIME : AnomalyType.G0;
            }
            return realtime ? AnomalyType.G1C_REALTIME : AnomalyType.G1C;
        }
        if (rw == 1) {
            return realtime ? AnomalyType.G_SINGLE_REALTIME : AnomalyType.G_SINGLE;
        }
        return realtime ? AnomalyType.G2_ITEM_REALTIME : AnomalyType.G2_ITEM;
    }

    private static DepType type(final int mask) {
        for (final DepType t : PREFERENCE) {
            if ((mask & t.bit()) != 0) {
                return t;
            }
        }
        throw new IllegalStateException("no type in mask " + mask);
    }
}
