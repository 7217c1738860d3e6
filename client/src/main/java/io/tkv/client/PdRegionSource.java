package io.tkv.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Locates a key's region by asking PD ({@code GetRegion}), as TiKV's clients do: PD knows every region and its leader
 * from the leaders' heartbeats. Before it answers, it makes sure the client knows where the leader's store is
 * ({@link StoreAddresses}: PD is asked for a store it has not named yet), so the first request goes straight there.
 *
 * <p>PD's view is only as fresh as the last heartbeats: right after a PD leader change the new leader knows regions
 * only as their heartbeats arrive, and answers REGION_NOT_FOUND meanwhile. Then, and whenever PD cannot answer at all
 * (unreachable, a PD that does not serve routes), the stores are asked instead ({@link StoreRegionSource}): any store
 * holding a replica knows its region. A region PD describes older than a store's refusal is corrected by that
 * refusal, as with any source.
 *
 * <p>The answer completes on the client's poller thread, as the stores' answers do (PD's come on the PD client's own
 * poller and are handed over through {@link PollerTasks}), so what follows it keeps touching the routing state from
 * its one owner.
 */
final class PdRegionSource implements RegionSource {
    private final PdRoutes pd;
    private final RegionSource stores;
    private final StoreAddresses addresses;
    private final Executor poller;
    private final AtomicLong fallbacks = new AtomicLong();

    /**
     * @param pd        PD's routes.
     * @param stores    where to look when PD does not know.
     * @param addresses the store addresses the client learns from PD.
     * @param poller    runs the continuation on the client's poller thread.
     */
    PdRegionSource(final PdRoutes pd, final RegionSource stores, final StoreAddresses addresses,
        final Executor poller) {
        this.pd = pd;
        this.stores = stores;
        this.addresses = addresses;
        this.poller = poller;
    }

    @Override
    public CompletableFuture<RegionInfo> locate(final byte[] storedKey) {
        final CompletableFuture<RegionInfo> located = new CompletableFuture<>();
        pd.getRegionAsync(storedKey)
            .thenCompose(region -> {
                if (!region.contains(storedKey)) {
                    throw new CompletionException(new TkvException(ErrorCode.REGION_NOT_FOUND,
                        "PD answered " + region + ", which does not hold the key"));
                }
                return addresses.resolve(region.leaderStoreId()).thenApply(endpoint -> region);
            })
            .whenCompleteAsync((region, failure) -> {
                if (failure == null) {
                    located.complete(region);
                    return;
                }
                fallbacks.incrementAndGet();
                stores.locate(storedKey).whenComplete((fromStore, storeFailure) -> {
                    if (storeFailure == null) {
                        located.complete(fromStore);
                    } else {
                        located.completeExceptionally(storeFailure);
                    }
                });
            }, poller);
        return located;
    }

    /** @return locates PD could not answer, which the stores answered instead (diagnostics and tests). */
    long fallbacks() {
        return fallbacks.get();
    }
}
