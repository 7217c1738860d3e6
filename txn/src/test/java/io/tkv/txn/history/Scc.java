package io.tkv.txn.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Strongly connected components of a subgraph over the edges of a type mask, by Tarjan's algorithm made
 * iterative (a chain of ten thousand transactions would overflow the stack of the recursive form).
 *
 * <p>Components come out in Tarjan's order, which is a reverse topological order of the condensation: every edge
 * between two components points from a later one to an earlier one.
 */
final class Scc {
    /** Per local node its component number (an index into {@link #components}). */
    final int[] componentOf;
    /** Each component's nodes (graph indices), in reverse topological order. */
    final List<int[]> components = new ArrayList<>();

    Scc(final DependencyGraph graph, final DependencyGraph.SubGraph sub, final int mask) {
        final int n = sub.size();
        componentOf = new int[n];
        final int[] order = new int[n];
        final int[] low = new int[n];
        final boolean[] onStack = new boolean[n];
        final int[] stack = new int[n];
        final int[] callNode = new int[n];
        final int[] callEdge = new int[n];
        Arrays.fill(order, -1);
        int counter = 0;
        int sp = 0;
        for (int root = 0; root < n; root++) {
            if (order[root] >= 0) {
                continue;
            }
            int depth = 0;
            callNode[0] = root;
            callEdge[0] = 0;
            order[root] = counter;
            low[root] = counter++;
            stack[sp++] = root;
            onStack[root] = true;
            while (depth >= 0) {
                final int v = callNode[depth];
                final List<DependencyGraph.Edge> edges = graph.out(sub.node(v));
                boolean descended = false;
                while (callEdge[depth] < edges.size()) {
                    final DependencyGraph.Edge e = edges.get(callEdge[depth]++);
                    if (!e.has(mask) || !sub.contains(e.to)) {
                        continue;
                    }
                    final int w = sub.local(e.to);
                    if (order[w] < 0) {
                        order[w] = counter;
                        low[w] = counter++;
                        stack[sp++] = w;
                        onStack[w] = true;
                        depth++;
                        callNode[depth] = w;
                        callEdge[depth] = 0;
                        descended = true;
                        break;
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], order[w]);
                    }
                }
                if (descended) {
                    continue;
                }
                if (low[v] == order[v]) {
                    int size = 0;
                    while (stack[sp - 1 - size] != v) {
                        size++;
                    }
                    size++;
                    final int[] comp = new int[size];
                    for (int i = 0; i < size; i++) {
                        final int w = stack[--sp];
                        onStack[w] = false;
                        componentOf[w] = components.size();
                        comp[i] = sub.node(w);
                    }
                    components.add(comp);
                }
                depth--;
                if (depth >= 0) {
                    final int parent = callNode[depth];
                    low[parent] = Math.min(low[parent], low[v]);
                }
            }
        }
    }
}
