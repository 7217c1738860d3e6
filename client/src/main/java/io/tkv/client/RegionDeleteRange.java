package io.tkv.client;

import io.tkv.codec.RawDeleteRangeResponseDecoder;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A delete-range routed by key: one RawDeleteRange per region the range crosses, in key order, each over that
 * region's part of the range and each its own write (deduplicated on its own). A part refused because the region
 * changed is sent again from the same key with the corrected cache, at most {@link RegionErrors#MAX_RESPLITS} times,
 * within the operation's deadline. Not atomic across regions: a failure leaves the parts before it deleted.
 */
final class RegionDeleteRange {
    private final RequestSubmitter requests;
    private final KeyLocator locator;
    private final long clientId;

    RegionDeleteRange(final RequestSubmitter requests, final KeyLocator locator, final long clientId) {
        this.requests = requests;
        this.locator = locator;
        this.clientId = clientId;
    }

    /**
     * @param start inclusive user key, empty for the beginning.
     * @param end   exclusive user key, empty for no end.
     * @return completes when every part is deleted.
     */
    CompletableFuture<Void> run(final byte[] start, final byte[] end) {
        return from(start, end, System.nanoTime() + requests.requestTimeoutNs(), 0);
    }

    private CompletableFuture<Void> from(final byte[] cursor, final byte[] end, final long deadlineNs,
        final int resplits) {
        return locator.locate(cursor).thenCompose(region -> {
            final byte[] partEnd = RegionScan.minEnd(end, region.userEnd());
            final CompletableFuture<Void> part = requests.submitRouted("deleteRange",
                RawDeleteRangeResponseDecoder.TEMPLATE_ID,
                id -> IngressEncoder.current().deleteRange(id, clientId, region.epoch(), cursor, partEnd), region,
                cursor, partEnd, true, deadlineNs);
            return part.handle((ok, failure) -> {
                if (failure == null) {
                    final byte[] regionEnd = region.userEnd();
                    final boolean last = regionEnd.length == 0 ||
                        end.length != 0 && Arrays.compareUnsigned(end, regionEnd) <= 0;
                    return last ? CompletableFuture.<Void>completedFuture(null) :
                        from(regionEnd, end, deadlineNs, resplits);
                }
                if (RegionErrors.isRegionError(failure) && resplits < RegionErrors.MAX_RESPLITS &&
                    System.nanoTime() - deadlineNs < 0) {
                    return from(cursor, end, deadlineNs, resplits + 1);
                }
                return CompletableFuture.<Void>failedFuture(RegionErrors.unwrap(failure));
            }).thenCompose(next -> next);
        });
    }
}
