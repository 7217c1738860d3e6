package io.tkv.server.system;

import io.aeron.Aeron;
import io.aeron.AeronCounters;
import io.tkv.client.ClientConfig;
import io.tkv.client.RawKvClient;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Handshakes cost a store nothing it cannot afford: a client writes to a real store (its default settings), quiet
 * first, then while an attacker without the secret floods the store's ingress with Connects (ever new egress
 * channels) and Authenticates with bad proofs as fast as the store takes them, from two images. Measured side by
 * side in one run, the client's write throughput under the flood stays at least half the quiet one; the store drops
 * the Connects over its handshake rate and refuses the bad proofs, and counts both; its pending handshakes and its
 * publications stay bounded. The attacker runs as a process of its own at the lowest CPU priority, as one on another
 * host would (see {@link HandshakeFlooder}), so that on a 2-core machine the test measures the store.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HandshakeFloodSystemTest {
    private static final String SECRET = "the handshake flood test's secret";
    private static final long WARM_UP_MS = 1_500;
    private static final long MEASURE_MS = 4_000;
    private static final int IN_FLIGHT = 8;
    private static final int FLOOD_THREADS = 2;
    /** The store's defaults (ServerConfig): the test runs the store as it ships. */
    private static final int MAX_PENDING_HANDSHAKES = 64;
    private static final int MAX_HANDSHAKES_PER_SECOND = 30;

    @TempDir
    Path dir;

    @Test
    void shouldKeepAClientsWriteThroughputWhileHandshakesFloodTheStore() throws Exception {
        final Path secret = Files.writeString(dir.resolve("secret"), SECRET);
        try (StoreProcess store = new StoreProcess(dir.resolve("data"), StoreProcess.freePort(),
            "--secret-file", secret.toString()).start();
             RawKvClient kv = RawKvClient.connect(new ClientConfig().storeEndpoint(store.endpoint()).secret(SECRET)
                 .clientName("writer").requestTimeoutMs(5_000).connectTimeoutMs(20_000))) {
            final Writer writer = new Writer(kv);
            final Thread writerThread = new Thread(writer, "writer");
            writerThread.start();
            try {
                TimeUnit.MILLISECONDS.sleep(WARM_UP_MS);
                final double quiet = writer.measure(MEASURE_MS);
                final double flooded;
                final long connectsSent;
                final long challengesAnswered;
                int maxPublications = 0;
                int maxPending = 0;
                try (Aeron observer = Aeron.connect(new Aeron.Context().aeronDirectoryName(store.aeronDir()));
                     HandshakeFlooder.Remote flooder = new HandshakeFlooder.Remote(store.endpoint(), FLOOD_THREADS)) {
                    flooder.awaitFlooding(30_000);
                    final long before = writer.completed();
                    final long start = System.nanoTime();
                    final long end = start + TimeUnit.MILLISECONDS.toNanos(MEASURE_MS);
                    while (System.nanoTime() < end) {
                        TimeUnit.MILLISECONDS.sleep(100);
                        maxPublications = Math.max(maxPublications, publications(observer.countersReader()));
                        maxPending = Math.max(maxPending, (int)counter(observer.countersReader(),
                            "tkv pending handshakes"));
                    }
                    flooded = (writer.completed() - before) * 1e9 / (System.nanoTime() - start);
                    final long[] totals = flooder.stop();
                    connectsSent = totals[0];
                    challengesAnswered = totals[2];
                }
                final Map<String, Long> counters = storeCounters(store.aeronDir());
                System.out.printf(Locale.ROOT, "HANDSHAKE_FLOOD quiet_ops_per_s=%.1f flooded_ops_per_s=%.1f "
                        + "ratio=%.2f connects_sent=%d challenges_answered=%d max_publications=%d max_pending=%d %s%n",
                    quiet, flooded, flooded / quiet, connectsSent, challengesAnswered, maxPublications, maxPending,
                    counters);

                assertEquals(0, writer.failures(), "writes failed during the flood");
                assertTrue(flooded >= quiet / 2, "the client's throughput under the flood (" + flooded
                    + " ops/s) fell below half the quiet one (" + quiet + " ops/s)");
                final long dropped = counters.getOrDefault("tkv handshakes dropped (over the rate)", -1L);
                final long refused = counters.getOrDefault("tkv handshakes refused (bad proof)", -1L);
                assertTrue(dropped > 0, "the store dropped what was over its rate: " + counters);
                assertTrue(refused > 0 && challengesAnswered > 0, "the store refused bad proofs: " + counters);
                assertTrue(maxPending <= MAX_PENDING_HANDSHAKES, "pending handshakes bounded: " + maxPending);
                // Pending handshakes, plus those closed that the driver has not freed yet (its timer runs once a
                // second: a closed publication goes within about 3 s), plus the writer's session.
                assertTrue(maxPublications <= MAX_PENDING_HANDSHAKES + 4 * MAX_HANDSHAKES_PER_SECOND + 1,
                    "the store's publications stayed bounded: " + maxPublications);
            } finally {
                writer.stop();
                writerThread.join(30_000);
            }
        }
    }

    /** @return the publications the store's driver holds (each has a publisher-limit counter). */
    private static int publications(final CountersReader reader) {
        final int[] count = {0};
        reader.forEach((counterId, typeId, keyBuffer, label) -> {
            if (typeId == AeronCounters.DRIVER_PUBLISHER_LIMIT_TYPE_ID) {
                count[0]++;
            }
        });
        return count[0];
    }

    private static long counter(final CountersReader reader, final String label) {
        final long[] value = {-1};
        reader.forEach((counterValue, counterId, counterLabel) -> {
            if (counterLabel.equals(label)) {
                value[0] = counterValue;
            }
        });
        return value[0];
    }

    private static Map<String, Long> storeCounters(final String aeronDir) {
        final Map<String, Long> counters = new HashMap<>();
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir))) {
            aeron.countersReader().forEach((value, counterId, label) -> {
                if (label.startsWith("tkv ")) {
                    counters.put(label, value);
                }
            });
        }
        return counters;
    }

    /** Puts with a few requests in flight, counting completions, until stopped. */
    private static final class Writer implements Runnable {
        private final RawKvClient kv;
        private final Semaphore slots = new Semaphore(IN_FLIGHT);
        private final AtomicLong completed = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private volatile boolean running = true;

        Writer(final RawKvClient kv) {
            this.kv = kv;
        }

        @Override
        public void run() {
            final byte[] value = new byte[256];
            long n = 0;
            try {
                while (running) {
                    if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    final byte[] key = ("key-" + n++ % 1024).getBytes(StandardCharsets.UTF_8);
                    kv.putAsync(key, value).whenComplete((ok, error) -> {
                        if (error == null) {
                            completed.incrementAndGet();
                        } else {
                            failures.incrementAndGet();
                        }
                        slots.release();
                    });
                }
                slots.tryAcquire(IN_FLIGHT, 10, TimeUnit.SECONDS);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }

        /** @return writes completed per second over the next {@code ms}. */
        double measure(final long ms) throws InterruptedException {
            final long before = completed.get();
            final long start = System.nanoTime();
            TimeUnit.MILLISECONDS.sleep(ms);
            return (completed.get() - before) * 1e9 / (System.nanoTime() - start);
        }

        long completed() {
            return completed.get();
        }

        long failures() {
            return failures.get();
        }

        void stop() {
            running = false;
        }
    }
}
