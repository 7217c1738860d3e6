package io.tkv.perf;

import io.tkv.client.ClientConfig;
import io.tkv.client.PdClient;
import io.tkv.server.config.ServerConfig;
import io.tkv.server.pd.PdNode;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * TSO latency and throughput: one {@link PdClient} against a PD member started in this process (its own data dir,
 * Aeron dir and UDP port on 127.0.0.1), first with 1 caller, then with 64 concurrent callers sharing the client
 * (whose {@code Tso} requests carry every caller waiting at that moment), then with 64 requests kept in flight by
 * callbacks on one thread. Each call is timed from before
 * {@code getTimestamp()} to its return (closed loop: a caller asks again as soon as it has its answer). Result lines:
 * {@code TSO callers=N ops_per_s=... p50_us=... p99_us=... p999_us=... tso_requests=...}.
 *
 * <pre>
 *   perf/bin/bench-tso                         # 5 s per phase, yield idle strategies (the low-latency profile)
 *   perf/bin/bench-tso --seconds 10 --idle backoff
 * </pre>
 */
public final class TsoBench {
    private TsoBench() {
    }

    /**
     * Entry point.
     *
     * @param args {@code --seconds N} per phase (default 5), {@code --idle yield|backoff} (default yield).
     */
    public static void main(final String[] args) throws Exception {
        long seconds = 5;
        String idle = "yield";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Long.parseLong(args[i + 1]);
                case "--idle" -> idle = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                    + " (--seconds N, --idle yield|backoff)");
            }
        }
        if (!idle.equals("yield") && !idle.equals("backoff")) {
            throw new IllegalArgumentException("--idle yield or backoff, not " + idle);
        }
        final Path dataDir = Files.createTempDirectory("tkv-perf-pd-");
        final Path aeronDir = EmbeddedStore.aeronDirFor("pd");
        final String endpoint = "127.0.0.1:" + EmbeddedStore.freeUdpPort();
        final boolean yield = idle.equals("yield");
        try (PdNode pd = PdNode.start(new ServerConfig().listenEndpoint(endpoint).dataDir(dataDir)
            .aeronDir(aeronDir.toString()).idleStrategy(idle).driverIdleStrategy(idle));
            PdClient client = PdClient.connect(new ClientConfig().storeEndpoint(endpoint).clientName("tso-bench")
                .idleStrategySupplier(() -> yield ? new YieldingIdleStrategy()
                    : new BackoffIdleStrategy(10, 20, 1_000, 1_000_000)))) {
            System.out.println("PD member at " + endpoint + " (in this process), idle " + idle + ", " + seconds
                + " s per phase, after 2 s of warm-up");
            run(client, 1, 2);
            for (final int callers : new int[] {1, 64}) {
                final long requestsBefore = client.tsoBatches();
                final Result result = run(client, callers, seconds);
                final Histogram h = result.histogram;
                System.out.printf("TSO callers=%d ops_per_s=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f "
                        + "tso_requests=%d timestamps=%d%n", callers, h.getTotalCount() / (double)seconds,
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                    h.getValueAtPercentile(99.9) / 1000.0, client.tsoBatches() - requestsBefore, h.getTotalCount());
            }
            final long requestsBefore = client.tsoBatches();
            final Histogram h = runAsync(client, 64, seconds);
            System.out.printf("TSO in_flight=64 (one thread, async) ops_per_s=%.0f p50_us=%.1f p99_us=%.1f "
                    + "p999_us=%.1f tso_requests=%d timestamps=%d%n", h.getTotalCount() / (double)seconds,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, client.tsoBatches() - requestsBefore, h.getTotalCount());
        } finally {
            TempDirs.deleteRecursively(dataDir);
            TempDirs.deleteRecursively(aeronDir);
        }
    }

    private record Result(Histogram histogram) {
    }

    /**
     * {@code inFlight} requests outstanding at all times without a thread each: every answer (on the client's poller
     * thread) is recorded and asks again. This is 64 concurrent requests as PD sees them, without the cost of waking
     * 64 threads on a 2-core machine, which dominates the threaded phase.
     */
    private static Histogram runAsync(final PdClient client, final int inFlight, final long seconds)
        throws InterruptedException {
        final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final CountDownLatch done = new CountDownLatch(inFlight);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < inFlight; i++) {
            ask(client, histogram, endNs, done, failure);
        }
        if (!done.await(seconds + 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("async TSO phase did not finish");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("async TSO request failed", failure.get());
        }
        return histogram;
    }

    private static void ask(final PdClient client, final Histogram histogram, final long endNs,
        final CountDownLatch done, final AtomicReference<Throwable> failure) {
        final long start = System.nanoTime();
        client.getTimestampAsync().whenComplete((ts, error) -> {
            final long now = System.nanoTime();
            synchronized (histogram) {
                histogram.recordValue(Math.min(now - start, histogram.getHighestTrackableValue()));
            }
            if (error != null) {
                failure.compareAndSet(null, error);
                done.countDown();
            } else if (now < endNs) {
                ask(client, histogram, endNs, done, failure);
            } else {
                done.countDown();
            }
        });
    }

    private static Result run(final PdClient client, final int callers, final long seconds)
        throws InterruptedException {
        final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        final List<Histogram> histograms = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            histograms.add(histogram);
            final Thread thread = new Thread(() -> {
                long last = 0;
                while (System.nanoTime() < endNs) {
                    final long start = System.nanoTime();
                    final long ts = client.getTimestamp();
                    histogram.recordValue(Math.min(System.nanoTime() - start, histogram.getHighestTrackableValue()));
                    if (ts <= last) {
                        throw new IllegalStateException("timestamp " + ts + " after " + last);
                    }
                    last = ts;
                }
            }, "tso-bench-" + i);
            thread.start();
            threads.add(thread);
        }
        final Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (int i = 0; i < callers; i++) {
            threads.get(i).join();
            all.add(histograms.get(i));
        }
        return new Result(all);
    }

}
