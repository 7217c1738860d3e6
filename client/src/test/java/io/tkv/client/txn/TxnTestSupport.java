package io.tkv.client.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link LocalTxnTransport} with three regions ({@code [,h)}, {@code [h,p)}, {@code [p,)}) on a fresh RocksDB,
 * and clients over it, all closed after each test.
 */
abstract class TxnTestSupport {
    @TempDir
    Path dataDir;

    LocalTxnTransport transport;
    private final List<TxnKvClient> clients = new ArrayList<>();

    @BeforeEach
    void openTransport() {
        transport = new LocalTxnTransport(dataDir, "h", "p");
    }

    @AfterEach
    void closeAll() {
        for (final TxnKvClient client : clients) {
            client.close();
        }
        transport.close();
    }

    /** @return a client with this config, closed after the test. */
    TxnKvClient client(final TxnConfig config) {
        final TxnKvClient client = new TxnKvClient(transport, config);
        clients.add(client);
        return client;
    }

    /** @return a config with short ttls and lock waits, as tests want them. */
    static TxnConfig fastConfig() {
        return new TxnConfig().lockTtlMs(3_000).heartbeatIntervalMs(1_000).lockWaitTimeoutMs(5_000)
            .requestTimeoutMs(5_000);
    }

    /** Commits key-value pairs in one transaction. */
    static long putCommitted(final TxnKvClient client, final String... keyValues) {
        try (Transaction txn = client.begin()) {
            for (int i = 0; i < keyValues.length; i += 2) {
                txn.put(b(keyValues[i]), b(keyValues[i + 1]));
            }
            return txn.commit();
        }
    }

    /** @return the key's value in a fresh transaction, or null. */
    static String read(final TxnKvClient client, final String key) {
        try (Transaction txn = client.begin()) {
            return s(txn.get(b(key)));
        }
    }

    /** @return the locks on the whole key space. */
    List<LockInfo> locks() {
        return transport.scanLock(b(""), null, transport.timestamp().join(), 0).join();
    }

    void assertNoLocks() {
        assertEquals(List.of(), locks(), "locks left");
    }

    /** Waits until the condition holds, polling; fails after the timeout. */
    static void await(final String what, final long timeoutMs, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(final byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
