package io.tkv.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Groups transactional user keys by the region holding each, from a {@link RawKvClient}'s region cache (locating the
 * misses as {@link TxnRpc} does), for a transactional client that sends one request per region. The grouping is as
 * fresh as the cache: a region that split since is found by {@link TxnRpc}, which splits a request again by region.
 * Any thread.
 */
public final class TxnRegionGrouping {
    /** The memcomparable encoding keeps the order of user keys: stored order is user-key order. */
    private static final Comparator<byte[]> STORED_ORDER = Arrays::compareUnsigned;

    private final RegionCache cache;
    private final RegionSource source;

    private TxnRegionGrouping(final RegionCache cache, final RegionSource source) {
        this.cache = cache;
        this.source = source;
    }

    /**
     * @param client a connected client; its region cache is shared.
     * @return the grouping over its cache.
     */
    public static TxnRegionGrouping of(final RawKvClient client) {
        final ClientRuntime runtime = client.runtime();
        return new TxnRegionGrouping(runtime.regionCache(), runtime.regionSource());
    }

    /**
     * @param keys user keys, perhaps unsorted.
     * @return a future of the keys grouped by region, each group in stored-key order, groups in key order.
     */
    public CompletableFuture<List<List<byte[]>>> group(final List<byte[]> keys) {
        return TxnGroups.group(keys, cache, this::locate).thenApply(groups -> {
            final List<List<byte[]>> sorted = new ArrayList<>(groups.size());
            for (final TxnGroups.Group group : groups) {
                final List<byte[]> part = new ArrayList<>(group.keys());
                part.sort(STORED_ORDER);
                sorted.add(part);
            }
            sorted.sort((a, b) -> STORED_ORDER.compare(a.get(0), b.get(0)));
            return sorted;
        });
    }

    private CompletableFuture<CachedRegion> locate(final byte[] stored) {
        return TxnGroups.locate(cache, source, stored);
    }
}
