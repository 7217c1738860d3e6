package io.tkv.txn.history;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a check found. {@link #valid()} is false iff an anomaly the isolation level forbids was found; allowed ones
 * (write skew under SI) are listed too. {@link #toString()} is meant for a failing test's message.
 *
 * @param transactions how many transactions the history held.
 * @param inGraph      how many of them were nodes of the dependency graph (committed or observed).
 * @param edges        how many distinct (from, to) pairs the graph had.
 * @param anomalies    everything found, forbidden or not.
 */
public record CheckResult(int transactions, int inGraph, int edges, List<Anomaly> anomalies) {
    /** How many of each type {@link #toString()} prints at most. */
    private static final int PRINT_PER_TYPE = 3;

    public CheckResult {
        anomalies = List.copyOf(anomalies);
    }

    /** No anomaly that SI forbids. */
    public boolean valid() {
        return anomalies.stream().allMatch(a -> a.type().allowedUnderSi());
    }

    /** The anomalies of one type. */
    public List<Anomaly> anomalies(final AnomalyType type) {
        return anomalies.stream().filter(a -> a.type() == type).toList();
    }

    /** Whether at least one anomaly of {@code type} was found. */
    public boolean has(final AnomalyType type) {
        return anomalies.stream().anyMatch(a -> a.type() == type);
    }

    /** How many anomalies of each type. */
    public Map<AnomalyType, Integer> counts() {
        final Map<AnomalyType, Integer> counts = new EnumMap<>(AnomalyType.class);
        for (final Anomaly a : anomalies) {
            counts.merge(a.type(), 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder();
        sb.append(valid() ? "valid" : "INVALID").append(" under SI: ").append(transactions).append(" txns, ")
            .append(inGraph).append(" in the graph, ").append(edges).append(" edges; found ").append(counts());
        final Map<AnomalyType, Integer> printed = new EnumMap<>(AnomalyType.class);
        for (final Anomaly a : anomalies) {
            if (printed.merge(a.type(), 1, Integer::sum) <= PRINT_PER_TYPE) {
                sb.append("\n  ").append(a);
            }
        }
        return sb.toString();
    }
}
