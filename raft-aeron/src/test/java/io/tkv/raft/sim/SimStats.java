package io.tkv.raft.sim;

import java.util.Map;
import java.util.TreeMap;

/** Counters of what schedules exercised, so a green run can be told apart from a run that tested nothing. */
final class SimStats {
    private final TreeMap<String, Long> counts = new TreeMap<>();

    void add(final String what) {
        counts.merge(what, 1L, Long::sum);
    }

    void addAll(final SimStats other) {
        for (final Map.Entry<String, Long> e : other.counts.entrySet()) {
            counts.merge(e.getKey(), e.getValue(), Long::sum);
        }
    }

    long get(final String what) {
        return counts.getOrDefault(what, 0L);
    }

    @Override
    public String toString() {
        return counts.toString();
    }
}
