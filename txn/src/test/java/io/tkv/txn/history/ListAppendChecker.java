package io.tkv.txn.history;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a list-append history against snapshot isolation, after Kingsbury and Alvaro's Elle (VLDB 2020) with
 * Adya's anomaly definitions. Appended values are unique per key, so every element read names its writer, and all
 * reads of a key must be prefixes of one version order (the longest read). From that:
 * <ol>
 * <li>direct anomalies: duplicate elements, incompatible orders, garbage reads ({@link HistoryIndex}), aborted
 * reads (G1a), intermediate reads (G1b), dirty updates, internal inconsistency and lost updates
 * ({@link DirectChecks});</li>
 * <li>a dependency graph over committed transactions and unknown ones whose appends were read, with ww, wr and rw
 * edges ({@link EdgeInference}), and in strict mode real-time edges;</li>
 * <li>its cycles, classified as G0, G1c, G-single or G2-item ({@link CycleFinder}).</li>
 * </ol>
 * SI forbids all of them but G2-item (write skew), which is reported as allowed. Strict mode checks strong SI: the
 * real-time order must also be respected (a transaction sees everything committed before it was invoked).
 *
 * <p>Work is linear in the history's size plus the edges inferred, except G-single's reachability bitsets, which
 * are quadratic in bits in the size of a strongly connected component (10k transactions: 12.5 MB).
 */
public final class ListAppendChecker {
    private final boolean strict;

    private ListAppendChecker(final boolean strict) {
        this.strict = strict;
    }

    /** A checker for snapshot isolation. */
    public static ListAppendChecker snapshotIsolation() {
        return new ListAppendChecker(false);
    }

    /** A checker for strong (strict) snapshot isolation: SI plus real-time order. */
    public static ListAppendChecker strictSnapshotIsolation() {
        return new ListAppendChecker(true);
    }

    /**
     * @param history the transactions, each with a unique id, in any order.
     * @throws IllegalArgumentException if the history breaks the workload's contract (duplicate ids, a value
     *                                  appended twice to one key): then nothing can be concluded.
     */
    public CheckResult check(final List<Txn> history) {
        final Set<Integer> ids = new HashSet<>();
        for (final Txn t : history) {
            if (!ids.add(t.id())) {
                throw new IllegalArgumentException("duplicate transaction id " + t.id());
            }
        }
        final HistoryIndex index = new HistoryIndex(history);
        final List<Anomaly> anomalies = new ArrayList<>(index.anomalies());
        anomalies.addAll(DirectChecks.all(index));
        final DependencyGraph graph = EdgeInference.build(index, strict);
        anomalies.addAll(CycleFinder.find(graph, strict));
        int inGraph = 0;
        for (int i = 0; i < history.size(); i++) {
            inGraph += index.inGraph(i) ? 1 : 0;
        }
        return new CheckResult(history.size(), inGraph, graph.edgeCount(), anomalies);
    }
}
