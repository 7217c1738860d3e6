package io.tkv.client;

import io.tkv.codec.keys.TxnKeyCodec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Groups a transactional request's user keys by the region holding each ({@code 'x' mc(k)}), locating the regions the
 * cache misses, for {@link TxnRpc}'s requests over several keys. Any thread.
 */
final class TxnGroups {
    /** Locates the cache misses of one grouping at most this many times before it fails. */
    private static final int MAX_LOCATES = 64;

    private TxnGroups() {
    }

    /**
     * The keys of one region, in the order asked.
     *
     * @param region      the region.
     * @param keys        its user keys.
     * @param firstStored the lowest stored key of them.
     * @param lastStored  the highest.
     */
    record Group(CachedRegion region, List<byte[]> keys, byte[] firstStored, byte[] lastStored) {
    }

    static CompletableFuture<List<Group>> group(final List<byte[]> keys, final RegionCache cache,
        final Function<byte[], CompletableFuture<CachedRegion>> locate) {
        return group(keys, cache, locate, 0);
    }

    private static CompletableFuture<List<Group>> group(final List<byte[]> keys, final RegionCache cache,
        final Function<byte[], CompletableFuture<CachedRegion>> locate, final int locates) {
        final Map<CachedRegion, List<byte[]>> byRegion = new LinkedHashMap<>();
        final Map<CachedRegion, byte[][]> bounds = new LinkedHashMap<>();
        for (final byte[] key : keys) {
            final byte[] stored = TxnKeyCodec.encode(key);
            final CachedRegion region = cache.findStored(stored);
            if (region == null) {
                if (locates >= MAX_LOCATES) {
                    return CompletableFuture.failedFuture(new TkvException(ErrorCode.REGION_NOT_FOUND,
                        "the regions of a request's keys kept changing while they were located"));
                }
                return locate.apply(stored).thenCompose(found -> group(keys, cache, locate, locates + 1));
            }
            byRegion.computeIfAbsent(region, r -> new ArrayList<>()).add(key);
            final byte[][] range = bounds.computeIfAbsent(region, r -> new byte[][] {stored, stored});
            if (Arrays.compareUnsigned(stored, range[0]) < 0) {
                range[0] = stored;
            }
            if (Arrays.compareUnsigned(stored, range[1]) > 0) {
                range[1] = stored;
            }
        }
        final List<Group> groups = new ArrayList<>();
        for (final Map.Entry<CachedRegion, List<byte[]>> entry : byRegion.entrySet()) {
            final byte[][] range = bounds.get(entry.getKey());
            groups.add(new Group(entry.getKey(), List.copyOf(entry.getValue()), range[0], range[1]));
        }
        return CompletableFuture.completedFuture(groups);
    }

    /** @return whether a part failed for its region (its keys may now be in several: group them again). */
    static boolean isRegionError(final Throwable failure) {
        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        if (!(cause instanceof TkvException tkv) || cause instanceof TxnKeyException) {
            return false;
        }
        return tkv.code() == ErrorCode.EPOCH_NOT_MATCH || tkv.code() == ErrorCode.KEY_NOT_IN_REGION
            || tkv.code() == ErrorCode.REGION_NOT_FOUND;
    }

    /**
     * @return the region holding the stored key: from the cache, else located through {@code source} and learnt into
     *     the cache.
     */
    static CompletableFuture<CachedRegion> locate(final RegionCache cache, final RegionSource source,
        final byte[] stored) {
        final CachedRegion cached = cache.findStored(stored);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        return source.locate(stored).thenApply(info -> {
            final CachedRegion learnt = cache.put(info);
            final CachedRegion found = learnt != null && learnt.containsStored(stored) ? learnt
                : cache.findStored(stored);
            if (found == null) {
                throw new TkvException(ErrorCode.REGION_NOT_FOUND, "no region holds the key (located " + info + ")");
            }
            return found;
        });
    }
}
