package io.tkv.client;

import java.util.concurrent.CompletableFuture;

/**
 * Where the client learns which region holds a key when its {@link RegionCache} misses: the stores today
 * ({@link StoreRegionSource}), PD next. Kept to one call so a test fakes it in a line.
 */
interface RegionSource {
    /**
     * @param storedKey the key as stored (RawKV: {@code 'r' + key}).
     * @return the region holding it, with the leader the source knows (0 if none); fails REGION_NOT_FOUND if the
     *     source knows no such region, or as a request fails.
     */
    CompletableFuture<RegionInfo> locate(byte[] storedKey);
}
