package io.tkv.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Locates a key's region by asking PD ({@code GetRegion}), as TiKV's clients do: PD knows every region and its leader
 * from the leaders' heartbeats. Before it answers, it makes sure the client knows where the leader's store is
 * ({@link StoreAddresses}: PD is asked for a store it has not named yet), so the first request goes straight there.
 *
 * <p>PD's view is only as fresh as the last heartbeats: right after a PD leader change the new leader knows regions
 * only as their heartbeats arrive, and answers REGION_NOT_FOUND meanwhile. Then, and whenever PD cannot answer at all
 * (unreachable, a PD that does not serve routes), the stores are asked instead ({@link StoreRegionSource}): any store
 * holding a replica knows its region. PD learns a region a split made only from that region's leader's first
 * heartbeat, so for a while it answers the parent as it was, or nothing, while the stores already refuse requests
 * with the current regions: an answer older than what the client knows of its range (a store's refusal told it of the
 * split) is not taken either, and the stores are asked, as TiKV's client trusts the regions a refusal carries over
 * PD's older view.
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
    private final Predicate<RegionInfo> olderThanKnown;
    private final AtomicLong fallbacks = new AtomicLong();

    /**
     * @param pd             PD's routes.
     * @param stores         where to look when PD does not know.
     * @param addresses      the store addresses the client learns from PD.
     * @param poller         runs the continuation on the client's poller thread.
     * @param olderThanKnown whether PD's answer is older than what the client knows of its range.
     */
    PdRegionSource(final PdRoutes pd, final RegionSource stores, final StoreAddresses addresses,
        final Executor poller, final Predicate<RegionInfo> olderThanKnown) {
        this.pd = pd;
        this.stores = stores;
        this.addresses = addresses;
        this.poller = poller;
        this.olderThanKnown = olderThanKnown;
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
                if (olderThanKnown.test(region)) {
                    throw new CompletionException(new TkvException(ErrorCode.EPOCH_NOT_MATCH,
                        "PD answered " + region + ", older than the client knows its range (a split PD missed)"));
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
