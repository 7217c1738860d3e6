package io.tkv.client;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The caller's side of routing: the region that holds a RawKV key, from the {@link RegionCache} when it has it, else
 * located through the {@link RegionSource} and learnt. Any thread.
 */
final class KeyLocator {
    /** Regions a reverse walk may step through looking for the one before a key, before it gives up. */
    private static final int MAX_WALK = 100_000;

    private final RegionCache cache;
    private final RegionSource source;

    KeyLocator(final RegionCache cache, final RegionSource source) {
        this.cache = cache;
        this.source = source;
    }

    RegionCache cache() {
        return cache;
    }

    /** @return the region holding the user key. */
    CompletableFuture<CachedRegion> locate(final byte[] userKey) {
        final CachedRegion cached = cache.findRaw(userKey);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        return source.locate(RawKeys.stored(userKey)).thenApply(info -> {
            final CachedRegion learnt = cache.put(info);
            final CachedRegion found = learnt != null && learnt.containsRaw(userKey) ? learnt : cache.findRaw(userKey);
            if (found == null) {
                throw new CompletionException(new TkvException(ErrorCode.REGION_NOT_FOUND,
                    "no region holds the key (located " + info + ")"));
            }
            return found;
        });
    }

    /**
     * @param from    a user key at or below the keys wanted (a reverse scan's start; empty for the beginning).
     * @param userEnd an exclusive user key end, empty for the end of the raw space.
     * @return the region holding the keys just below {@code userEnd}: from the cache, else found by walking the
     *     regions up from {@code from}.
     */
    CompletableFuture<CachedRegion> locateBefore(final byte[] from, final byte[] userEnd) {
        final CachedRegion cached = cache.findBeforeRaw(userEnd);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        return walk(from, userEnd, 0);
    }

    private CompletableFuture<CachedRegion> walk(final byte[] at, final byte[] userEnd, final int steps) {
        return locate(at).thenCompose(region -> {
            final byte[] regionEnd = region.userEnd();
            if (regionEnd.length == 0 || userEnd.length != 0 && Arrays.compareUnsigned(regionEnd, userEnd) >= 0) {
                return CompletableFuture.completedFuture(region);
            }
            if (steps >= MAX_WALK) {
                throw new CompletionException(new TkvException(ErrorCode.REGION_NOT_FOUND,
                    "walked " + MAX_WALK + " regions without reaching the end key"));
            }
            return walk(regionEnd, userEnd, steps + 1);
        });
    }
}
