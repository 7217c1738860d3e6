package io.tkv.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Locating regions by PD, deterministically: PD's answers are run by the test (a queue it drains), as is the
 * poller's hand-over, so every step is seen in order. PD first; the stores when PD does not know the key's region or
 * cannot answer; the leader's store address learnt before the answer is handed on.
 */
class PdRegionSourceTest {
    private final List<Runnable> pdThread = new ArrayList<>();
    private final PollerTasks poller = new PollerTasks();
    private final FakeRegions regions = new FakeRegions(1, 1, 2, 3);
    private final FakePd pd = new FakePd(regions, pdThread::add);
    private final StoreAddresses addresses = new StoreAddresses(pd);
    private final List<byte[]> storeAsks = new ArrayList<>();
    private RegionInfo storesAnswer;

    private final RegionSource stores = key -> {
        storeAsks.add(key);
        return storesAnswer == null ? CompletableFuture.failedFuture(
            new TkvException(ErrorCode.REGION_NOT_FOUND, "no store knows it")) :
            CompletableFuture.completedFuture(storesAnswer);
    };
    private final PdRegionSource source = new PdRegionSource(pd, stores, addresses, poller, region -> false);

    @Test
    void shouldLocateByPdAndLearnTheLeadersStoreBeforeAnswering() throws Exception {
        regions.split("m", 2);
        regions.leader(2, 3);
        pd.store(3, "127.0.0.1:20162");

        final CompletableFuture<RegionInfo> located = source.locate(RawKeys.stored(bytes("q")));
        runPd();
        assertFalse(located.isDone(), "PD named store 3, which the client does not know yet: it asks PD for it");
        assertEquals(1, pd.storeAsks());
        runPd();
        assertFalse(located.isDone(), "handed to the client's poller, not completed on PD's thread");
        assertEquals(1, poller.drain());
        assertEquals(2, located.get().regionId());
        assertEquals(3, located.get().leaderStoreId());
        assertEquals("127.0.0.1:20162", addresses.endpoint(3));
        assertTrue(storeAsks.isEmpty(), "the stores were not asked");
        assertEquals(0, source.fallbacks());

        regions.leader(1, 3);
        final CompletableFuture<RegionInfo> again = source.locate(RawKeys.stored(bytes("a")));
        runPd();
        poller.drain();
        assertEquals(1, again.get().regionId());
        assertEquals(1, pd.storeAsks(), "a known store is not asked for again");
    }

    @Test
    void shouldAskTheStoresWhenPdKnowsNoRegionThere() throws Exception {
        pd.knowsNoRegion(true);
        storesAnswer = regions.byId(1).info();
        final CompletableFuture<RegionInfo> located = source.locate(RawKeys.stored(bytes("k")));
        runPd();
        poller.drain();
        assertEquals(1, located.get().regionId());
        assertEquals(1, storeAsks.size());
        assertEquals(1, source.fallbacks());
    }

    @Test
    void shouldAskTheStoresWhenPdsRegionDoesNotHoldTheKey() throws Exception {
        final PdRoutes wrongPd = new PdRoutes() {
            @Override
            public CompletableFuture<RegionInfo> getRegionAsync(final byte[] storedKey) {
                return CompletableFuture.completedFuture(new RegionInfo(9, RawKeys.stored(bytes("x")), new byte[0],
                    1, 1, 1, List.of()));
            }

            @Override
            public CompletableFuture<List<PdStore>> storeAsync(final long storeId) {
                return CompletableFuture.completedFuture(List.of());
            }
        };
        storesAnswer = regions.byId(1).info();
        final PdRegionSource wrong = new PdRegionSource(wrongPd, stores, new StoreAddresses(wrongPd), Runnable::run,
            region -> false);
        assertEquals(1, wrong.locate(RawKeys.stored(bytes("k"))).get().regionId());
        assertEquals(1, wrong.fallbacks());
    }

    @Test
    void shouldAskTheStoresWhenPdsRegionIsOlderThanTheClientKnows() throws Exception {
        final RegionCache cache = new RegionCache();
        final PdRegionSource checked = new PdRegionSource(pd, stores, addresses, poller, cache::isOlderThanCached);
        regions.leader(1, 3);
        pd.store(3, "127.0.0.1:20162");
        addresses.learn(pd.stores());
        // A refusal taught the client of a split at "m" that PD has not heard of: PD still has region 1 unsplit.
        cache.put(new RegionInfo(1, new byte[0], RawKeys.stored(bytes("m")), 1, 2, 3, List.of()));
        storesAnswer = new RegionInfo(4, RawKeys.stored(bytes("m")), new byte[0], 1, 2, 3, List.of());
        final CompletableFuture<RegionInfo> located = checked.locate(RawKeys.stored(bytes("q")));
        runPd();
        poller.drain();
        assertEquals(4, located.get().regionId(), "the stores' newer region, not PD's older one");
        assertEquals(1, storeAsks.size());
        assertEquals(1, checked.fallbacks());
    }

