package io.tkv.client;

import io.aeron.ChannelUri;
import io.tkv.codec.RawBatchDeleteResponseDecoder;
import io.tkv.codec.RawBatchGetResponseDecoder;
import io.tkv.codec.RawBatchPutResponseDecoder;
import io.tkv.codec.RawCompareAndSwapResponseDecoder;
import io.tkv.codec.RawDeleteRangeResponseDecoder;
import io.tkv.codec.RawDeleteResponseDecoder;
import io.tkv.codec.RawGetResponseDecoder;
import io.tkv.codec.RawPutResponseDecoder;
import io.tkv.codec.RawScanResponseDecoder;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * A RawKV client for one tkv store: get, put, delete, scan and compare-and-swap on raw byte keys, each as a
 * blocking call and as an asynchronous one returning a {@link CompletableFuture}.
 *
 * <p>One client holds one authenticated session over Aeron (ingress publication to the store, egress subscription
 * for its replies) and any number of requests in flight on it, matched to replies by correlation id. It is safe to
 * use from many threads. A caller encodes and offers its request on its own thread; one poller thread reads the
 * replies, completes the futures, times requests out and keeps the session alive: it re-handshakes after the
 * store restarts and resends, once, a request the store answered with UNAUTHENTICATED (which guarantees the
 * request had no effect). Requests issued while the session is being (re)established wait for it, within their
 * timeout.
 *
 * <p>Futures complete on the poller thread: dependent stages should be quick, or use the {@code *Async}
 * variants of {@link CompletableFuture} with an executor. The blocking methods must not be called from such a
 * stage (they throw {@link IllegalStateException}), since the poller would wait for itself.
 *
 * <p>Failures surface as {@link TkvException} (with an {@link ErrorCode}) or {@link TkvTimeoutException}: thrown by
 * the blocking methods, completing the futures exceptionally for the asynchronous ones. Null arguments and
 * nonsensical ones (negative ttl, non-positive scan limit) throw {@link NullPointerException} or
 * {@link IllegalArgumentException} at once.
 *
 * <pre>{@code
 * try (RawKvClient client = RawKvClient.connect(new RawKvClient.Context()
 *     .storeEndpoint("127.0.0.1:20160").secret("s3cret"))) {
 *     client.put(key, value);
 *     byte[] read = client.get(key);
 * }
 * }</pre>
 */
public final class RawKvClient implements AutoCloseable {
    /** How much longer than the request timeout a blocking call waits before giving up on the poller. */
    private static final long SYNC_GRACE_MS = 1_000;
    private static final byte[] EMPTY = new byte[0];

