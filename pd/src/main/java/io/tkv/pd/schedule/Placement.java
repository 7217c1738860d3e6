package io.tkv.pd.schedule;

import io.tkv.pd.cluster.StoreInfo;

import java.util.Collection;
import java.util.List;

/**
 * Isolation by location labels, as PD scores it. Labels are ordered from the widest level to the narrowest (zone,
 * rack, host). Two stores differ at the first level where both have a value and the values differ; a store that
 * lacks a label matches anything at that level. A candidate's distinct score against a region's other stores sums
 * {@code 100^(levels - i - 1)} for each store it differs from at level {@code i}: differing by zone from one store
 * outweighs differing by rack from 99, so the best-scored store is in a new zone whenever one exists.
 */
public final class Placement {
    private static final double BASE = 100;
    private final List<String> labels;
    private final boolean ignoreLabels;

    /**
     * @param labels       location label keys, widest first; empty: every store is alike.
     * @param ignoreLabels the negative control's broken rule: score every store alike.
     */
    public Placement(final List<String> labels, final boolean ignoreLabels) {
        this.labels = List.copyOf(labels);
        this.ignoreLabels = ignoreLabels;
    }

    /**
     * @return the first level at which the two stores' locations differ, or -1 if they are alike at every level.
     */
    public int compareLocation(final StoreInfo a, final StoreInfo b) {
        for (int i = 0; i < labels.size(); i++) {
            final String va = a.label(labels.get(i));
            final String vb = b.label(labels.get(i));
            if (va != null && vb != null && !va.equalsIgnoreCase(vb)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param stores    the region's other stores (the candidate itself, if in there, is skipped).
     * @param candidate a store that holds or would hold a replica.
     * @return how isolated {@code candidate} is from {@code stores}; higher is better.
     */
    public double distinctScore(final Collection<StoreInfo> stores, final StoreInfo candidate) {
        if (ignoreLabels) {
            return 0;
        }
        double score = 0;
        for (final StoreInfo s : stores) {
            if (s.id() == candidate.id()) {
                continue;
            }
            final int level = compareLocation(s, candidate);
            if (level >= 0) {
                score += Math.pow(BASE, labels.size() - level - 1);
            }
        }
        return score;
    }

    /** @return whether any location label is configured (and honoured). */
    public boolean enabled() {
        return !labels.isEmpty() && !ignoreLabels;
    }
}
