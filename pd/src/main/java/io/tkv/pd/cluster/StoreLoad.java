package io.tkv.pd.cluster;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-store counts derived from the region registry: peers, leaders and the bytes they weigh
 * ({@link RegionInfo#scoreSizeBytes()}). Kept
 * incrementally as regions come and go, so schedulers read them in O(1) instead of walking every region.
 */
final class StoreLoad {
    private static final class Counts {
        int regions;
        int leaders;
        long sizeBytes;
    }

    private final Map<Long, Counts> byStore = new HashMap<>();

    void add(final RegionInfo region) {
        apply(region, 1);
    }

    void remove(final RegionInfo region) {
        apply(region, -1);
    }

    private void apply(final RegionInfo region, final int sign) {
        for (final Peer p : region.peers()) {
            final Counts c = byStore.computeIfAbsent(p.storeId(), k -> new Counts());
            c.regions += sign;
            c.sizeBytes += sign * region.scoreSizeBytes();
            if (region.leader() != null && region.leader().peerId() == p.peerId()) {
                c.leaders += sign;
            }
        }
    }

    int regionCount(final long storeId) {
        final Counts c = byStore.get(storeId);
        return c == null ? 0 : c.regions;
    }

    int leaderCount(final long storeId) {
        final Counts c = byStore.get(storeId);
        return c == null ? 0 : c.leaders;
    }

    long regionSizeBytes(final long storeId) {
        final Counts c = byStore.get(storeId);
        return c == null ? 0 : c.sizeBytes;
    }
}