    private final Context ctx;
    private final ClientTransport transport;
    private final SessionState session = new SessionState();
    private final InFlightRequests inFlight;
    private final IngressPublisher publisher;
    private final SessionAgent agent;
    private final AgentRunner runner;
    private final RegionEpoch region;
    private final AtomicLong correlationIds = new AtomicLong(ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL);
    private final long requestTimeoutNs;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RawKvClient(final Context ctx) {
        this.ctx = ctx;
        this.requestTimeoutNs = TimeUnit.MILLISECONDS.toNanos(ctx.requestTimeoutMs());
        this.region = new RegionEpoch(ctx.regionId(), ctx.regionConfVer(), ctx.regionVersion());
        this.inFlight = new InFlightRequests(ctx.maxInFlight());
        final long connectDeadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ctx.connectTimeoutMs());
        this.transport = ClientTransport.open(ctx, connectDeadlineNs);
        this.publisher = new IngressPublisher(transport.ingress(), session, inFlight, ctx.requestTimeoutMs());
        this.agent = new SessionAgent(transport.aeronInvoker(), transport.driverInvoker(), transport.egress(),
            publisher, inFlight, session,
            new HmacProof(ctx.secret()), correlationIds, transport.resolvedEgressChannel(), ctx.egressStreamId(),
            ctx.clientName(), ctx.handshakeRetryIntervalMs(), ctx.requestTimeoutMs(), new SystemNanoClock());
        transport.imageLossListener(agent::onUnavailableImage);
        this.runner = new AgentRunner(ctx.idleStrategySupplier().get(), ctx.errorHandler(), null, agent);
        AgentRunner.startOnThread(runner, runnable -> {
            final Thread thread = new Thread(runnable, "tkv-client-poller-" + ctx.clientName());
            thread.setDaemon(true);
            publisher.pollerThread(thread);
            return thread;
        });
        awaitFirstSession(connectDeadlineNs);
    }

    /**
     * Connects to a store and opens an authenticated session; returns once the session is open.
     *
     * @param ctx the configuration; concluded here, and owned by the client from then on.
     * @return the connected client.
     * @throws TkvTimeoutException if no session within {@link Context#connectTimeoutMs()}.
     * @throws TkvException        with {@link ErrorCode#UNAUTHENTICATED} if the store refused the secret.
     */
    public static RawKvClient connect(final Context ctx) {
        ctx.conclude();
        return new RawKvClient(ctx);
    }

    /**
     * Connects with the default configuration (a store at 127.0.0.1:20160, empty secret, embedded media driver).
     *
     * @return the connected client.
     */
    public static RawKvClient connect() {
        return connect(new Context());
    }

    /** @return the configuration this client runs with. */
    public Context context() {
        return ctx;
    }

    /** @return whether a session with the store is open right now (false while reconnecting). */
    public boolean isConnected() {
        return session.isActive();
    }

    /** @return how many requests are in flight (sent or waiting to be sent, not yet completed). */
    public int inFlightCount() {
        return inFlight.size();
    }

    /** @return how many times the session was re-established after the first handshake. */
    public long reconnectCount() {
        return agent.reconnects();
    }

    // ---------------------------------------------------------------------------------------------- get

    /**
     * @param key the key.
     * @return the value, or null if the key is absent.
     */
    public byte[] get(final byte[] key) {
        return await(getAsync(key));
    }

    /**
     * @param key the key.
     * @return the value, or null if the key is absent.
     */
    public CompletableFuture<byte[]> getAsync(final byte[] key) {
        Objects.requireNonNull(key, "key");
        final TkvException tooLarge = session.limits().checkKey(key);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        return submit("get", RawGetResponseDecoder.TEMPLATE_ID, id -> IngressEncoder.current().get(id, region, key));
    }

    /**
     * @param keys the keys, at most the store's batch size.
     * @return the pairs found, in request order; absent keys are left out.
     */
    public List<KvPair> batchGet(final List<byte[]> keys) {
        return await(batchGetAsync(keys));
    }

    /**
     * @param keys the keys, at most the store's batch size.
     * @return the pairs found, in request order; absent keys are left out.
     */
    public CompletableFuture<List<KvPair>> batchGetAsync(final List<byte[]> keys) {
        final TkvException invalid = checkKeys(keys);
        if (invalid != null) {
            return CompletableFuture.failedFuture(invalid);
        }
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(Collections.emptyList());
        }
        return submit("batchGet", RawBatchGetResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().batchGet(id, region, keys));
    }

    // ---------------------------------------------------------------------------------------------- put

    /**
     * Writes a value that does not expire.
     *
     * @param key   the key.
     * @param value the value.
     */
    public void put(final byte[] key, final byte[] value) {
        await(putAsync(key, value, 0));
    }

    /**
     * @param key        the key.
     * @param value      the value.
     * @param ttlSeconds after how long the value expires; 0 for never.
     */
    public void put(final byte[] key, final byte[] value, final long ttlSeconds) {
        await(putAsync(key, value, ttlSeconds));
    }

    /**
     * Writes a value that does not expire.
     *
     * @param key   the key.
     * @param value the value.
     * @return completes when the store has applied the write.
     */
    public CompletableFuture<Void> putAsync(final byte[] key, final byte[] value) {
        return putAsync(key, value, 0);
    }

    /**
     * @param key        the key.
     * @param value      the value.
     * @param ttlSeconds after how long the value expires; 0 for never.
     * @return completes when the store has applied the write.
     */
    public CompletableFuture<Void> putAsync(final byte[] key, final byte[] value, final long ttlSeconds) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        checkTtl(ttlSeconds);
        final SessionLimits limits = session.limits();
        TkvException tooLarge = limits.checkKey(key);
        tooLarge = tooLarge != null ? tooLarge : limits.checkValue(value);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        return submit("put", RawPutResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().put(id, region, key, value, ttlSeconds));
    }

    /**
     * Writes all pairs atomically; they do not expire.
     *
     * @param pairs the pairs, at most the store's batch size.
     */
    public void batchPut(final List<KvPair> pairs) {
        await(batchPutAsync(pairs, 0));
    }

    /**
     * Writes all pairs atomically, with one ttl.
     *
     * @param pairs      the pairs, at most the store's batch size.
     * @param ttlSeconds after how long the values expire; 0 for never.
     */
    public void batchPut(final List<KvPair> pairs, final long ttlSeconds) {
        await(batchPutAsync(pairs, ttlSeconds));
    }

    /**
     * Writes all pairs atomically; they do not expire.
     *
     * @param pairs the pairs, at most the store's batch size.
     * @return completes when the store has applied the batch.
     */
    public CompletableFuture<Void> batchPutAsync(final List<KvPair> pairs) {
        return batchPutAsync(pairs, 0);
    }

    /**
     * Writes all pairs atomically, with one ttl.
     *
     * @param pairs      the pairs, at most the store's batch size.
     * @param ttlSeconds after how long the values expire; 0 for never.
     * @return completes when the store has applied the batch.
     */
    public CompletableFuture<Void> batchPutAsync(final List<KvPair> pairs, final long ttlSeconds) {
        Objects.requireNonNull(pairs, "pairs");
        checkTtl(ttlSeconds);
        final SessionLimits limits = session.limits();
        TkvException invalid = limits.checkBatch(pairs.size());
        for (int i = 0; i < pairs.size() && invalid == null; i++) {
            final KvPair pair = Objects.requireNonNull(pairs.get(i), "pair");
            invalid = limits.checkKey(pair.keyRef());
            invalid = invalid != null ? invalid : limits.checkValue(pair.valueRef());
        }
        if (invalid != null) {
            return CompletableFuture.failedFuture(invalid);
        }
        if (pairs.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return submit("batchPut", RawBatchPutResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().batchPut(id, region, pairs, ttlSeconds));
    }

    // ---------------------------------------------------------------------------------------------- delete

    /** @param key the key to delete; deleting an absent key succeeds. */
    public void delete(final byte[] key) {
        await(deleteAsync(key));
    }

    /**
     * @param key the key to delete; deleting an absent key succeeds.
     * @return completes when the store has applied the delete.
     */
    public CompletableFuture<Void> deleteAsync(final byte[] key) {
        Objects.requireNonNull(key, "key");
        final TkvException tooLarge = session.limits().checkKey(key);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        return submit("delete", RawDeleteResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().delete(id, region, key));
    }

    /** @param keys the keys to delete atomically, at most the store's batch size. */
    public void batchDelete(final List<byte[]> keys) {
        await(batchDeleteAsync(keys));
    }

    /**
     * @param keys the keys to delete atomically, at most the store's batch size.
     * @return completes when the store has applied the deletes.
     */
    public CompletableFuture<Void> batchDeleteAsync(final List<byte[]> keys) {
        final TkvException invalid = checkKeys(keys);
        if (invalid != null) {
            return CompletableFuture.failedFuture(invalid);
        }
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return submit("batchDelete", RawBatchDeleteResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().batchDelete(id, region, keys));
    }

    /**
     * Deletes every key in {@code [startKey, endKey)}.
     *
     * @param startKey first key deleted; null or empty for the beginning.
     * @param endKey   first key kept; null or empty for no end.
     */
    public void deleteRange(final byte[] startKey, final byte[] endKey) {
        await(deleteRangeAsync(startKey, endKey));
    }

    /**
     * Deletes every key in {@code [startKey, endKey)}.
     *
     * @param startKey first key deleted; null or empty for the beginning.
     * @param endKey   first key kept; null or empty for no end.
     * @return completes when the store has applied the delete.
     */
    public CompletableFuture<Void> deleteRangeAsync(final byte[] startKey, final byte[] endKey) {
        final byte[] start = startKey == null ? EMPTY : startKey;
        final byte[] end = endKey == null ? EMPTY : endKey;
        final SessionLimits limits = session.limits();
        TkvException tooLarge = limits.checkKey(start);
        tooLarge = tooLarge != null ? tooLarge : limits.checkKey(end);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        return submit("deleteRange", RawDeleteRangeResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().deleteRange(id, region, start, end));
    }

    // ---------------------------------------------------------------------------------------------- scan

    /**
     * Reads pairs in {@code [startKey, endKey)} in ascending key order.
     *
     * @param startKey first key; null or empty for the beginning.
     * @param endKey   end, exclusive; null or empty for no end.
     * @param limit    the most pairs returned, positive.
     * @return up to {@code limit} pairs.
     */
    public List<KvPair> scan(final byte[] startKey, final byte[] endKey, final int limit) {
        return await(scanAsync(startKey, endKey, limit, false, false));
    }

    /**
     * Reads pairs in {@code [startKey, endKey)}, as many requests as it takes: a reply the store cut short
     * ({@code hasMore}) or a limit above the store's scan limit continues transparently after the last key.
     *
     * @param startKey first key; null or empty for the beginning.
     * @param endKey   end, exclusive; null or empty for no end.
     * @param limit    the most pairs returned, positive.
     * @param reverse  descending from just below {@code endKey} instead of ascending from {@code startKey}.
     * @param keyOnly  leave values out (each pair's value is empty).
     * @return up to {@code limit} pairs, in scan order.
     */
    public List<KvPair> scan(final byte[] startKey, final byte[] endKey, final int limit, final boolean reverse,
        final boolean keyOnly) {
        return await(scanAsync(startKey, endKey, limit, reverse, keyOnly));
    }

    /**
     * Reads pairs in {@code [startKey, endKey)} in ascending key order.
     *
     * @param startKey first key; null or empty for the beginning.
     * @param endKey   end, exclusive; null or empty for no end.
     * @param limit    the most pairs returned, positive.
     * @return up to {@code limit} pairs.
     */
    public CompletableFuture<List<KvPair>> scanAsync(final byte[] startKey, final byte[] endKey, final int limit) {
        return scanAsync(startKey, endKey, limit, false, false);
    }

    /**
     * Reads pairs in {@code [startKey, endKey)}; see {@link #scan(byte[], byte[], int, boolean, boolean)}. The
     * request timeout bounds the whole scan, however many requests it takes.
     *
     * @param startKey first key; null or empty for the beginning.
     * @param endKey   end, exclusive; null or empty for no end.
     * @param limit    the most pairs returned, positive.
     * @param reverse  descending from just below {@code endKey} instead of ascending from {@code startKey}.
     * @param keyOnly  leave values out (each pair's value is empty).
     * @return up to {@code limit} pairs, in scan order.
     */
    public CompletableFuture<List<KvPair>> scanAsync(final byte[] startKey, final byte[] endKey, final int limit,
        final boolean reverse, final boolean keyOnly) {
        if (limit <= 0) {
            throw new IllegalArgumentException("scan limit must be positive: " + limit);
        }
        final byte[] start = startKey == null ? EMPTY : startKey;
        final byte[] end = endKey == null ? EMPTY : endKey;
        final SessionLimits limits = session.limits();
        TkvException tooLarge = limits.checkKey(start);
        tooLarge = tooLarge != null ? tooLarge : limits.checkKey(end);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        final long deadlineNs = System.nanoTime() + requestTimeoutNs;
        final TkvException noSlot = inFlight.acquire(deadlineNs, !publisher.onPollerThread());
        if (noSlot != null) {
            return CompletableFuture.failedFuture(noSlot);
        }
        final CompletableFuture<List<KvPair>> result;
        try {
            result = new ScanOperation(
                (from, to, pageLimit, rev, keys) -> requestScanPage(from, to, pageLimit, rev, keys, deadlineNs),
                session, start, end, limit, reverse, keyOnly).start();
        } catch (final RuntimeException ex) {
            inFlight.release();
            throw ex;
        }
        // The whole scan holds one in-flight slot; its page requests take none.
        result.whenComplete((pairs, failure) -> inFlight.release());
        return result;
    }

    // ---------------------------------------------------------------------------------------------- cas

    /**
     * Writes {@code newValue} (never expiring) if the current value equals {@code expected}, atomically.
     *
     * @param key      the key.
     * @param expected the value expected, or null to expect the key absent.
     * @param newValue the value to write.
     * @return whether it swapped, and the value before the call.
     */
    public CasResult compareAndSwap(final byte[] key, final byte[] expected, final byte[] newValue) {
        return await(compareAndSwapAsync(key, expected, newValue, 0));
    }

    /**
     * Writes {@code newValue} if the current value equals {@code expected}, atomically.
     *
     * @param key        the key.
     * @param expected   the value expected, or null to expect the key absent.
     * @param newValue   the value to write.
     * @param ttlSeconds after how long the new value expires; 0 for never.
     * @return whether it swapped, and the value before the call.
     */
    public CasResult compareAndSwap(final byte[] key, final byte[] expected, final byte[] newValue,
        final long ttlSeconds) {
        return await(compareAndSwapAsync(key, expected, newValue, ttlSeconds));
    }

    /**
     * Writes {@code newValue} (never expiring) if the current value equals {@code expected}, atomically.
     *
     * @param key      the key.
     * @param expected the value expected, or null to expect the key absent.
     * @param newValue the value to write.
     * @return whether it swapped, and the value before the call.
     */
    public CompletableFuture<CasResult> compareAndSwapAsync(final byte[] key, final byte[] expected,
        final byte[] newValue) {
        return compareAndSwapAsync(key, expected, newValue, 0);
    }

    /**
     * Writes {@code newValue} if the current value equals {@code expected}, atomically.
     *
     * @param key        the key.
     * @param expected   the value expected, or null to expect the key absent.
     * @param newValue   the value to write.
     * @param ttlSeconds after how long the new value expires; 0 for never.
     * @return whether it swapped, and the value before the call.
     */
    public CompletableFuture<CasResult> compareAndSwapAsync(final byte[] key, final byte[] expected,
        final byte[] newValue, final long ttlSeconds) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(newValue, "newValue");
        checkTtl(ttlSeconds);
        final SessionLimits limits = session.limits();
        TkvException tooLarge = limits.checkKey(key);
        tooLarge = tooLarge != null ? tooLarge : limits.checkValue(newValue);
        tooLarge = tooLarge != null || expected == null ? tooLarge : limits.checkValue(expected);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        return submit("compareAndSwap", RawCompareAndSwapResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().compareAndSwap(id, region, key, expected, newValue, ttlSeconds));
    }

    // ---------------------------------------------------------------------------------------------- close

    /**
     * Sends Disconnect (best effort), stops the poller, fails requests still in flight with
     * {@link ErrorCode#CLOSED}, and closes Aeron and the embedded media driver (deleting its directory).
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (session.isActive()) {
            publisher.offerOnce(IngressEncoder.current().disconnect(correlationIds.incrementAndGet(), session.token()));
        }
        CloseHelper.close(ctx.errorHandler(), runner);
        session.phase(SessionState.Phase.CLOSED);
        inFlight.close();
        transport.close();
    }

    // ---------------------------------------------------------------------------------------------- internals

    private CompletableFuture<ScanPage> requestScanPage(final byte[] startKey, final byte[] endKey, final int limit,
        final boolean reverse, final boolean keyOnly, final long deadlineNs) {
        return send("scan", RawScanResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().scan(id, region, startKey, endKey, limit, reverse, keyOnly),
            deadlineNs, false);
    }

    private <T> CompletableFuture<T> submit(final String operation, final int responseTemplateId,
        final LongFunction<byte[]> encoder) {
        final long deadlineNs = System.nanoTime() + requestTimeoutNs;
        final TkvException noSlot = inFlight.acquire(deadlineNs, !publisher.onPollerThread());
        if (noSlot != null) {
            return CompletableFuture.failedFuture(noSlot);
        }
        return send(operation, responseTemplateId, encoder, deadlineNs, true);
    }

    private <T> CompletableFuture<T> send(final String operation, final int responseTemplateId,
        final LongFunction<byte[]> encoder, final long deadlineNs, final boolean holdsPermit) {
        final long correlationId = correlationIds.incrementAndGet();
        final byte[] frame;
        try {
            frame = encoder.apply(correlationId);
        } catch (final RuntimeException ex) {
            if (holdsPermit) {
                inFlight.release();
            }
            throw ex;
        }
        final PendingRequest<T> request =
            new PendingRequest<>(operation, correlationId, responseTemplateId, frame, deadlineNs, holdsPermit);
        if (inFlight.register(request)) {
            publisher.submit(request);
        }
        return request.future();
    }

    /**
     * The blocking calls wait on the request's future: the poller completes it directly on its own thread (no
     * executor hop), and the caller's send kicks the poller out of its idle backoff so the reply is read promptly.
     * The caller parks rather than spins, so it does not compete for a core with the poller and the driver.
     */
    private <T> T await(final CompletableFuture<T> future) {
        if (publisher.onPollerThread()) {
            throw new IllegalStateException(
                "blocking tkv call on the client's poller thread (in a future's callback): use the async variant");
        }
        try {
            return future.get(ctx.requestTimeoutMs() + SYNC_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException | CompletionException ex) {
            throw rethrowable(ex.getCause());
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new TkvException(ErrorCode.INTERRUPTED, "interrupted while waiting for the reply", ex);
        } catch (final TimeoutException ex) {
            throw new TkvTimeoutException("no reply within " + ctx.requestTimeoutMs() + " ms", ex);
        } catch (final CancellationException ex) {
            throw new TkvException(ErrorCode.CLOSED, "request cancelled", ex);
        }
    }

    private static RuntimeException rethrowable(final Throwable cause) {
        Throwable failure = cause;
        while (failure instanceof CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure instanceof TkvException) {
            return ((TkvException)failure).rethrowable();
        }
        if (failure instanceof RuntimeException) {
            return (RuntimeException)failure;
        }
        return new TkvException(ErrorCode.INTERNAL_ERROR, "client failure", failure);
    }

    private TkvException checkKeys(final List<byte[]> keys) {
        Objects.requireNonNull(keys, "keys");
        final SessionLimits limits = session.limits();
        TkvException invalid = limits.checkBatch(keys.size());
        for (int i = 0; i < keys.size() && invalid == null; i++) {
            invalid = limits.checkKey(Objects.requireNonNull(keys.get(i), "key"));
        }
        return invalid;
    }

    private static void checkTtl(final long ttlSeconds) {
        if (ttlSeconds < 0) {
            throw new IllegalArgumentException("ttlSeconds must be 0 (no expiry) or positive: " + ttlSeconds);
        }
    }

    private void awaitFirstSession(final long deadlineNs) {
        try {
            agent.firstSession().get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (final ExecutionException ex) {
            close();
            throw rethrowable(ex.getCause());
        } catch (final TimeoutException ex) {
            final SessionState.Phase phase = session.phase();
            close();
            throw new TkvTimeoutException("no session with the store at " + ctx.ingressChannel() + " within " +
                ctx.connectTimeoutMs() + " ms (" + describe(phase) + ")");
        } catch (final InterruptedException ex) {
            close();
            Thread.currentThread().interrupt();
            throw new TkvException(ErrorCode.INTERRUPTED, "interrupted while connecting", ex);
        } catch (final RuntimeException ex) {
            close();
            throw ex;
        }
    }

    private static String describe(final SessionState.Phase phase) {
        switch (phase) {
            case DISCONNECTED:
                return "the ingress publication never connected: is the store running?";
            case AWAIT_CHALLENGE:
                return "no Challenge: the store did not answer, or could not reach the egress channel";
            case AWAIT_CONNECTED:
                return "no Connected after Authenticate";
            default:
                return "last phase " + phase;
        }
    }

    /**
     * Configuration of a {@link RawKvClient}, in the style of Aeron's contexts: fluent setters, getters of the
     * same name, defaults and units in the names, and {@link #conclude()} to validate and derive before use. A
     * context configures one client.
     */
    public static final class Context {
        /** Default store address (host:port of its client ingress). */
        public static final String DEFAULT_STORE_ENDPOINT = "127.0.0.1:20160";
        /** Default stream id of the store's client ingress. */
        public static final int DEFAULT_INGRESS_STREAM_ID = 1001;
        /** Default egress channel: loopback with an ephemeral port, resolved once bound. */
        public static final String DEFAULT_EGRESS_CHANNEL = "aeron:udp?endpoint=127.0.0.1:0";
        /** Default egress stream id. */
        public static final int DEFAULT_EGRESS_STREAM_ID = 1002;
        /** Default request timeout. */
        public static final long DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
        /** Default connect timeout. */
        public static final long DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
        /** Default wait for a handshake reply before starting the handshake over. */
        public static final long DEFAULT_HANDSHAKE_RETRY_INTERVAL_MS = 1_000;
        /** Default bound on requests in flight. */
        public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
        /** Default term length of the embedded driver's publications (small: a client sends small frames). */
        public static final int DEFAULT_EMBEDDED_DRIVER_TERM_LENGTH_BYTES = 4 * 1024 * 1024;

        private boolean concluded;
        private String storeEndpoint = DEFAULT_STORE_ENDPOINT;
        private String ingressChannel;
        private int ingressStreamId = DEFAULT_INGRESS_STREAM_ID;
        private String egressChannel = DEFAULT_EGRESS_CHANNEL;
        private int egressStreamId = DEFAULT_EGRESS_STREAM_ID;
        private String aeronDirectoryName;
        private String embeddedAeronDirectoryName;
        private int embeddedDriverTermLengthBytes = DEFAULT_EMBEDDED_DRIVER_TERM_LENGTH_BYTES;
        private byte[] secret = EMPTY;
        private String clientName;
        private long requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
        private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
        private long handshakeRetryIntervalMs = DEFAULT_HANDSHAKE_RETRY_INTERVAL_MS;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private Supplier<IdleStrategy> idleStrategySupplier = () -> new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
        private long regionId = 1;
        private long regionConfVer = 1;
        private long regionVersion = 1;
        private ErrorHandler errorHandler = Context::printError;

        /**
         * Validates the settings and derives the rest (ingress channel, client name, embedded driver directory).
         *
         * @return this.
         * @throws IllegalArgumentException if a setting is invalid.
         * @throws IllegalStateException    if this context was concluded before.
         */
        public Context conclude() {
            if (concluded) {
                throw new IllegalStateException("a Context configures one client; it was concluded already");
            }
            if (ingressChannel == null) {
                checkEndpoint(storeEndpoint);
                ingressChannel = "aeron:udp?endpoint=" + storeEndpoint;
            }
            checkChannel("ingressChannel", ingressChannel);
            checkChannel("egressChannel", egressChannel);
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(idleStrategySupplier, "idleStrategySupplier");
            Objects.requireNonNull(errorHandler, "errorHandler");
            positive("requestTimeoutMs", requestTimeoutMs);
            positive("connectTimeoutMs", connectTimeoutMs);
            positive("handshakeRetryIntervalMs", handshakeRetryIntervalMs);
            positive("maxInFlight", maxInFlight);
            if (Integer.bitCount(embeddedDriverTermLengthBytes) != 1 || embeddedDriverTermLengthBytes < 64 * 1024) {
                throw new IllegalArgumentException(
                    "embeddedDriverTermLengthBytes must be a power of two >= 64 KiB: " + embeddedDriverTermLengthBytes);
            }
            if (clientName == null) {
                clientName = "tkv-client-" + ProcessHandle.current().pid();
            }
            if (aeronDirectoryName == null) {
                final File shm = new File("/dev/shm");
                final String base = shm.isDirectory() ? shm.getPath() : System.getProperty("java.io.tmpdir");
                embeddedAeronDirectoryName = new File(base, "tkv-client-" + ProcessHandle.current().pid() + "-" +
                    Long.toHexString(ThreadLocalRandom.current().nextLong())).getPath();
            }
            concluded = true;
            return this;
        }

        /** @return whether {@link #conclude()} ran. */
        public boolean isConcluded() {
            return concluded;
        }

        /**
         * @param storeEndpoint host:port of the store's client ingress; the ingress channel is
         *                      {@code aeron:udp?endpoint=<storeEndpoint>} unless {@link #ingressChannel(String)}
         *                      is set. Default {@value #DEFAULT_STORE_ENDPOINT}.
         * @return this.
         */
        public Context storeEndpoint(final String storeEndpoint) {
            checkMutable();
            this.storeEndpoint = storeEndpoint;
            return this;
        }

        /** @return host:port of the store's client ingress. */
        public String storeEndpoint() {
            return storeEndpoint;
        }

        /**
         * @param ingressChannel a full Aeron channel to the store, overriding {@link #storeEndpoint(String)}
         *                       (e.g. to add {@code term-length} or use IPC). Default: derived.
         * @return this.
         */
        public Context ingressChannel(final String ingressChannel) {
            checkMutable();
            this.ingressChannel = ingressChannel;
            return this;
        }

        /** @return the Aeron channel requests are published on (derived by {@link #conclude()} if not set). */
        public String ingressChannel() {
            return ingressChannel;
        }

        /**
         * @param ingressStreamId stream id of the store's client ingress. Default {@value #DEFAULT_INGRESS_STREAM_ID}.
         * @return this.
         */
        public Context ingressStreamId(final int ingressStreamId) {
            checkMutable();
            this.ingressStreamId = ingressStreamId;
            return this;
        }

        /** @return stream id of the store's client ingress. */
        public int ingressStreamId() {
            return ingressStreamId;
        }

        /**
         * @param egressChannel the channel the store replies on; port 0 picks a free port, and the resolved channel
         *                      is what the store is told. Default {@value #DEFAULT_EGRESS_CHANNEL}.
         * @return this.
         */
        public Context egressChannel(final String egressChannel) {
            checkMutable();
            this.egressChannel = egressChannel;
            return this;
        }

        /** @return the channel the store replies on, as configured. */
        public String egressChannel() {
            return egressChannel;
        }

        /**
         * @param egressStreamId stream id of the replies. Default {@value #DEFAULT_EGRESS_STREAM_ID}.
         * @return this.
         */
        public Context egressStreamId(final int egressStreamId) {
            checkMutable();
            this.egressStreamId = egressStreamId;
            return this;
        }

        /** @return stream id of the replies. */
        public int egressStreamId() {
            return egressStreamId;
        }

        /**
         * @param aeronDirectoryName the directory of an external, running media driver; null (default) launches an
         *                           embedded driver (SHARED threading, backoff idle, small terms) in a fresh
         *                           directory under /dev/shm, deleted on close.
         * @return this.
         */
        public Context aeronDirectoryName(final String aeronDirectoryName) {
            checkMutable();
            this.aeronDirectoryName = aeronDirectoryName;
            return this;
        }

        /** @return the external media driver's directory, or null for an embedded driver. */
        public String aeronDirectoryName() {
            return aeronDirectoryName;
        }

        /** @return the embedded driver's directory (set by {@link #conclude()}), or null with an external one. */
        public String embeddedAeronDirectoryName() {
            return embeddedAeronDirectoryName;
        }

        /**
         * @param embeddedDriverTermLengthBytes term length of the embedded driver's publications, a power of two.
         *                                      Default 4 MiB. Bounds the largest request (an eighth of it).
         * @return this.
         */
        public Context embeddedDriverTermLengthBytes(final int embeddedDriverTermLengthBytes) {
            checkMutable();
            this.embeddedDriverTermLengthBytes = embeddedDriverTermLengthBytes;
            return this;
        }

        /** @return term length of the embedded driver's publications. */
        public int embeddedDriverTermLengthBytes() {
            return embeddedDriverTermLengthBytes;
        }

        /**
         * @param secret the store's shared secret; default empty. Copied.
         * @return this.
         */
        public Context secret(final byte[] secret) {
            checkMutable();
            this.secret = Objects.requireNonNull(secret, "secret").clone();
            return this;
        }

        /**
         * @param secret the store's shared secret as text (UTF-8), as in the store's configuration.
         * @return this.
         */
        public Context secret(final String secret) {
            return secret(secret.getBytes(StandardCharsets.UTF_8));
        }

        /** @return a copy of the shared secret. */
        public byte[] secret() {
            return secret.clone();
        }

        /**
         * @param clientName how the store logs this client. Default {@code tkv-client-<pid>}.
         * @return this.
         */
        public Context clientName(final String clientName) {
            checkMutable();
            this.clientName = clientName;
            return this;
        }

        /** @return how the store logs this client. */
        public String clientName() {
            return clientName;
        }

        /**
         * @param requestTimeoutMs how long a request may take, from the call (including waiting for an in-flight
         *                         slot or a reconnect) to the reply. Default {@value #DEFAULT_REQUEST_TIMEOUT_MS}.
         * @return this.
         */
        public Context requestTimeoutMs(final long requestTimeoutMs) {
            checkMutable();
            this.requestTimeoutMs = requestTimeoutMs;
            return this;
        }

        /** @return how long a request may take. */
        public long requestTimeoutMs() {
            return requestTimeoutMs;
        }

        /**
         * @param connectTimeoutMs how long {@link RawKvClient#connect(Context)} may take. Default
         *                         {@value #DEFAULT_CONNECT_TIMEOUT_MS}.
         * @return this.
         */
        public Context connectTimeoutMs(final long connectTimeoutMs) {
            checkMutable();
            this.connectTimeoutMs = connectTimeoutMs;
            return this;
        }

        /** @return how long connecting may take. */
        public long connectTimeoutMs() {
            return connectTimeoutMs;
        }

        /**
         * @param handshakeRetryIntervalMs how long to wait for a Challenge or Connected before sending a fresh
         *                                 Connect, and between attempts after a refusal. Default
         *                                 {@value #DEFAULT_HANDSHAKE_RETRY_INTERVAL_MS}.
         * @return this.
         */
        public Context handshakeRetryIntervalMs(final long handshakeRetryIntervalMs) {
            checkMutable();
            this.handshakeRetryIntervalMs = handshakeRetryIntervalMs;
            return this;
        }

        /** @return the handshake retry interval. */
        public long handshakeRetryIntervalMs() {
            return handshakeRetryIntervalMs;
        }

        /**
         * @param maxInFlight the most operations outstanding at once; callers beyond it wait for a slot (within their
         *                    timeout). Default {@value #DEFAULT_MAX_IN_FLIGHT}.
         * @return this.
         */
        public Context maxInFlight(final int maxInFlight) {
            checkMutable();
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** @return the most operations outstanding at once. */
        public int maxInFlight() {
            return maxInFlight;
        }

        /**
         * @param idleStrategySupplier the poller thread's idle strategy. Default a {@link BackoffIdleStrategy}
         *                             (spin, yield, then park 1 µs doubling to 1 ms); a
         *                             {@link org.agrona.concurrent.YieldingIdleStrategy} cuts latency at the cost of
         *                             a busier core, a {@link org.agrona.concurrent.SleepingMillisIdleStrategy}
         *                             saves CPU at the cost of latency.
         * @return this.
         */
        public Context idleStrategySupplier(final Supplier<IdleStrategy> idleStrategySupplier) {
            checkMutable();
            this.idleStrategySupplier = idleStrategySupplier;
            return this;
        }

        /** @return the poller's idle strategy supplier. */
        public Supplier<IdleStrategy> idleStrategySupplier() {
            return idleStrategySupplier;
        }

        /**
         * The region every request names (a single region until routing arrives).
         *
         * @param regionId      region id. Default 1.
         * @param regionConfVer the region's configuration version. Default 1.
         * @param regionVersion the region's range version. Default 1.
         * @return this.
         */
        public Context region(final long regionId, final long regionConfVer, final long regionVersion) {
            checkMutable();
            this.regionId = regionId;
            this.regionConfVer = regionConfVer;
            this.regionVersion = regionVersion;
            return this;
        }

        /** @return the region id requests carry. */
        public long regionId() {
            return regionId;
        }

        /** @return the region conf version requests carry. */
        public long regionConfVer() {
            return regionConfVer;
        }

        /** @return the region version requests carry. */
        public long regionVersion() {
            return regionVersion;
        }

        /**
         * @param errorHandler hears errors no caller can be told about (poller and Aeron). Default: print to
         *                     stderr.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler errorHandler) {
            checkMutable();
            this.errorHandler = errorHandler;
            return this;
        }

        /** @return the handler of asynchronous errors. */
        public ErrorHandler errorHandler() {
            return errorHandler;
        }

        @Override
        public String toString() {
            return "RawKvClient.Context{storeEndpoint=" + storeEndpoint + ", ingressChannel=" + ingressChannel +
                ", ingressStreamId=" + ingressStreamId + ", egressChannel=" + egressChannel + ", egressStreamId=" +
                egressStreamId + ", aeronDirectoryName=" + aeronDirectoryName + ", clientName=" + clientName +
                ", requestTimeoutMs=" + requestTimeoutMs + ", connectTimeoutMs=" + connectTimeoutMs +
                ", maxInFlight=" + maxInFlight + ", region=" + regionId + '/' + regionConfVer + '/' + regionVersion +
                '}';
        }

        private void checkMutable() {
            if (concluded) {
                throw new IllegalStateException("Context is concluded and owned by a client");
            }
        }

        private static void checkEndpoint(final String endpoint) {
            Objects.requireNonNull(endpoint, "storeEndpoint");
            final int colon = endpoint.lastIndexOf(':');
            if (colon <= 0 || colon == endpoint.length() - 1) {
                throw new IllegalArgumentException("storeEndpoint must be host:port: " + endpoint);
            }
            final int port;
            try {
                port = Integer.parseInt(endpoint.substring(colon + 1));
            } catch (final NumberFormatException ex) {
                throw new IllegalArgumentException("storeEndpoint has a bad port: " + endpoint, ex);
            }
            if (port <= 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("storeEndpoint port out of range: " + endpoint);
            }
        }

        private static void checkChannel(final String name, final String channel) {
            Objects.requireNonNull(channel, name);
            try {
                ChannelUri.parse(channel);
            } catch (final RuntimeException ex) {
                throw new IllegalArgumentException(name + " is not an Aeron channel: " + channel, ex);
            }
        }

        private static void positive(final String name, final long value) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
        }

        private static void printError(final Throwable error) {
            System.err.println("tkv-client: " + error);
            error.printStackTrace(System.err);
        }
    }
}
