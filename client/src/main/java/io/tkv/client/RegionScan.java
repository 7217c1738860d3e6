package io.tkv.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * One scan routed by key: walks the regions the range crosses in scan order (forward from the start, or reverse
 * from the end), scanning each region's part of the range ({@link ScanOperation}, pages and resume keys included)
 * until the limit is met or the range ends. A region part refused because the region changed is scanned again from
 * the same key with the corrected cache, at most {@link RegionErrors#MAX_RESPLITS} times. One in-flight slot and one
 * deadline for the whole scan. A scan is not a snapshot across regions (nor, today, across pages).
 */
final class RegionScan implements BiConsumer<List<KvPair>, Throwable> {
    private final RequestSubmitter requests;
    private final KeyLocator locator;
    private final byte[] start;
    private final byte[] end;
    private final int limit;
    private final boolean reverse;
    private final boolean keyOnly;
    private final long deadlineNs;
    private final List<KvPair> pairs = new ArrayList<>();
    private final CompletableFuture<List<KvPair>> result = new CompletableFuture<>();
    /** Forward: the start of what is left; reverse: its exclusive end. */
    private byte[] cursor;
    private CachedRegion region;
    private int resplits;

    RegionScan(final RequestSubmitter requests, final KeyLocator locator, final byte[] start, final byte[] end,
        final int limit, final boolean reverse, final boolean keyOnly, final long deadlineNs) {
        this.requests = requests;
        this.locator = locator;
        this.start = start;
        this.end = end;
        this.limit = limit;
        this.reverse = reverse;
        this.keyOnly = keyOnly;
        this.deadlineNs = deadlineNs;
        this.cursor = reverse ? end : start;
    }

    /** @return the pairs in scan order, up to the limit. */
    CompletableFuture<List<KvPair>> start() {
        next();
        return result;
    }

    private void next() {
        final CompletableFuture<CachedRegion> located = reverse ? locator.locateBefore(start, cursor) :
            locator.locate(cursor);
        located.whenComplete((found, failure) -> {
            if (failure != null) {
                result.completeExceptionally(RegionErrors.unwrap(failure));
            } else {
                scanIn(found);
            }
        });
    }

    private void scanIn(final CachedRegion found) {
        region = found;
        final byte[] partStart = reverse ? max(start, found.userStart()) : cursor;
        final byte[] partEnd = reverse ? cursor : minEnd(end, found.userEnd());
        try {
            new ScanOperation(
                (from, to, pageLimit, rev, keys) -> requests.sendPage(
                    id -> IngressEncoder.current().scan(id, found.epoch(), from, to, pageLimit, rev, keys), found,
                    from, to, deadlineNs),
                requests::limits, partStart, partEnd, limit - pairs.size(), reverse, keyOnly).start()
                .whenComplete(this);
        } catch (final RuntimeException ex) {
            result.completeExceptionally(ex);
        }
    }

    @Override
    public void accept(final List<KvPair> part, final Throwable failure) {
        if (failure != null) {
            if (RegionErrors.isRegionError(failure) && resplits < RegionErrors.MAX_RESPLITS &&
                System.nanoTime() - deadlineNs < 0) {
                resplits++;
                next();
            } else {
                result.completeExceptionally(RegionErrors.unwrap(failure));
            }
            return;
        }
        pairs.addAll(part);
        if (pairs.size() >= limit || lastRegion()) {
            result.complete(Collections.unmodifiableList(pairs));
            return;
        }
        cursor = reverse ? region.userStart() : region.userEnd();
        next();
    }

    /** @return whether the region just scanned reaches the far end of the range. */
    private boolean lastRegion() {
        if (reverse) {
            final byte[] regionStart = region.userStart();
            return regionStart.length == 0 || Arrays.compareUnsigned(regionStart, start) <= 0;
        }
        final byte[] regionEnd = region.userEnd();
        return regionEnd.length == 0 || end.length != 0 && Arrays.compareUnsigned(end, regionEnd) <= 0;
    }

    private static byte[] max(final byte[] a, final byte[] b) {
        return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
    }

    /** @return the lower of two exclusive ends, where empty is no end. */
    static byte[] minEnd(final byte[] a, final byte[] b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
