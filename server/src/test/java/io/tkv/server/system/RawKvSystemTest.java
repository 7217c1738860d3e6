package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.CasResult;
import io.tkv.client.ErrorCode;
import io.tkv.client.KvPair;
import io.tkv.client.RawKvClient;
import io.tkv.client.TkvException;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real tkv-server process and the real client library over Aeron UDP on loopback: every RawKV call, the
 * handshake, limits, and kill -9 with every acknowledged write intact after a restart.
 */
class RawKvSystemTest {
    private static final String SECRET = "system-test-secret";

    @TempDir
    Path dir;

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(final byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private Path secretFile() throws Exception {
        final Path file = dir.resolve("secret");
        Files.writeString(file, SECRET);
        return file;
    }

    private static RawKvClient client(final StoreProcess store, final String secret) {
        return RawKvClient.connect(new ClientConfig()
            .storeEndpoint(store.endpoint())
            .secret(secret)
            .clientName("system-test")
            .requestTimeoutMs(5_000)
            .connectTimeoutMs(20_000)
            .idleStrategySupplier(() -> new SleepingMillisIdleStrategy(1)));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void shouldServeEveryRawKvCallOverUdp() throws Exception {
        try (StoreProcess store = new StoreProcess(dir.resolve("data"), StoreProcess.freePort(),
            "--secret-file", secretFile().toString(), "--max-key-bytes", "64").start();
            RawKvClient client = client(store, SECRET)) {
            client.put(b("k1"), b("v1"));
            assertEquals("v1", s(client.get(b("k1"))));
            assertNull(client.get(b("missing")));
            client.delete(b("k1"));
            assertNull(client.get(b("k1")));

            final List<KvPair> pairs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                pairs.add(KvPair.of(String.format("row:%02d", i), "value-" + i));
            }
            client.batchPut(pairs);
            final List<KvPair> got = client.batchGet(List.of(b("row:03"), b("nope"), b("row:07")));
            assertEquals(List.of(KvPair.of("row:03", "value-3"), KvPair.of("row:07", "value-7")), got);

            final List<KvPair> forward = client.scan(b("row:05"), b("row:09"), 10);
            assertEquals(List.of("row:05", "row:06", "row:07", "row:08"), keys(forward));
            final List<KvPair> reverse = client.scan(b("row:"), b("row:~"), 3, true, false);
            assertEquals(List.of("row:19", "row:18", "row:17"), keys(reverse));
            final List<KvPair> keyOnly = client.scan(b("row:"), new byte[0], 2, false, true);
            assertEquals(List.of("row:00", "row:01"), keys(keyOnly));
            assertEquals(0, keyOnly.get(0).value().length);

            client.batchDelete(List.of(b("row:00"), b("row:01")));
            assertNull(client.get(b("row:00")));
            client.deleteRange(b("row:10"), b("row:15"));
            assertEquals(List.of("row:02", "row:03", "row:04", "row:05", "row:06", "row:07", "row:08", "row:09",
                "row:15", "row:16", "row:17", "row:18", "row:19"), keys(client.scan(b("row:"), b("row:~"), 100)));
            client.deleteRange(b("row:"), new byte[0]);
            assertTrue(client.scan(b("row:"), new byte[0], 100).isEmpty());

            final CasResult created = client.compareAndSwap(b("cas"), null, b("one"));
            assertTrue(created.swapped());
            assertNull(created.previousValue());
            final CasResult stale = client.compareAndSwap(b("cas"), b("zero"), b("two"));
            assertFalse(stale.swapped());
            assertEquals("one", s(stale.previousValue()));
            final CasResult swapped = client.compareAndSwap(b("cas"), b("one"), b("two"));
            assertTrue(swapped.swapped());
            assertEquals("two", s(client.get(b("cas"))));

            client.put(b("ttl"), b("soon gone"), 1);
            assertEquals("soon gone", s(client.get(b("ttl"))));
            final long deadline = System.currentTimeMillis() + 10_000;
            while (client.get(b("ttl")) != null && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertNull(client.get(b("ttl")), "value with a 1 s TTL still visible after 10 s");

            final TkvException tooLarge = assertThrows(TkvException.class,
                () -> client.put(b("k".repeat(65)), b("v")));
            assertEquals(ErrorCode.TOO_LARGE, tooLarge.code());
            assertNull(client.get(b("k".repeat(64))), "a refused put has no effect");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dedicated", "invoker"})
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void shouldServeInEveryThreadingMode(final String mode) throws Exception {
        try (StoreProcess store = new StoreProcess(dir.resolve("data"), StoreProcess.freePort(),
            "--secret-file", secretFile().toString(), "--threading", mode).start();
            RawKvClient client = client(store, SECRET)) {
            final List<KvPair> pairs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                pairs.add(KvPair.of(String.format("m:%03d", i), mode + i));
            }
            client.batchPut(pairs);
            assertEquals(mode + "42", s(client.get(b("m:042"))));
            assertEquals(100, client.scan(b("m:"), new byte[0], 1000).size());
            assertTrue(client.compareAndSwap(b("m:000"), b(mode + "0"), b("swapped")).swapped());
            assertTrue(store.stop(), store.output());
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void shouldRefuseAClientWithTheWrongSecret() throws Exception {
        try (StoreProcess store = new StoreProcess(dir.resolve("data"), StoreProcess.freePort(),
            "--secret-file", secretFile().toString()).start()) {
            final TkvException refused = assertThrows(TkvException.class, () -> client(store, "not-the-secret"));
            assertEquals(ErrorCode.UNAUTHENTICATED, refused.code());
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void shouldRecoverAckedWritesAfterKill9() throws Exception {
        final Path data = dir.resolve("data");
        final int port = StoreProcess.freePort();
        final Map<String, String> acked = new ConcurrentHashMap<>();
        final StoreProcess first = new StoreProcess(data, port, "--secret-file", secretFile().toString()).start();
        try (RawKvClient client = client(first, SECRET)) {
            final AtomicBoolean running = new AtomicBoolean(true);
            final List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                final int writer = w;
                final Thread thread = new Thread(() -> {
                    for (int i = 0; running.get(); i++) {
                        final String key = "w" + writer + ":" + i;
                        final String value = "value " + i + " of writer " + writer;
                        try {
                            client.put(b(key), b(value));
                            acked.put(key, value);
                        } catch (final TkvException ex) {
                            // unacknowledged: may or may not be there after the crash
                        }
                    }
                }, "writer-" + w);
                writers.add(thread);
                thread.start();
            }
            final long until = System.currentTimeMillis() + 30_000;
            while (acked.size() < 500 && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            first.kill();
            running.set(false);
            for (final Thread thread : writers) {
                thread.join(30_000);
            }
            assertTrue(acked.size() >= 500, "writes acknowledged before the kill: " + acked.size());

            try (StoreProcess second = new StoreProcess(data, port, "--secret-file", secretFile().toString())
                .start()) {
                // The same client reconnects by itself to the restarted store.
                final long deadline = System.currentTimeMillis() + 60_000;
                while (true) {
                    try {
                        client.put(b("after-restart"), b("yes"));
                        break;
                    } catch (final TkvException ex) {
                        if (System.currentTimeMillis() > deadline) {
                            throw ex;
                        }
                    }
                }
                int checked = 0;
                for (final Map.Entry<String, String> entry : acked.entrySet()) {
                    assertEquals(entry.getValue(), s(client.get(b(entry.getKey()))), "lost " + entry.getKey());
                    checked++;
                }
                assertEquals(acked.size(), checked);
                assertArrayEquals(b("yes"), client.get(b("after-restart")));
                assertTrue(second.stop(), second.output());
            }
        } finally {
            first.close();
        }
    }

    private static List<String> keys(final List<KvPair> pairs) {
        final List<String> keys = new ArrayList<>();
        for (final KvPair pair : pairs) {
            keys.add(s(pair.key()));
        }
        return keys;
    }
}
