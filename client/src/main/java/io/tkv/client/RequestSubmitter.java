package io.tkv.client;

import io.tkv.codec.RawScanResponseDecoder;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * How an operation becomes a request in flight, on the caller's thread: take an in-flight slot, encode, register
 * (which allocates the correlation id), and offer it to the leader ({@link IngressPublisher}); and how a blocking
 * call waits for it. The deadline starts here, and bounds every resend and failover of the request.
 */
final class RequestSubmitter {
    /** Encodes one RawScan request (correlation id left 0: registration stamps it). */
    interface ScanEncoder {
        byte[] encode(byte[] startKey, byte[] endKey, int limit, boolean reverse, boolean keyOnly);
    }

    /** How much longer than the request timeout a blocking call waits before giving up on the poller. */
    private static final long SYNC_GRACE_MS = 1_000;

    private final InFlightRequests inFlight;
    private final IngressPublisher publisher;
    private final LeaderRouter router;
    private final long requestTimeoutMs;
    private final long requestTimeoutNs;

    RequestSubmitter(final InFlightRequests inFlight, final IngressPublisher publisher, final LeaderRouter router,
        final long requestTimeoutMs) {
        this.inFlight = inFlight;
        this.publisher = publisher;
        this.router = router;
        this.requestTimeoutMs = requestTimeoutMs;
        this.requestTimeoutNs = TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
    }

    /** @return the limits to check requests against before sending them. */
    SessionLimits limits() {
        return router.limits();
    }

    /**
     * @param operation          name for messages.
     * @param responseTemplateId the reply template expected.
     * @param encoder            encodes the request (its argument is 0: registration stamps the id).
     * @return completes with the decoded reply, or fails.
     */
    <T> CompletableFuture<T> submit(final String operation, final int responseTemplateId,
        final LongFunction<byte[]> encoder) {
        final long nowNs = System.nanoTime();
        final long deadlineNs = nowNs + requestTimeoutNs;
        final TkvException noSlot = inFlight.acquire(deadlineNs, !publisher.onPollerThread());
        if (noSlot != null) {
            return CompletableFuture.failedFuture(noSlot);
        }
        return send(operation, responseTemplateId, encoder, deadlineNs, nowNs, true, null, null, null, false, false,
            null);
    }

    /**
     * A request for one particular store ({@link PendingRequest#pin}), sent when its session is open, failed
     * NOT_CONNECTED if the client loses it. It takes no in-flight slot: the operation it serves holds one, or is
     * about to take one (a locate before the request it locates), and the stores it fans out to are bounded.
     */
    <T> CompletableFuture<T> submitTo(final StoreConnection store, final String operation,
        final int responseTemplateId, final LongFunction<byte[]> encoder) {
        final long nowNs = System.nanoTime();
        return send(operation, responseTemplateId, encoder, nowNs + requestTimeoutNs, nowNs, false, null, null, null,
            false, false, store);
    }

    /**
     * A request routed by key: it names {@code region}, goes to that region's leader, and is moved to the region
     * holding its keys if a store refuses it for its region ({@link RegionRetries}).
     *
     * @param region     the region the encoder names (its {@link CachedRegion#epoch()}).
     * @param first      the lowest user key the request touches, or its range's start.
     * @param last       the highest user key, or the range's exclusive end (empty: the end of the keys).
     * @param range      whether {@code first} and {@code last} are a range's bounds.
     * @param deadlineNs when it fails at the latest ({@link System#nanoTime()} clock); 0 for a request timeout
     *                   from now.
     */
    <T> CompletableFuture<T> submitRouted(final String operation, final int responseTemplateId,
        final LongFunction<byte[]> encoder, final CachedRegion region, final byte[] first, final byte[] last,
        final boolean range, final long deadlineNs) {
        final long nowNs = System.nanoTime();
        final long deadline = deadlineNs != 0 ? deadlineNs : nowNs + requestTimeoutNs;
        final TkvException noSlot = inFlight.acquire(deadline, !publisher.onPollerThread());
        if (noSlot != null) {
            return CompletableFuture.failedFuture(noSlot);
        }
        return send(operation, responseTemplateId, encoder, deadline, nowNs, true, region, first, last, range, false,
            null);
    }

