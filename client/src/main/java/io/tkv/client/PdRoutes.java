package io.tkv.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a client routing by PD asks of it: the region holding a key, and a store's address. {@link PdClient} is the
 * real one; a test fakes it in a few lines (TiKV keeps its PD client behind such a trait for the same reason).
 */
interface PdRoutes {
    /**
     * @param storedKey a stored key (RawKV: {@code 'r'} + the user key).
     * @return completes with the region holding it and its leader, as PD knows them; fails REGION_NOT_FOUND if PD
     *     knows no region there (yet).
     */
    CompletableFuture<RegionInfo> getRegionAsync(byte[] storedKey);

    /** @return completes with the store as PD knows it (an empty list if it knows no such store). */
    CompletableFuture<List<PdStore>> storeAsync(long storeId);
}
