package io.tkv.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.tkv.client.ClientConfig;
import io.tkv.client.KvPair;
import io.tkv.client.RawKvClient;
import io.tkv.server.config.IdleStrategies;

/**
 * tkv through its client library: one {@link RawKvClient} (its own embedded media driver and Aeron directory),
 * requests issued on the harness thread with the asynchronous API, completions recorded on the client's poller
 * thread. A semaphore of {@code in-flight} permits bounds the requests outstanding; the issuing thread parks on
 * it, it never spins.
 */
public final class TkvTarget extends LoadTarget {
    /** Keeps each preload batch far below the largest frame (an eighth of the 4 MiB default term). */
    private static final int PRELOAD_BATCH_BYTES = 128 * 1024;
    private static final int PRELOAD_MAX_BATCH = 256;
    private static final int PRELOAD_BATCHES_IN_FLIGHT = 8;
    /** Client-side window: the harness's own window is the real bound, this only has to stay above it. */
    private static final int CLIENT_MAX_IN_FLIGHT = 1 << 16;

    private final RawKvClient client;
    private final AtomicBoolean errorLogged = new AtomicBoolean();
    private long sequence;

    private TkvTarget(final RawKvClient client) {
        super("tkv");
        this.client = client;
    }

    /**
     * @param endpoint         {@code host:port} of the store, or a comma-separated list of a cluster's stores (the
     *                         client finds and follows the leader).
     * @param secret           the store's shared secret.
     * @param requestTimeoutMs how long one request may take before it fails.
     * @param idleStrategy     the client poller's idle strategy (names as in the store's config), null for the
     *                         client's default.
     * @param aeronDir         a running media driver's directory to use, or null for the client's own embedded
     *                         driver.
     * @return a connected target.
     */
    public static TkvTarget connect(
        final String endpoint, final String secret, final long requestTimeoutMs, final String idleStrategy,
        final String aeronDir) {
        final ClientConfig context = new ClientConfig()
            .storeEndpoints(List.of(endpoint.split(",")))
            .secret(secret)
            .clientName("tkv-perf-" + ProcessHandle.current().pid())
            .requestTimeoutMs(requestTimeoutMs)
            .maxInFlight(CLIENT_MAX_IN_FLIGHT);
        if (aeronDir != null) {
            context.aeronDirectoryName(aeronDir);
        }
        if (idleStrategy != null) {
            IdleStrategies.parse(idleStrategy);
            context.idleStrategySupplier(() -> IdleStrategies.parse(idleStrategy));
        }
        return new TkvTarget(RawKvClient.connect(context));
    }

    @Override
    public void preload(final KeySpace keys, final byte[] value) {
        final int batchSize = (int)Math.max(1, Math.min(PRELOAD_MAX_BATCH,
            PRELOAD_BATCH_BYTES / (keys.keySize() + value.length + 16L)));
        final Semaphore window = new Semaphore(PRELOAD_BATCHES_IN_FLIGHT);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        long index = 0;
        while (index < keys.keys() && failure.get() == null) {
            final long end = Math.min(keys.keys(), index + batchSize);
            final List<KvPair> pairs = new ArrayList<>((int)(end - index));
            for (; index < end; index++) {
                pairs.add(new KvPair(keys.encode(index, keys.newKeyBuffer()), value));
            }
            window.acquireUninterruptibly();
            client.batchPutAsync(pairs).whenComplete((ignored, ex) -> {
                if (ex != null) {
                    failure.compareAndSet(null, ex);
                }
                window.release();
            });
        }
        window.acquireUninterruptibly(PRELOAD_BATCHES_IN_FLIGHT);
        if (failure.get() != null) {
            throw new IllegalStateException("preloading tkv failed: " + failure.get(), failure.get());
        }
    }