    @Test
    void shouldFailWithTheStoresRefusalWhenNeitherKnows() {
        pd.knowsNoRegion(true);
        final CompletableFuture<RegionInfo> located = source.locate(RawKeys.stored(bytes("k")));
        runPd();
        poller.drain();
        final ExecutionException failure = assertThrows(ExecutionException.class, located::get);
        assertEquals(ErrorCode.REGION_NOT_FOUND, ((TkvException) failure.getCause()).code());
    }

    @Test
    void shouldAnswerWithoutTheLeadersAddressWhenPdKnowsNoSuchStore() throws Exception {
        final CompletableFuture<RegionInfo> located = source.locate(RawKeys.stored(bytes("k")));
        runPd();
        runPd();
        poller.drain();
        assertEquals(1, located.get().leaderStoreId(), "the region still routes: by peers and hints");
        assertNull(addresses.endpoint(1));
    }

    @Test
    void shouldAskPdOnceForAStoreHoweverManyWait() {
        pd.store(4, "127.0.0.1:20163");
        final CompletableFuture<String> first = addresses.resolve(4);
        final CompletableFuture<String> second = addresses.resolve(4);
        assertEquals(1, pd.storeAsks());
        runPd();
        assertEquals("127.0.0.1:20163", first.join());
        assertEquals("127.0.0.1:20163", second.join());
        assertEquals("127.0.0.1:20163", addresses.resolve(4).join());
        assertEquals(1, pd.storeAsks());
        assertNull(new StoreAddresses(null).resolve(4).join(), "without PD the book knows nothing");
    }

    @Test
    void shouldForgetTombstonesAndIgnoreBadAddresses() {
        addresses.learn(List.of(store(1, "UP", "127.0.0.1:20160"), store(2, "UP", "not an endpoint")));
        assertEquals("127.0.0.1:20160", addresses.endpoint(1));
        assertNull(addresses.endpoint(2));
        addresses.learn(List.of(store(1, "TOMBSTONE", "127.0.0.1:20160")));
        assertNull(addresses.endpoint(1));
        assertEquals(0, addresses.size());
    }

    @Test
    void shouldConnectToUpStoresFirstAndAtMostThree() {
        final List<PdStore> listed = List.of(store(1, "DOWN", "127.0.0.1:1"), store(2, "UP", "127.0.0.1:2"),
            store(3, "TOMBSTONE", "127.0.0.1:3"), store(4, "UP", "127.0.0.1:4"), store(5, "DISCONNECTED",
                "127.0.0.1:5"), store(6, "DOWN", "127.0.0.1:6"));
        assertEquals(List.of("127.0.0.1:2", "127.0.0.1:4", "127.0.0.1:1"), PdRouting.pickStores(listed));
        final TkvException none = assertThrows(TkvException.class,
            () -> PdRouting.pickStores(List.of(store(3, "TOMBSTONE", "127.0.0.1:3"))));
        assertEquals(ErrorCode.REGION_NOT_FOUND, none.code());
    }

    @Test
    void shouldTakeTheStoresFromPdOnlyWhenNoneAreConfigured() {
        final List<PdStore> listed = List.of(store(2, "UP", "127.0.0.1:20161"));
        final ClientConfig fromPd = new ClientConfig().pdEndpoints("127.0.0.1:2379");
        PdRouting.of(fromPd, pd, listed, null).close();
        assertEquals(List.of("127.0.0.1:20161"), fromPd.storeEndpoints());
        assertTrue(fromPd.routing().usesPd());

        final ClientConfig configured = new ClientConfig().pdEndpoints("127.0.0.1:2379").storeEndpoint("127.0.0.1:7");
        final PdRouting routing = PdRouting.of(configured, pd, listed, null);
        assertEquals(List.of("127.0.0.1:7"), configured.storeEndpoints());
        assertEquals("127.0.0.1:20161", routing.addresses().endpoint(2), "PD's addresses are learnt anyway");
    }

    @Test
    void shouldRefusePdWithAPinnedRegionOrABadEndpoint() {
        assertThrows(IllegalArgumentException.class,
            () -> new ClientConfig().pdEndpoints("127.0.0.1:2379").region(2, 1, 1).conclude());
        assertThrows(IllegalArgumentException.class, () -> new ClientConfig().pdEndpoints("nowhere").conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new ClientConfig().pdEndpoints("127.0.0.1:2379", "127.0.0.1:2379").conclude());
        assertFalse(new ClientConfig().conclude().routing().usesPd());
    }

    private void runPd() {
        final List<Runnable> due = new ArrayList<>(pdThread);
        pdThread.clear();
        due.forEach(Runnable::run);
    }

    private static PdStore store(final long id, final String state, final String address) {
        return new PdStore(id, state, 0, 0, 0, 0, 0, address, "");
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
