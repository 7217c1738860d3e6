package io.tkv.txn.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The component-and-bitset cycle search against a brute-force oracle on many small simulated histories: a class of
 * cycle is reported iff some edge of its seed type closes into a cycle over its path types, found by a plain BFS
 * from every such edge.
 */
class CycleFinderTest {
    private static final int WW = DepType.WW.bit();
    private static final int WR = DepType.WR.bit();
    private static final int RW = DepType.RW.bit();
    private static final int RT = DepType.RT.bit();

    @Test
    void shouldReportExactlyTheCycleClassesABruteForceSearchFinds() {
        int histories = 0;
        int withCycles = 0;
        for (long seed = 1; seed <= 150; seed++) {
            for (final ToySiStore.Bug bug : ToySiStore.Bug.values()) {
                final List<Txn> history = new SiWorkloadSimulation(seed, 2 + (int) (seed % 5), 1 + (int) (seed % 4),
                    1 + (int) (seed % 4), bug).run(60);
                final HistoryIndex index = new HistoryIndex(history);
                final DependencyGraph graph = EdgeInference.build(index, true);
                final Set<AnomalyType> found = CycleFinder.find(graph, true).stream().map(Anomaly::type)
                    .collect(Collectors.toSet());
                final String where = "seed " + seed + " " + bug + ": " + found;
                assertEquals(closes(graph, WW, WW), found.contains(AnomalyType.G0), where);
                assertEquals(closes(graph, WR, WW | WR), found.contains(AnomalyType.G1C), where);
                assertEquals(closes(graph, RW, WW | WR), found.contains(AnomalyType.G_SINGLE), where);
                final boolean anyRealtime = closes(graph, RT, WW | WR | RW | RT);
                assertEquals(anyRealtime, found.stream().anyMatch(t -> t.name().endsWith("_REALTIME")), where);
                histories++;
                withCycles += found.isEmpty() ? 0 : 1;
            }
        }
        assertTrue(withCycles > histories / 4, withCycles + " of " + histories + " histories had cycles");
    }

    /** Whether some edge of {@code seed} type a&rarr;b has a path b..a over {@code path} types. */
    private static boolean closes(final DependencyGraph graph, final int seed, final int path) {
        for (int a = 0; a < graph.size(); a++) {
            for (final DependencyGraph.Edge e : graph.out(a)) {
                if (e.has(seed) && reaches(graph, e.to, a, path)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean reaches(final DependencyGraph graph, final int from, final int to, final int mask) {
        final boolean[] seen = new boolean[graph.size()];
        final ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(from);
        seen[from] = true;
        while (!queue.isEmpty()) {
            final int v = queue.poll();
            if (v == to) {
                return true;
            }
            for (final DependencyGraph.Edge e : graph.out(v)) {
                if (e.has(mask) && !seen[e.to]) {
                    seen[e.to] = true;
                    queue.add(e.to);
                }
            }
        }
        return false;
    }
}
