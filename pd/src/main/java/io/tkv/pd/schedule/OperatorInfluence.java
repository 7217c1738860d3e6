package io.tkv.pd.schedule;

import java.util.HashMap;
import java.util.Map;

/**
 * What running operators will still change on each store: leaders, peers and bytes. Schedulers score stores as
 * they will be once the operators finish, so a second operator is not planned for an imbalance that a running one
 * already fixes (PD's operator influence).
 */
public final class OperatorInfluence {
    private static final class Delta {
        int leaders;
        int regions;
        long sizeBytes;
    }

    private final Map<Long, Delta> byStore = new HashMap<>();

    private Delta of(final long storeId) {
        return byStore.computeIfAbsent(storeId, k -> new Delta());
    }

    void addLeader(final long storeId, final int delta) {
        of(storeId).leaders += delta;
    }

    void addRegion(final long storeId, final int delta, final long sizeBytes) {
        final Delta d = of(storeId);
        d.regions += delta;
        d.sizeBytes += delta * sizeBytes;
    }

    /** @return leaders the store will gain (negative: lose). */
    public int leaders(final long storeId) {
        final Delta d = byStore.get(storeId);
        return d == null ? 0 : d.leaders;
    }

    /** @return peers the store will gain (negative: lose). */
    public int regions(final long storeId) {
        final Delta d = byStore.get(storeId);
        return d == null ? 0 : d.regions;
    }

    /** @return bytes the store will gain (negative: lose). */
    public long sizeBytes(final long storeId) {
        final Delta d = byStore.get(storeId);
        return d == null ? 0 : d.sizeBytes;
    }
}
