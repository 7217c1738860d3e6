package io.tkv.client;

import io.tkv.codec.LocateRegionResponseDecoder;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Locates a key's region by asking a store ({@code LocateRegion}, which any session may send): the store the client
 * talks to by default answers from its region registry, with the leader it knows. Every store holding a replica knows
 * the region; a store that lags behind a split answers the region as it was, and the leader's EPOCH_NOT_MATCH then
 * corrects the cache.
 */
final class StoreRegionSource implements RegionSource {
    private final RequestSubmitter requests;

    StoreRegionSource(final RequestSubmitter requests) {
        this.requests = requests;
    }

    @Override
    public CompletableFuture<RegionInfo> locate(final byte[] storedKey) {
        final CompletableFuture<List<RegionInfo>> located = requests.submit("locateRegion",
            LocateRegionResponseDecoder.TEMPLATE_ID, id -> IngressEncoder.current().locateRegion(id, storedKey));
        return located.thenApply(regions -> {
            for (final RegionInfo region : regions) {
                if (region.contains(storedKey)) {
                    return region;
                }
            }
            throw new TkvException(ErrorCode.REGION_NOT_FOUND, "the store's answer holds no region with the key");
        });
    }
}
