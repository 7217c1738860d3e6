package io.tkv.client;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.tkv.client.StoreFixture.bytes;
import static io.tkv.client.StoreFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many threads and many requests in flight on one client: every reply reaches the request it answers. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrencyTest {
    private static StoreFixture fixture;

    @BeforeAll
    static void startStore() {
        fixture = new StoreFixture();
    }

    @AfterAll
    static void stopStore() {
        CloseHelper.close(fixture);
    }

    @BeforeEach
    void reset() {
        fixture.store().reset();
    }

    @Test
    void shouldMatchRepliesToRequestsAcrossManyThreads() throws Exception {
        final int threads = 8;
        final int perThread = 400;
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (RawKvClient client = RawKvClient.connect(fixture.context().maxInFlight(64))) {
            final CountDownLatch start = new CountDownLatch(1);
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                final Thread worker = new Thread(() -> {
                    try {
                        start.await();
                        runWorker(client, id, perThread);
                    } catch (final Throwable ex) {
                        failures.add(ex);
                    }
                }, "worker-" + t);
                workers.add(worker);
                worker.start();
            }
            start.countDown();
            for (final Thread worker : workers) {
                worker.join(TimeUnit.SECONDS.toMillis(100));
                assertTrue(!worker.isAlive(), worker.getName() + " finished");
            }
            assertTrue(failures.isEmpty(), () -> "failures: " + failures);
            assertEquals(threads * perThread, fixture.store().data().size());
            assertEquals(0, client.inFlightCount());
        }
        assertEquals(0, fixture.store().malformedFrames());
    }

    @Test
    void shouldKeepThousandsOfAsyncRequestsInFlightWithinMaxInFlight() {
        final int count = 5_000;
        try (RawKvClient client = RawKvClient.connect(fixture.context().maxInFlight(256))) {
            final List<CompletableFuture<Void>> puts = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                puts.add(client.putAsync(bytes("key-" + i), bytes("value-" + i)));
                assertTrue(client.inFlightCount() <= 256, "in flight " + client.inFlightCount());
            }
            CompletableFuture.allOf(puts.toArray(new CompletableFuture<?>[0])).join();
            final List<CompletableFuture<byte[]>> gets = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                gets.add(client.getAsync(bytes("key-" + i)));
            }
            for (int i = 0; i < count; i++) {
                assertEquals("value-" + i, text(gets.get(i).join()));
            }
        }
    }

    private static void runWorker(final RawKvClient client, final int id, final int count) {
        final List<CompletableFuture<byte[]>> reads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final String key = "t" + id + "-" + i;
            if (i % 2 == 0) {
                client.put(bytes(key), bytes("v" + key));
                final String read = text(client.get(bytes(key)));
                if (!("v" + key).equals(read)) {
                    throw new AssertionError(key + " read " + read);
                }
            } else {
                client.putAsync(bytes(key), bytes("v" + key)).join();
                reads.add(client.getAsync(bytes(key)));
            }
        }
        int r = 0;
        for (int i = 1; i < count; i += 2) {
            final String key = "t" + id + "-" + i;
            final String read = text(reads.get(r++).join());
            if (!("v" + key).equals(read)) {
                throw new AssertionError(key + " read " + read);
            }
        }
    }
}
