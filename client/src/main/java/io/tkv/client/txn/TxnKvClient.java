package io.tkv.client.txn;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The transactional client, as TiKV's {@code txnkv.Client}: begins {@link Transaction}s over a {@link TxnTransport}
 * and owns what they share: the {@link LockResolver} with its cache of outcomes, the timer thread that sends
 * heartbeats, and the background commits of secondaries, which {@link #close()} waits for.
 *
 * <pre>{@code
 * try (Transaction txn = client.begin()) {
 *     txn.put(key, value);
 *     txn.commit();
 * }
 * }</pre>
 * Thread-safe; each transaction is used by one thread at a time.
 */
public final class TxnKvClient implements AutoCloseable {
    private final TxnTransport transport;
    private final TxnConfig config;
    private final LockResolver lockResolver;
    private final ScheduledThreadPoolExecutor timer;
    private final Set<CompletableFuture<?>> background = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param transport the store requests.
     * @param config    the knobs; checked here.
     */
    public TxnKvClient(final TxnTransport transport, final TxnConfig config) {
        this.transport = transport;
        this.config = config.conclude();
        this.lockResolver = new LockResolver(transport, config);
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            final Thread thread = new Thread(runnable, "tkv-txn-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** @return an optimistic transaction. */
    public Transaction begin() {
        return begin(TxnMode.OPTIMISTIC);
    }

    /** @return a transaction in this mode, at a start ts from the TSO. */
    public Transaction begin(final TxnMode mode) {
        if (closed) {
            throw new IllegalStateException("client closed");
        }
        return new Transaction(this, mode, timestamp());
    }

    /** @return read-only snapshot reads at {@code ts}. */
    public TxnSnapshot snapshot(final long ts) {
        return new TxnSnapshot(transport, lockResolver, config, ts);
    }

    /** @return a fresh ts from the TSO. */
    public long timestamp() {
        return Rpc.await(transport.timestamp(), config.requestTimeoutMs());
    }

    /** @return the lock resolver. */
    public LockResolver lockResolver() {
        return lockResolver;
    }

    /** @return the configuration. */
    public TxnConfig config() {
        return config;
    }

    TxnTransport transport() {
        return transport;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /** Keeps a background request until it completes, for {@link #close()} and {@link #awaitBackground}. */
    void track(final CompletableFuture<?> request) {
        background.add(request);
        request.whenComplete((ignored, failure) -> background.remove(request));
    }

    /**
     * Waits for the background commits sent so far (their failures are ignored: resolvers finish them).
     *
     * @return whether they all completed in time.
     */
    public boolean awaitBackground(final long timeoutMs) {
        final CompletableFuture<?>[] pending = background.toArray(new CompletableFuture<?>[0]);
        try {
            CompletableFuture.allOf(pending).get(timeoutMs, TimeUnit.MILLISECONDS);
            return true;
        } catch (final ExecutionException ex) {
            return true;
        } catch (final TimeoutException ex) {
            return false;
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits for the background commits, then stops the timer thread. */
    @Override
    public void close() {
        closed = true;
        awaitBackground(config.requestTimeoutMs());
        timer.shutdownNow();
        try {
            timer.awaitTermination(config.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
