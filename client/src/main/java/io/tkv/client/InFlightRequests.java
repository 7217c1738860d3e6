package io.tkv.client;

import io.tkv.codec.frame.Protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Every request the client has accepted and not yet completed, by correlation id, and the permits that bound how
 * many there are ({@code maxInFlight}). Callers register from any thread; the poller completes them on replies and
 * times them out; {@link #close} fails the rest. The map removal is the single point of completion, so a request
 * that races a reply against its timeout completes exactly once.
 *
 * <p>It also keeps the client's <em>first incomplete id</em>, which every write carries so the store can forget
 * the outcomes of writes the client has seen answered (schema version 2): a correlation id below it is never
 * sent again. For that to hold, an id is allocated and registered in one step under a lock (a map put; callers
 * encode outside it), so the poller's sweep, which reads the id counter under the same lock and then scans the
 * map, never misses an id that is allocated but not yet registered.
 */
final class InFlightRequests {
    private static final VarHandle LONG_LE =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final ConcurrentHashMap<Long, PendingRequest<?>> byId;
    private final Semaphore permits;
    private final int maxInFlight;
    private final AtomicLong correlationIds;
    private final Object registrationLock = new Object();
    private volatile long firstIncompleteId;
    private volatile boolean closed;

    /**
     * @param maxInFlight    the most requests outstanding at once.
     * @param correlationIds the client's id counter (the handshake takes ids from it too).
     */
    InFlightRequests(final int maxInFlight, final AtomicLong correlationIds) {
        this.maxInFlight = maxInFlight;
        this.byId = new ConcurrentHashMap<>(Math.min(maxInFlight, 4096) * 2);
        this.permits = new Semaphore(maxInFlight);
        this.correlationIds = correlationIds;
        this.firstIncompleteId = correlationIds.get() + 1;
    }

    /**
     * Takes an in-flight slot: the back-pressure on callers when {@code maxInFlight} requests are outstanding.
     *
     * @param deadlineNs the longest to wait ({@link System#nanoTime()} clock).
     * @param mayWait    false on the poller thread, which frees the slots and so must never wait for one.
     * @return null when a slot was taken, else why not.
     */
    TkvException acquire(final long deadlineNs, final boolean mayWait) {
        if (closed) {
            return new TkvException(ErrorCode.CLOSED, "client is closed");
        }
        if (permits.tryAcquire()) {
            return null;
        }
        if (!mayWait) {
            return new TkvException(ErrorCode.CLIENT_BUSY,
                maxInFlight + " requests in flight (maxInFlight) and the caller is the client's poller thread");
        }
        try {
            if (permits.tryAcquire(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                if (closed) {
                    permits.release();
                    return new TkvException(ErrorCode.CLOSED, "client is closed");
                }
                return null;
            }
            return new TkvTimeoutException("no in-flight slot free within the request timeout (maxInFlight=" +
                maxInFlight + ")");
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new TkvException(ErrorCode.INTERRUPTED, "interrupted waiting for an in-flight slot", ex);
        }
    }

    /** Returns a slot taken by {@link #acquire} for an operation that ends without a registered request. */
    void release() {
        permits.release();
    }

    /**
     * Tracks a request until it completes. If the client closed meanwhile, fails it at once.
     *
     * @return whether it is tracked (false: already failed).
     */
    boolean register(final PendingRequest<?> request) {
        byId.put(request.correlationId(), request);
        if (closed) {
            fail(request, new TkvException(ErrorCode.CLOSED, "client is closed"));
            return false;
        }
        return true;
    }

    /**
     * Allocates the next correlation id, writes it into the frame and tracks the request, in one step. If the
     * client closed meanwhile, fails it at once.
     *
     * @param frame the encoded request; its correlationId field is overwritten.
     * @return the tracked request (already failed if the client is closed).
     */
    <T> PendingRequest<T> register(
        final String operation, final int responseTemplateId, final byte[] frame, final long deadlineNs,
        final boolean holdsPermit) {
        final PendingRequest<T> request;
        synchronized (registrationLock) {
            final long correlationId = correlationIds.incrementAndGet();
            LONG_LE.set(frame, Protocol.CORRELATION_ID_OFFSET, correlationId);
            request = new PendingRequest<>(operation, correlationId, responseTemplateId, frame, deadlineNs,
                holdsPermit);
            byId.put(correlationId, request);
        }
        if (closed) {
            fail(request, new TkvException(ErrorCode.CLOSED, "client is closed"));
        }
        return request;
    }

    /**
     * @return a correlation id no lower than the lowest one still waiting for its reply, and lower than any id
     *     not yet allocated; refreshed by every {@link #sweepTimeouts} (it only ever lags, which is safe).
     */
    long firstIncompleteId() {
        return firstIncompleteId;
    }

    /** @return the request waiting for this correlation id, or null (a late reply). */
    PendingRequest<?> get(final long correlationId) {
        return byId.get(correlationId);
    }

    /** Completes a request with its result, if nothing else completed it first. */
    boolean complete(final PendingRequest<?> request, final Object result) {
        if (byId.remove(request.correlationId(), request)) {
            releaseFor(request);
            request.complete(result);
            return true;
        }
        return false;
    }

    /**
     * Completes a request by a reply's status: with its result when the status is OK, else failed with the status as a
     * {@link TkvException} (if nothing else completed it first).
     */
    boolean completeByStatus(final PendingRequest<?> request, final short status, final String message,
        final Object result) {
        return status == Statuses.OK ? complete(request, result) : fail(request, Statuses.toException(status, message));
    }

    /** Fails a request, if nothing else completed it first. */
    boolean fail(final PendingRequest<?> request, final Throwable failure) {
        if (byId.remove(request.correlationId(), request)) {
            releaseFor(request);
            request.fail(failure);
            return true;
        }
        return false;
    }

    /** What the poller's sweep does with each request beyond timing it out. */
    interface SweepVisitor {
        /** The request just timed out (it is failed already). */
        void onTimedOut(PendingRequest<?> request);

        /** The request is still waiting. */
        void onWaiting(PendingRequest<?> request);
    }

    /**
     * Fails every request whose deadline passed.
     *
     * @param nowNs the poller's clock reading.
     * @return how many timed out.
     */
    int sweepTimeouts(final long nowNs, final long requestTimeoutMs) {
        return sweep(nowNs, requestTimeoutMs, null);
    }

    /**
     * Fails every request whose deadline passed, shows every request to the visitor, and refreshes the first
     * incomplete id.
     *
     * @param nowNs   the poller's clock reading.
     * @param visitor hears of each request, may be null.
     * @return how many timed out.
     */
    int sweep(final long nowNs, final long requestTimeoutMs, final SweepVisitor visitor) {
        long lowest;
        synchronized (registrationLock) {
            // Every id up to here is in the map or already completed: registration holds this lock.
            lowest = correlationIds.get() + 1;
        }
        int timedOut = 0;
        for (final PendingRequest<?> request : byId.values()) {
            if (nowNs - request.deadlineNs() >= 0 && fail(request, timeout(request, requestTimeoutMs))) {
                timedOut++;
                if (visitor != null) {
                    visitor.onTimedOut(request);
                }
            } else {
                lowest = Math.min(lowest, request.correlationId());
                if (visitor != null && !request.isDone()) {
                    visitor.onWaiting(request);
                }
            }
        }
        if (lowest > firstIncompleteId) {
            firstIncompleteId = lowest;
        }
        return timedOut;
    }

    /**
     * Fails every request in flight (the client can no longer reach any store).
     *
     * @return how many failed.
     */
    int failAll(final Supplier<TkvException> failure) {
        int failed = 0;
        for (final PendingRequest<?> request : byId.values()) {
            if (fail(request, failure.get())) {
                failed++;
            }
        }
        return failed;
    }

    /** @return requests in flight. */
    int size() {
        return byId.size();
    }

    /** Refuses new requests and fails those in flight with {@link ErrorCode#CLOSED}. */
    void close() {
        closed = true;
        for (final PendingRequest<?> request : byId.values()) {
            fail(request, new TkvException(ErrorCode.CLOSED, "client closed before " + request + " completed"));
        }
        // Wake callers waiting for a slot; they see the closed flag.
        permits.release(maxInFlight);
    }

    boolean isClosed() {
        return closed;
    }

    private static TkvTimeoutException timeout(final PendingRequest<?> request, final long requestTimeoutMs) {
        final String problem = request.lastProblem();
        return new TkvTimeoutException("no reply to " + request + " within " + requestTimeoutMs + " ms" +
            (problem == null ? "" : "; last retried after " + problem));
    }

    private void releaseFor(final PendingRequest<?> request) {
        if (request.holdsPermit()) {
            permits.release();
        }
    }
}
