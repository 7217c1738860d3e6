package io.tkv.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a batch whose keys may lie in several regions: groups the keys by the region holding each (locating those the
 * cache misses), sends one request per region, in parallel, and completes when all have. A part refused because its
 * region changed under it ({@link RegionErrors}: the keys now span regions the poller cannot resend to as one) is
 * grouped again from the corrected cache and resent, at most {@link RegionErrors#MAX_RESPLITS} times, within the
 * batch's deadline. Each part is its own request (its own correlation id and deduplication): a batch is atomic only
 * within one region.
 */
final class RegionBatches {
    /** Sends one part: the keys at {@code indices} (ascending), all in {@code region}. */
    interface PartSender {
        CompletableFuture<Void> send(CachedRegion region, int[] indices, byte[] first, byte[] last, long deadlineNs);
    }

    private final KeyLocator locator;

    RegionBatches(final KeyLocator locator) {
        this.locator = locator;
    }

    /**
     * @param keys       the batch's user keys, by index.
     * @param sender     sends one part.
     * @param deadlineNs when the batch fails at the latest.
     * @return completes when every part succeeded, or with the first failure.
     */
    CompletableFuture<Void> run(final List<byte[]> keys, final PartSender sender, final long deadlineNs) {
        final int[] all = new int[keys.size()];
        Arrays.setAll(all, i -> i);
        return runPart(keys, all, sender, deadlineNs, 0);
    }

    private CompletableFuture<Void> runPart(final List<byte[]> keys, final int[] indices, final PartSender sender,
        final long deadlineNs, final int attempt) {
        return group(keys, indices, 0).thenCompose(groups -> {
            final CompletableFuture<?>[] parts = new CompletableFuture<?>[groups.size()];
            int i = 0;
            for (final Map.Entry<CachedRegion, int[]> group : groups.entrySet()) {
                final int[] part = group.getValue();
                final byte[][] bounds = bounds(keys, part);
                parts[i++] = sender.send(group.getKey(), part, bounds[0], bounds[1], deadlineNs)
                    .exceptionallyCompose(failure -> {
                        if (RegionErrors.isRegionError(failure) && attempt < RegionErrors.MAX_RESPLITS &&
                            System.nanoTime() - deadlineNs < 0) {
                            return runPart(keys, part, sender, deadlineNs, attempt + 1);
                        }
                        return CompletableFuture.failedFuture(RegionErrors.unwrap(failure));
                    });
            }
            return CompletableFuture.allOf(parts);
        });
    }

    /** @return the indices grouped by region, in order of their first key; locates the regions the cache misses. */
    private CompletableFuture<Map<CachedRegion, int[]>> group(final List<byte[]> keys, final int[] indices,
        final int locates) {
        final RegionCache cache = locator.cache();
        final Map<CachedRegion, List<Integer>> byRegion = new LinkedHashMap<>();
        for (final int index : indices) {
            final byte[] key = keys.get(index);
            final CachedRegion region = cache.findRaw(key);
            if (region == null) {
                if (locates > indices.length) {
                    return CompletableFuture.failedFuture(new TkvException(ErrorCode.REGION_NOT_FOUND,
                        "the regions of a batch's keys kept changing while they were located"));
                }
                return locator.locate(key).thenCompose(found -> group(keys, indices, locates + 1));
            }
            byRegion.computeIfAbsent(region, r -> new ArrayList<>()).add(index);
        }
        final Map<CachedRegion, int[]> groups = new LinkedHashMap<>();
        for (final Map.Entry<CachedRegion, List<Integer>> entry : byRegion.entrySet()) {
            groups.put(entry.getKey(), entry.getValue().stream().mapToInt(Integer::intValue).toArray());
        }
        return CompletableFuture.completedFuture(groups);
    }

    /** @return {lowest, highest} key of a part. */
    private static byte[][] bounds(final List<byte[]> keys, final int[] part) {
        byte[] low = keys.get(part[0]);
        byte[] high = low;
        for (final int index : part) {
            final byte[] key = keys.get(index);
            if (Arrays.compareUnsigned(key, low) < 0) {
                low = key;
            }
            if (Arrays.compareUnsigned(key, high) > 0) {
                high = key;
            }
        }
        return new byte[][] {low, high};
    }
}
