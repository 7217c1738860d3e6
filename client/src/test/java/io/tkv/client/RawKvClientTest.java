package io.tkv.client;

import io.tkv.codec.RawBatchGetDecoder;
import io.tkv.codec.RawGetDecoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.RawScanDecoder;
import io.tkv.codec.Status;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static io.tkv.client.StoreFixture.bytes;
import static io.tkv.client.StoreFixture.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every RawKV operation against the fake store over real Aeron: encoding, decoding, errors, limits, close. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawKvClientTest {
    private static StoreFixture fixture;
    private static FakeStore store;
    private RawKvClient client;

    @BeforeAll
    static void startStore() {
        fixture = new StoreFixture();
        store = fixture.store();
    }

    @AfterAll
    static void stopStore() {
        CloseHelper.close(fixture);
    }

    @BeforeEach
    void connect() {
        store.reset();
        client = RawKvClient.connect(fixture.context());
    }

    @AfterEach
    void close() {
        CloseHelper.close(client);
        assertEquals(0, store.malformedFrames(), "the client sent frames the store's validator rejects");
    }

    @Test
    void shouldPutAndGet() {
        client.put(bytes("k1"), bytes("v1"));
        assertEquals("v1", text(client.get(bytes("k1"))));
        assertNull(client.get(bytes("absent")));
        assertEquals(0L, store.ttlOf("k1"));
        assertTrue(client.isConnected());
        for (final long[] region : store.regions()) {
            assertArrayEquals(new long[] {1, 1, 1}, region);
        }
    }

    @Test
    void shouldCarryBinaryKeysAndEmptyValues() {
        final byte[] key = {0, (byte)0xFF, 7, 0};
        client.put(key, new byte[0]);
        assertArrayEquals(new byte[0], client.get(key));
        final byte[] big = new byte[100_000];
        Arrays.fill(big, (byte)0xAB);
        client.put(bytes("big"), big);
        assertArrayEquals(big, client.get(bytes("big")));
    }

    @Test
    void shouldPutWithTtl() {
        client.put(bytes("t"), bytes("v"), 60);
        assertEquals(60L, store.ttlOf("t"));
        assertThrows(IllegalArgumentException.class, () -> client.put(bytes("t"), bytes("v"), -1));
    }

    @Test
    void shouldCarryTheConfiguredRegion() {
        try (RawKvClient other = RawKvClient.connect(fixture.context().region(7, 3, 9))) {
            other.put(bytes("r"), bytes("v"));
        }
        final long[] last = store.regions().get(store.regions().size() - 1);
        assertArrayEquals(new long[] {7, 3, 9}, last);
        assertTrue(store.clientNames().contains("test-client"));
    }

    @Test
    void shouldBatchGetFoundPairsInRequestOrder() {
        client.put(bytes("b"), bytes("2"));
        client.put(bytes("a"), bytes("1"));
        final List<KvPair> pairs = client.batchGet(List.of(bytes("b"), bytes("missing"), bytes("a")));
        assertEquals(List.of(KvPair.of("b", "2"), KvPair.of("a", "1")), pairs);
        assertEquals(List.of(), client.batchGet(List.of()));
        assertEquals(1, store.received(RawBatchGetDecoder.TEMPLATE_ID), "an empty batch is not sent");
    }

    @Test
    void shouldBatchPutWithTtl() {
        client.batchPut(List.of(KvPair.of("x", "1"), KvPair.of("y", "2")), 30);
        assertEquals("1", text(client.get(bytes("x"))));
        assertEquals("2", text(client.get(bytes("y"))));
        assertEquals(30L, store.ttlOf("y"));
        client.batchPut(List.of(KvPair.of("z", "3")));
        assertEquals(0L, store.ttlOf("z"));
    }

    @Test
    void shouldDeleteAndBatchDelete() {
        client.batchPut(List.of(KvPair.of("a", "1"), KvPair.of("b", "2"), KvPair.of("c", "3")));
        client.delete(bytes("a"));
        client.delete(bytes("never-there"));
        assertNull(client.get(bytes("a")));
        client.batchDelete(List.of(bytes("b"), bytes("c")));
        assertTrue(store.data().isEmpty());
    }

    @Test
    void shouldDeleteRangeHalfOpenAndToTheEnd() {
        putNumbered(10);
        client.deleteRange(bytes("k02"), bytes("k05"));
        assertEquals(List.of("k00", "k01", "k05", "k06", "k07", "k08", "k09"), keys(client.scan(null, null, 100)));
        client.deleteRange(bytes("k07"), null);
        assertEquals(List.of("k00", "k01", "k05", "k06"), keys(client.scan(null, null, 100)));
        client.deleteRange(null, new byte[0]);
        assertTrue(store.data().isEmpty());
    }

    @Test
    void shouldScanForwardReverseAndKeyOnly() {
        putNumbered(10);
        assertEquals(List.of("k03", "k04", "k05"), keys(client.scan(bytes("k03"), bytes("k08"), 3)));
        assertEquals(List.of("k07", "k06"), keys(client.scan(bytes("k03"), bytes("k08"), 2, true, false)));
        final List<KvPair> keyOnly = client.scan(bytes("k00"), null, 2, false, true);
        assertEquals(List.of("k00", "k01"), keys(keyOnly));
        assertEquals(0, keyOnly.get(0).valueLength());
        assertEquals("v05", text(client.scan(bytes("k05"), null, 1).get(0).value()));
        assertThrows(IllegalArgumentException.class, () -> client.scan(null, null, 0));
    }

    @Test
    void shouldContinueScanWhenTheStoreCutsTheReply() {
        putNumbered(20);
        store.scanPageSize(3);
        final int before = store.received(RawScanDecoder.TEMPLATE_ID);
        assertEquals(List.of("k02", "k03", "k04", "k05", "k06", "k07", "k08", "k09", "k10", "k11"),
            keys(client.scan(bytes("k02"), null, 10)));
        assertEquals(4, store.received(RawScanDecoder.TEMPLATE_ID) - before);

        assertEquals(List.of("k14", "k13", "k12", "k11", "k10", "k09", "k08"),
            keys(client.scan(bytes("k01"), bytes("k15"), 7, true, false)));
        assertEquals(List.of("k18", "k19"), keys(client.scan(bytes("k18"), null, 10)));
    }

    @Test
    void shouldPageScansAboveTheStoresScanLimit() {
        store.limits(4096, 1 << 20, 1000, 5);
        try (RawKvClient limited = RawKvClient.connect(fixture.context())) {
            putNumbered(20);
            store.scanLimits().clear();
            final List<KvPair> pairs = limited.scan(null, null, 12);
            assertEquals(12, pairs.size());
            assertEquals("k11", text(pairs.get(11).key()));
            assertEquals(List.of(5, 5, 2), store.scanLimits());
        }
    }

    @Test
    void shouldCompareAndSwap() {
        final CasResult created = client.compareAndSwap(bytes("c"), null, bytes("1"));
        assertTrue(created.swapped());
        assertNull(created.previousValue());

        final CasResult stale = client.compareAndSwap(bytes("c"), bytes("0"), bytes("2"));
        assertFalse(stale.swapped());
        assertEquals("1", text(stale.previousValue()));

        final CasResult notAbsent = client.compareAndSwap(bytes("c"), null, bytes("2"));
        assertFalse(notAbsent.swapped());

        final CasResult swapped = client.compareAndSwap(bytes("c"), bytes("1"), bytes("2"), 90);
        assertTrue(swapped.swapped());
        assertEquals("1", text(swapped.previousValue()));
        assertEquals("2", text(client.get(bytes("c"))));
        assertEquals(90L, store.ttlOf("c"));
    }

    @Test
    void shouldRunAsyncVariants() {
        CompletableFuture.allOf(
            client.putAsync(bytes("a"), bytes("1")),
            client.putAsync(bytes("b"), bytes("2"), 5),
            client.batchPutAsync(List.of(KvPair.of("c", "3"))),
            client.batchPutAsync(List.of(KvPair.of("d", "4")), 7)).join();
        assertEquals("1", text(client.getAsync(bytes("a")).join()));
        assertEquals(2, client.batchGetAsync(List.of(bytes("a"), bytes("b"))).join().size());
        assertEquals(4, client.scanAsync(null, null, 10).join().size());
        assertEquals(List.of("d", "c"), keys(client.scanAsync(null, null, 2, true, true).join()));
        assertTrue(client.compareAndSwapAsync(bytes("a"), bytes("1"), bytes("9")).join().swapped());
        assertTrue(client.compareAndSwapAsync(bytes("e"), null, bytes("5"), 3).join().swapped());
        client.deleteAsync(bytes("a")).join();
        client.batchDeleteAsync(List.of(bytes("b"))).join();
        client.deleteRangeAsync(bytes("c"), bytes("d")).join();
        assertEquals(List.of("d", "e"), keys(client.scan(null, null, 10)));
    }

    @ParameterizedTest
    @EnumSource(value = Status.class, names = {"EPOCH_NOT_MATCH", "REGION_NOT_FOUND", "KEY_NOT_IN_REGION"})
    void shouldResendAWriteRefusedForItsRegionUnderItsCorrelationId(final Status status) {
        store.failNextWithError(status);
        client.put(bytes("e"), bytes("v"));
        assertEquals("v", text(client.get(bytes("e"))));
        final List<Long> ids = store.requestIds();
        assertEquals(ids.get(0), ids.get(ids.size() - 2), "the put was resent under its first correlation id");
        assertEquals(1, store.applied());
    }

    @ParameterizedTest
    @EnumSource(value = Status.class, names = {"EPOCH_NOT_MATCH", "REGION_NOT_FOUND", "KEY_NOT_IN_REGION"})
    void shouldFailARegionRefusalWhenTheRegionIsPinned(final Status status) {
        try (RawKvClient pinned = RawKvClient.connect(fixture.context().region(1, 1, 1))) {
            store.failNextWithError(status);
            final TkvException ex = assertThrows(TkvException.class, () -> pinned.put(bytes("e"), bytes("v")));
            assertEquals(ErrorCode.valueOf(status.name()), ex.code());
            assertNull(pinned.get(bytes("e")), "a rejected put has no effect");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Status.class, names = {"MALFORMED", "TOO_LARGE", "INTERNAL_ERROR", "KEY_LOCKED",
        "WRITE_CONFLICT"})
    void shouldMapErrorResponsesToExceptions(final Status status) {
        store.failNextWithError(status);
        final TkvException ex = assertThrows(TkvException.class, () -> client.put(bytes("e"), bytes("v")));
        assertEquals(ErrorCode.valueOf(status.name()), ex.code());
        assertTrue(ex.getMessage().contains("fake store says " + status), ex.getMessage());
        assertNull(client.get(bytes("e")), "a rejected put has no effect");
    }

    @Test
    void shouldMapAStatusInTheResponseItself() {
        store.failNextWithStatus(Status.INTERNAL_ERROR);
        final TkvException get = assertThrows(TkvException.class, () -> client.get(bytes("k")));
        assertEquals(ErrorCode.INTERNAL_ERROR, get.code());
        store.failNextWithStatus(Status.SERVER_BUSY);
        final CompletionException async = assertThrows(CompletionException.class,
            () -> client.scanAsync(null, null, 5).join());
        assertEquals(ErrorCode.SERVER_BUSY, ((TkvException)async.getCause()).code());
        assertInstanceOf(TkvException.class, async.getCause());
    }

    @Test
    void shouldRejectOversizedRequestsWithoutSending() {
        store.limits(8, 16, 2, 100);
        try (RawKvClient limited = RawKvClient.connect(fixture.context())) {
            final int puts = store.received(RawPutDecoder.TEMPLATE_ID);
            assertEquals(ErrorCode.TOO_LARGE, assertThrows(TkvException.class,
                () -> limited.put(bytes("123456789"), bytes("v"))).code());
            assertEquals(ErrorCode.TOO_LARGE, assertThrows(TkvException.class,
                () -> limited.put(bytes("k"), new byte[17])).code());
            assertEquals(ErrorCode.TOO_LARGE, assertThrows(TkvException.class,
                () -> limited.batchGet(List.of(bytes("a"), bytes("b"), bytes("c")))).code());
            final CompletionException async = assertThrows(CompletionException.class,
                () -> limited.getAsync(new byte[9]).join());
            assertEquals(ErrorCode.TOO_LARGE, ((TkvException)async.getCause()).code());
            assertEquals(puts, store.received(RawPutDecoder.TEMPLATE_ID));
            limited.put(bytes("12345678"), new byte[16]);
        }
    }

    @Test
    void shouldTimeOutWhenTheStoreDoesNotAnswer() {
        try (RawKvClient impatient = RawKvClient.connect(fixture.context().requestTimeoutMs(300))) {
            store.dropRequests(true);
            final long start = System.nanoTime();
            final TkvTimeoutException sync = assertThrows(TkvTimeoutException.class,
                () -> impatient.get(bytes("k")));
            final long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ErrorCode.TIMEOUT, sync.code());
            assertTrue(tookMs >= 290 && tookMs < 5_000, "timed out after " + tookMs + " ms");
            final CompletionException async = assertThrows(CompletionException.class,
                () -> impatient.putAsync(bytes("k"), bytes("v")).join());
            assertInstanceOf(TkvTimeoutException.class, async.getCause());
            assertEquals(0, impatient.inFlightCount());
            store.dropRequests(false);
            assertNull(impatient.get(bytes("k")), "the dropped put never ran");
        }
    }

    @Test
    void shouldFailPendingRequestsOnClose() {
        store.dropRequests(true);
        final List<CompletableFuture<byte[]>> pending = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            pending.add(client.getAsync(bytes("k" + i)));
        }
        Await.until("store received the requests", () -> store.received(RawGetDecoder.TEMPLATE_ID) == 50, 5_000);
        client.close();
        for (final CompletableFuture<byte[]> future : pending) {
            final CompletionException ex = assertThrows(CompletionException.class, future::join);
            assertEquals(ErrorCode.CLOSED, ((TkvException)ex.getCause()).code());
        }
        assertEquals(ErrorCode.CLOSED, assertThrows(TkvException.class, () -> client.get(bytes("k"))).code());
        assertFalse(client.isConnected());
        client.close();
    }

    @Test
    void shouldSendDisconnectOnClose() {
        client.put(bytes("k"), bytes("v"));
        // This client's session, not a count: the previous test's client may say goodbye after the store's reset.
        final long token = store.lastSessionToken();
        client.close();
        Await.until("store saw this client's Disconnect", () -> store.sawDisconnect(token), 5_000);
    }

    @Test
    void shouldRefuseBlockingCallsOnThePollerThread() {
        client.put(bytes("k"), bytes("v"));
        // A callback runs on the poller only if the reply arrives after it is attached; when the reply wins the
        // race the callback runs here and the blocking call is fine. Try until one lands on the poller.
        boolean refusedOnPoller = false;
        for (int attempt = 0; attempt < 500 && !refusedOnPoller; attempt++) {
            final CompletableFuture<byte[]> nested =
                client.getAsync(bytes("k")).thenApply(v -> client.get(bytes("k")));
            try {
                nested.join();
            } catch (final CompletionException ex) {
                assertInstanceOf(IllegalStateException.class, ex.getCause());
                refusedOnPoller = true;
            }
        }
        assertTrue(refusedOnPoller, "no callback ever ran on the poller thread");
        final CompletableFuture<byte[]> chained = client.getAsync(bytes("k")).thenCompose(v -> client.getAsync(v));
        assertNull(chained.join());
    }

    @Test
    void shouldRejectNullArguments() {
        assertThrows(NullPointerException.class, () -> client.get(null));
        assertThrows(NullPointerException.class, () -> client.put(bytes("k"), null));
        assertThrows(NullPointerException.class, () -> client.batchGet(null));
        assertThrows(NullPointerException.class, () -> client.compareAndSwap(bytes("k"), null, null));
    }

    private void putNumbered(final int count) {
        final List<KvPair> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pairs.add(KvPair.of(String.format("k%02d", i), String.format("v%02d", i)));
        }
        client.batchPut(pairs);
    }

    private static List<String> keys(final List<KvPair> pairs) {
        final List<String> keys = new ArrayList<>();
        for (final KvPair pair : pairs) {
            keys.add(text(pair.key()));
        }
        return keys;
    }
}
