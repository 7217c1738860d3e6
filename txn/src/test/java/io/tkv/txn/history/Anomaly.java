package io.tkv.txn.history;

import java.util.List;

/**
 * One anomaly found.
 *
 * @param type   what it is.
 * @param txns   ids of the transactions involved; for a cycle, in cycle order.
 * @param edges  for a cycle, its edges in order, each with its evidence; empty otherwise.
 * @param detail the evidence of a non-cycle anomaly (key, values, reads), or a one-line summary of a cycle.
 */
public record Anomaly(AnomalyType type, List<Integer> txns, List<Dependency> edges, String detail) {
    public Anomaly {
        txns = List.copyOf(txns);
        edges = List.copyOf(edges);
    }

    /** A non-cycle anomaly. */
    static Anomaly of(final AnomalyType type, final String detail, final Integer... txns) {
        return new Anomaly(type, List.of(txns), List.of(), detail);
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder();
        sb.append(type).append(type.allowedUnderSi() ? " (allowed under SI)" : "").append(" txns ").append(txns)
            .append(": ").append(detail);
        for (final Dependency d : edges) {
            sb.append("\n    ").append(d);
        }
        return sb.toString();
    }
}
