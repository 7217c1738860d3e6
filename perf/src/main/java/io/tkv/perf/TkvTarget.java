package io.tkv.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

import io.tkv.client.ClientConfig;
import io.tkv.client.KvPair;
import io.tkv.client.RawKvClient;
import io.tkv.server.config.IdleStrategies;

/**
 * tkv through its client library: one {@link RawKvClient} (its own embedded media driver and Aeron directory),
 * requests issued on the harness thread with the asynchronous API, completions recorded on the client's poller
 * thread ({@link AsyncTarget} runs the loops).
 */
public final class TkvTarget extends AsyncTarget {
    /** Keeps each preload batch far below the largest frame (an eighth of the 4 MiB default term). */
    private static final int PRELOAD_BATCH_BYTES = 128 * 1024;
    private static final int PRELOAD_MAX_BATCH = 256;
    private static final int PRELOAD_BATCHES_IN_FLIGHT = 8;
    /** Client-side window: the harness's own window is the real bound, this only has to stay above it. */
    private static final int CLIENT_MAX_IN_FLIGHT = 1 << 16;

    private final RawKvClient client;

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
    protected CompletableFuture<?> send(final OpKind kind, final byte[] key, final byte[] value, final int scanLimit) {
        switch (kind) {
            case PUT:
                return client.putAsync(key, value);
            case GET:
                return client.getAsync(key);
            case SCAN:
                return client.scanAsync(key, null, scanLimit);
            default:
                throw new IllegalStateException("unknown op " + kind);
        }
    }

    @Override
    protected String check(final OpKind kind, final Object result) {
        if (kind == OpKind.GET && result == null) {
            return "preloaded key not found";
        }
        if (kind == OpKind.SCAN && ((List<?>)result).isEmpty()) {
            return "scan of a preloaded key returned nothing";
        }
        return null;
    }

    @Override
    public void close() {
        client.close();
    }
}
