package io.tkv.client;

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
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;

import java.security.SecureRandom;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

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
 * try (RawKvClient client = RawKvClient.connect(new RawKvClient.ClientConfig()
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

    private final ClientConfig ctx;
    private final ClientTransport transport;
    private final SessionState session = new SessionState();
    private final InFlightRequests inFlight;
    private final IngressPublisher publisher;
    private final SessionAgent agent;
    private final AgentRunner runner;
    private final RegionEpoch region;
    private final AtomicLong correlationIds = new AtomicLong(ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL);
    /** Names this client to the stores' deduplication of retried writes; random, nonzero. */
    private final long clientId = newClientId();
    private final long requestTimeoutNs;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RawKvClient(final ClientConfig ctx) {
        this.ctx = ctx;
        this.requestTimeoutNs = TimeUnit.MILLISECONDS.toNanos(ctx.requestTimeoutMs());
        this.region = new RegionEpoch(ctx.regionId(), ctx.regionConfVer(), ctx.regionVersion());
        this.inFlight = new InFlightRequests(ctx.maxInFlight(), correlationIds);
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
     * @throws TkvTimeoutException if no session within {@link ClientConfig#connectTimeoutMs()}.
     * @throws TkvException        with {@link ErrorCode#UNAUTHENTICATED} if the store refused the secret.
     */
    public static RawKvClient connect(final ClientConfig ctx) {
        ctx.conclude();
        return new RawKvClient(ctx);
    }

    /**
     * Connects with the default configuration (a store at 127.0.0.1:20160, empty secret, embedded media driver).
     *
     * @return the connected client.
     */
    public static RawKvClient connect() {
        return connect(new ClientConfig());
    }

    /** @return the configuration this client runs with. */
    public ClientConfig context() {
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
            id -> IngressEncoder.current().put(id, clientId, region, key, value, ttlSeconds));
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
            id -> IngressEncoder.current().batchPut(id, clientId, region, pairs, ttlSeconds));
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
            id -> IngressEncoder.current().delete(id, clientId, region, key));
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
            id -> IngressEncoder.current().batchDelete(id, clientId, region, keys));
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
            id -> IngressEncoder.current().deleteRange(id, clientId, region, start, end));
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
            id -> IngressEncoder.current().compareAndSwap(id, clientId, region, key, expected, newValue, ttlSeconds));
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
        final byte[] frame;
        try {
            // The id is allocated when the request is registered, and stamped into the frame then.
            frame = encoder.apply(0);
        } catch (final RuntimeException ex) {
            if (holdsPermit) {
                inFlight.release();
            }
            throw ex;
        }
        final PendingRequest<T> request =
            inFlight.register(operation, responseTemplateId, frame, deadlineNs, holdsPermit);
        if (!request.isDone()) {
            publisher.submit(request);
        }
        return request.future();
    }

    private static long newClientId() {
        long id;
        do {
            id = new SecureRandom().nextLong();
        } while (id == 0);
        return id;
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
        return Futures.await(future, ctx.requestTimeoutMs(), ctx.requestTimeoutMs() + SYNC_GRACE_MS);
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
            throw Futures.rethrowable(ex.getCause());
        } catch (final TimeoutException ex) {
            final SessionState.Phase phase = session.phase();
            close();
            throw new TkvTimeoutException("no session with the store at " + ctx.ingressChannel() + " within " +
                ctx.connectTimeoutMs() + " ms (" + phase.explanation() + ")");
        } catch (final InterruptedException ex) {
            close();
            Thread.currentThread().interrupt();
            throw new TkvException(ErrorCode.INTERRUPTED, "interrupted while connecting", ex);
        } catch (final RuntimeException ex) {
            close();
            throw ex;
        }
    }
}
