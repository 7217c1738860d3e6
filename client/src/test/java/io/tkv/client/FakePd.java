package io.tkv.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * PD's routes for tests: regions from a {@link FakeRegions} (or none), stores from a map the test fills; it can
 * answer REGION_NOT_FOUND for every key (a new PD leader that heard no heartbeat yet), and counts what it was asked.
 * Answers complete on {@code answerOn} (a thread of its own stands in for the PD client's poller).
 */
final class FakePd implements PdRoutes {
    private final FakeRegions regions;
    private final Executor answerOn;
    private final Map<Long, PdStore> stores = new ConcurrentHashMap<>();
    private final AtomicInteger regionAsks = new AtomicInteger();
    private final AtomicInteger storeAsks = new AtomicInteger();
    private volatile boolean knowsNoRegion;

    FakePd(final FakeRegions regions, final Executor answerOn) {
        this.regions = regions;
        this.answerOn = answerOn;
    }

    /** Registers a store, UP, at the address. */
    FakePd store(final long storeId, final String address) {
        stores.put(storeId, new PdStore(storeId, "UP", 0, 0, 0, 0, 0, address, ""));
        return this;
    }

    /** @param none whether every GetRegion answers REGION_NOT_FOUND. */
    void knowsNoRegion(final boolean none) {
        this.knowsNoRegion = none;
    }

    List<PdStore> stores() {
        return new ArrayList<>(stores.values());
    }

    int regionAsks() {
        return regionAsks.get();
    }

    int storeAsks() {
        return storeAsks.get();
    }

    @Override
    public CompletableFuture<RegionInfo> getRegionAsync(final byte[] storedKey) {
        regionAsks.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> {
            final FakeRegions.Region region = knowsNoRegion || regions == null ? null : regions.find(storedKey);
            if (region == null) {
                throw new TkvException(ErrorCode.REGION_NOT_FOUND, "PD knows no region there");
            }
            return region.info();
        }, answerOn);
    }

    @Override
    public CompletableFuture<List<PdStore>> storeAsync(final long storeId) {
        storeAsks.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> {
            final PdStore store = stores.get(storeId);
            return store == null ? List.of() : List.of(store);
        }, answerOn);
    }
}