    /**
     * A transactional request routed by stored keys ({@code 'x' mc(k)}), as {@link #submitRouted} routes RawKV ones.
     *
     * @param first the lowest stored key it touches, or its range's start.
     * @param last  the highest stored key, or the range's exclusive end (empty: to the region's end).
     */
    <T> CompletableFuture<T> submitStored(final String operation, final int responseTemplateId,
        final LongFunction<byte[]> encoder, final CachedRegion region, final byte[] first, final byte[] last,
        final boolean range, final long deadlineNs) {
        final long nowNs = System.nanoTime();
        final long deadline = deadlineNs != 0 ? deadlineNs : nowNs + requestTimeoutNs;
        final TkvException noSlot = inFlight.acquire(deadline, !publisher.onPollerThread());
        if (noSlot != null) {
            return CompletableFuture.failedFuture(noSlot);
        }
        return send(operation, responseTemplateId, encoder, deadline, nowNs, true, region, first, last, range, true,
            null);
    }

    /** One page of a routed scan: holds no in-flight slot of its own (the scan holds one). */
    CompletableFuture<ScanPage> sendPage(final LongFunction<byte[]> encoder, final CachedRegion region,
        final byte[] start, final byte[] end, final long deadlineNs) {
        return send("scan", RawScanResponseDecoder.TEMPLATE_ID, encoder, deadlineNs, System.nanoTime(), false, region,
            start, end, true, false, null);
    }

    /** @return the request timeout in nanoseconds. */
    long requestTimeoutNs() {
        return requestTimeoutNs;
    }

    /** @return whether the calling thread is the client's poller (which must never wait for a slot). */
    boolean onPollerThread() {
        return publisher.onPollerThread();
    }

    /** Takes an in-flight slot for an operation of many requests that take none ({@link #sendPage}). */
    TkvException acquire(final long deadlineNs) {
        return inFlight.acquire(deadlineNs, !publisher.onPollerThread());
    }

    /** Returns a slot taken by {@link #acquire}. */
    void release() {
        inFlight.release();
    }

    /**
     * A scan in as many RawScan requests as it takes ({@link ScanOperation}); the whole scan holds one in-flight
     * slot and one deadline.
     */
    CompletableFuture<List<KvPair>> scan(final ScanEncoder encoder, final byte[] startKey, final byte[] endKey,
        final int limit, final boolean reverse, final boolean keyOnly) {
        final long deadlineNs = System.nanoTime() + requestTimeoutNs;
        final TkvException noSlot = inFlight.acquire(deadlineNs, !publisher.onPollerThread());
        if (noSlot != null) {
            return CompletableFuture.failedFuture(noSlot);
        }
        final CompletableFuture<List<KvPair>> result;
        try {
            result = new ScanOperation(
                (from, to, pageLimit, rev, keys) -> send("scan", RawScanResponseDecoder.TEMPLATE_ID,
                    id -> encoder.encode(from, to, pageLimit, rev, keys), deadlineNs, System.nanoTime(), false, null,
                    null, null, false, false, null),
                router::limits, startKey, endKey, limit, reverse, keyOnly).start();
        } catch (final RuntimeException ex) {
            inFlight.release();
            throw ex;
        }
        // The whole scan holds one in-flight slot; its page requests take none.
        result.whenComplete((pairs, failure) -> inFlight.release());
        return result;
    }

    /**
     * The blocking calls wait on the request's future: the poller completes it directly on its own thread (no
     * executor hop), and the caller's send kicks the poller out of its idle backoff so the reply is read promptly.
     * The caller parks rather than spins, so it does not compete for a core with the poller and the driver.
     */
    <T> T await(final CompletableFuture<T> future) {
        if (publisher.onPollerThread()) {
            throw new IllegalStateException(
                "blocking tkv call on the client's poller thread (in a future's callback): use the async variant");
        }
        return Futures.await(future, requestTimeoutMs, requestTimeoutMs + SYNC_GRACE_MS);
    }

    private <T> CompletableFuture<T> send(final String operation, final int responseTemplateId,
        final LongFunction<byte[]> encoder, final long deadlineNs, final long nowNs, final boolean holdsPermit,
        final CachedRegion region, final byte[] first, final byte[] last, final boolean range,
        final boolean storedKeys, final StoreConnection pinned) {
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
        final TkvException tooLarge = router.limits().checkRequest(frame.length);
        if (tooLarge != null) {
            if (holdsPermit) {
                inFlight.release();
            }
            return CompletableFuture.failedFuture(tooLarge);
        }
        final PendingRequest<T> request =
            inFlight.register(operation, responseTemplateId, frame, deadlineNs, holdsPermit);
        if (region != null && storedKeys) {
            request.routeStored(region, first, last, range);
        } else if (region != null) {
            request.route(region, first, last, range);
        }
        if (pinned != null) {
            request.pin(pinned);
        }
        if (!request.isDone()) {
            publisher.submit(request, nowNs);
        }
        return request.future();
    }
}