    @Override
    protected void runClosedLoop(
        final RunPlan plan, final KeySpace keys, final byte[] value, final OperationSource ops,
        final LatencyRecorder recorder, final Phases phases) {
        final int inFlight = plan.description().inFlight();
        final Semaphore window = new Semaphore(inFlight);
        long nowNs = System.nanoTime();
        while (phases.onTime(nowNs, recorder)) {
            window.acquireUninterruptibly();
            final OpKind kind = ops.nextKind();
            final byte[] key = keys.encode(ops.nextKeyIndex(), keys.newKeyBuffer());
            final long sendNs = System.nanoTime();
            issue(kind, key, value, plan.scanLimit(), sendNs, recorder, window);
            nowNs = System.nanoTime();
        }
        recorder.stopMeasuring(nowNs);
        drain(window, inFlight);
    }

    @Override
    protected void runOpenLoop(
        final RunPlan plan, final KeySpace keys, final byte[] value, final OperationSource ops,
        final LatencyRecorder recorder, final Phases phases, final OpenLoopSchedule schedule) {
        final int maxInFlight = plan.description().inFlight();
        final Semaphore window = new Semaphore(maxInFlight);
        long next = 0;
        long nowNs = System.nanoTime();
        while (true) {
            final long intendedNs = schedule.intendedSendNs(next);
            if (intendedNs >= phases.endNs()) {
                break;
            }
            sleepUntil(intendedNs);
            nowNs = System.nanoTime();
            if (!phases.onTime(nowNs, recorder)) {
                break;
            }
            // A full window delays the send, not the clock: the wait is charged to this request's latency.
            window.acquireUninterruptibly();
            final OpKind kind = ops.nextKind();
            final byte[] key = keys.encode(ops.nextKeyIndex(), keys.newKeyBuffer());
            recorder.recordSendLag(System.nanoTime() - intendedNs);
            issue(kind, key, value, plan.scanLimit(), intendedNs, recorder, window);
            next++;
        }
        recorder.stopMeasuring(Math.max(nowNs, System.nanoTime()));
        drain(window, maxInFlight);
    }

    /**
     * Sends one request; its completion records the latency from {@code startNs} and returns the permit.
     */
    private void issue(
        final OpKind kind, final byte[] key, final byte[] value, final int scanLimit, final long startNs,
        final LatencyRecorder recorder, final Semaphore window) {
        final CompletableFuture<?> future;
        try {
            switch (kind) {
                case PUT:
                    future = client.putAsync(key, stamped(value));
                    break;
                case GET:
                    future = client.getAsync(key);
                    break;
                case SCAN:
                    future = client.scanAsync(key, null, scanLimit);
                    break;
                default:
                    throw new IllegalStateException("unknown op " + kind);
            }
        } catch (final RuntimeException ex) {
            onError(kind, ex, recorder);
            window.release();
            return;
        }
        future.whenComplete((result, ex) -> {
            final long doneNs = System.nanoTime();
            if (ex != null) {
                onError(kind, ex, recorder);
            } else if (kind == OpKind.GET && result == null) {
                onError(kind, new IllegalStateException("preloaded key not found"), recorder);
            } else if (kind == OpKind.SCAN && ((List<?>)result).isEmpty()) {
                onError(kind, new IllegalStateException("scan of a preloaded key returned nothing"), recorder);
            } else {
                recorder.record(doneNs - startNs);
            }
            window.release();
        });
    }

    private byte[] stamped(final byte[] value) {
        final byte[] copy = value.clone();
        // Different bytes on each write, as the baseline does.
        long stamp = ++sequence;
        for (int i = 0; i < Math.min(Long.BYTES, copy.length); i++) {
            copy[i] = (byte)stamp;
            stamp >>>= 8;
        }
        return copy;
    }

    private void onError(final OpKind kind, final Throwable ex, final LatencyRecorder recorder) {
        recorder.recordError();
        if (errorLogged.compareAndSet(false, true)) {
            System.err.println("tkv: first failed " + kind.name().toLowerCase(java.util.Locale.ROOT) + ": " + ex);
        }
    }

    private static void drain(final Semaphore window, final int permits) {
        try {
            if (!window.tryAcquire(permits, DRAIN_TIMEOUT_NS, TimeUnit.NANOSECONDS)) {
                System.err.println("tkv: requests still outstanding " + TimeUnit.NANOSECONDS.toSeconds(DRAIN_TIMEOUT_NS)
                    + " s after the run");
            }
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
