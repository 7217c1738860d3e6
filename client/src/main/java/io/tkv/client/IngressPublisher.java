package io.tkv.client;

import io.aeron.Publication;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Puts requests on the ingress publication of the store {@link RegionRoutes} names for each: its region's leader, or
 * the store the {@link LeaderRouter} follows (concurrent Aeron
 * publications, safe to offer from any thread).
 *
 * <p>While the session with the leader is open, the calling thread offers its own frame: no hand-off to another
 * thread, so no added latency. It retries back-pressure with a backoff until the request's deadline, or until the
 * leader changes under it. Otherwise (connecting, failing over, a resend, or a call from the poller thread itself)
 * the request goes to a backlog the poller flushes, without blocking, to whichever store leads once its session is
 * open. New requests queue behind a non-empty backlog so one thread's requests keep their order across a
 * reconnect, as far as possible; the client makes no ordering promise between requests in flight at the same time.
 * A request pinned to one store ({@link PendingRequest#pin}) whose session is still opening is set aside until it
 * opens, holding up no other, and fails NOT_CONNECTED when that store is lost.
 */
final class IngressPublisher {
    private static final ThreadLocal<UnsafeBuffer> SEND_BUFFERS = ThreadLocal.withInitial(UnsafeBuffer::new);

    private final RegionRoutes routes;
    private final InFlightRequests inFlight;
    private final ManyToOneConcurrentLinkedQueue<PendingRequest<?>> backlog = new ManyToOneConcurrentLinkedQueue<>();
    /** Requests pinned to a store whose session is still opening, set aside so they hold up no other. Poller only. */
    private final ArrayList<PendingRequest<?>> parked = new ArrayList<>();
    private final UnsafeBuffer pollerBuffer = new UnsafeBuffer();
    private final long requestTimeoutMs;
    private final int maxMessageLength;
    private volatile Thread pollerThread;
    private volatile boolean kicked;

    /**
     * @param routes           names the store to send each request to.
     * @param inFlight         the requests in flight.
     * @param requestTimeoutMs for messages.
     * @param maxMessageLength the largest frame the ingress publications take (they share one term length).
     */
    IngressPublisher(final RegionRoutes routes, final InFlightRequests inFlight, final long requestTimeoutMs,
        final int maxMessageLength) {
        this.routes = routes;
        this.inFlight = inFlight;
        this.requestTimeoutMs = requestTimeoutMs;
        this.maxMessageLength = maxMessageLength;
    }

    /** Set once the poller runs, so senders can wake it and recognise it. */
    void pollerThread(final Thread thread) {
        this.pollerThread = thread;
    }

    boolean onPollerThread() {
        return Thread.currentThread() == pollerThread;
    }

    /**
     * Sends a registered request to the leader, or queues it for the poller. Called on the caller's thread.
     *
     * @param request registered with {@link InFlightRequests}.
     * @param nowNs   the caller's clock reading when it made the request ({@link System#nanoTime()}).
     */
    void submit(final PendingRequest<?> request, final long nowNs) {
        if (request.frame().length > maxMessageLength) {
            inFlight.fail(request, new TkvException(ErrorCode.TOO_LARGE, request + " encodes to " +
                request.frame().length + " bytes, over the ingress channel's message limit of " + maxMessageLength));
            return;
        }
        final StoreConnection leader = routes.settledTarget(request);
        if (leader == null) {
            // Routed by key to a region whose leader is not settled: the poller picks the store.
            enqueue(request);
            return;
        }
        final SessionState session = leader.session();
        final SessionState.Phase phase = session.phase();
        if (phase == SessionState.Phase.REFUSED) {
            inFlight.fail(request, session.refusal());
            return;
        }
        if (phase != SessionState.Phase.ACTIVE || !backlog.isEmpty() || onPollerThread()) {
            enqueue(request);
            return;
        }
        offerFromCaller(leader, request, session.token(), nowNs);
        wakePoller();
    }

    /** Hands a request to the poller, which sends it once the leader's session is open. Any thread. */
    void enqueue(final PendingRequest<?> request) {
        request.releaseFromCaller();
        backlog.offer(request);
        wakePoller();
    }

    /**
     * Sends what waits in the backlog to the leader, stopping at the first back-pressure. Fails it when the leader
     * refused our secret. Poller thread only.
     *
     * @return requests sent or dropped.
     */
    int flushBacklog(final long nowNs) {
        int work = parked.isEmpty() ? 0 : flushParked(nowNs);
        PendingRequest<?> request;
        while ((request = backlog.peek()) != null) {
            if (request.isDone()) {
                backlog.poll();
                work++;
                continue;
            }
            final StoreConnection leader = routes.target(request, nowNs);
            final SessionState session = leader.session();
            if (session.phase() == SessionState.Phase.REFUSED) {
                backlog.poll();
                inFlight.fail(request, session.refusal());
                work++;
                continue;
            }
            if (!session.isActive()) {
                if (request.pinnedTo() == null) {
                    break;
                }
                // Only that store will do: wait for its session aside, or fail at once if it is lost.
                backlog.poll();
                if (routes.canWaitFor(leader, nowNs)) {
                    parked.add(request);
                } else {
                    inFlight.fail(request, notConnected(request, leader));
                }
                work++;
                continue;
            }
            final long result = offer(leader, pollerBuffer, request, session.token(), nowNs);
            if (result > 0) {
                backlog.poll();
                work++;
            } else if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION ||
                result == Publication.NOT_CONNECTED) {
                break;
            } else {
                backlog.poll();
                inFlight.fail(request, offerFailure(request, result));
                work++;
            }
        }
        return work;
    }

    /** Sends the parked requests whose store's session opened; fails those whose store is lost. */
    private int flushParked(final long nowNs) {
        int work = 0;
        for (int i = parked.size() - 1; i >= 0; i--) {
            final PendingRequest<?> request = parked.get(i);
            final StoreConnection store = request.pinnedTo();
            boolean done = request.isDone();
            if (!done && store.isActive()) {
                final long result = offer(store, pollerBuffer, request, store.session().token(), nowNs);
                if (result > 0) {
                    done = true;
                } else if (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION &&
                    result != Publication.NOT_CONNECTED) {
                    inFlight.fail(request, offerFailure(request, result));
                    done = true;
                }
            } else if (!done && !routes.canWaitFor(store, nowNs)) {
                inFlight.fail(request, notConnected(request, store));
                done = true;
            }
            if (done) {
                parked.set(i, parked.get(parked.size() - 1));
                parked.remove(parked.size() - 1);
                work++;
            }
        }
        return work;
    }

    private static TkvException notConnected(final PendingRequest<?> request, final StoreConnection store) {
        return new TkvException(ErrorCode.NOT_CONNECTED, request + " is for " + store.endpoint() +
            ", with which the client has no session");
    }

    /**
     * Fails everything in the backlog. Poller thread only.
     *
     * @return requests failed.
     */
    int failBacklog(final TkvException failure) {
        int failed = 0;
        for (final PendingRequest<?> request : parked) {
            if (inFlight.fail(request, failure)) {
                failed++;
            }
        }
        parked.clear();
        PendingRequest<?> request;
        while ((request = backlog.poll()) != null) {
            if (inFlight.fail(request, failure)) {
                failed++;
            }
        }
        return failed;
    }

    /** Kicks the poller out of a park so it is awake for the reply (park-based idle strategies only). */
    void wakePoller() {
        kicked = true;
        final Thread thread = pollerThread;
        if (thread != null && thread != Thread.currentThread()) {
            LockSupport.unpark(thread);
        }
    }

    /** @return whether a caller sent or queued something since the last call. Poller thread only. */
    boolean takeKick() {
        if (kicked) {
            kicked = false;
            return true;
        }
        return false;
    }

    private void offerFromCaller(final StoreConnection leader, final PendingRequest<?> request, final long token,
        final long nowNs) {
        final UnsafeBuffer buffer = SEND_BUFFERS.get();
        IdleStrategy idle = null;
        try {
            while (true) {
                final long result = offer(leader, buffer, request, token, nowNs);
                if (result > 0) {
                    return;
                }
                if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION) {
                    if (request.isDone()) {
                        return;
                    }
                    if (System.nanoTime() - request.deadlineNs() >= 0) {
                        inFlight.fail(request, new TkvTimeoutException(request + " could not be sent within " +
                            requestTimeoutMs + " ms: the ingress publication stayed back-pressured"));
                        return;
                    }
                    if (routes.settledTarget(request) != leader || leader.session().token() != token) {
                        // Failed over while we waited: the poller sends it to the new leader.
                        enqueue(request);
                        return;
                    }
                    if (idle == null) {
                        idle = new BackoffIdleStrategy(1, 10, 1_000, 100_000);
                    }
                    idle.idle();
                } else if (result == Publication.NOT_CONNECTED) {
                    enqueue(request);
                    return;
                } else {
                    inFlight.fail(request, offerFailure(request, result));
                    return;
                }
            }
        } finally {
            request.releaseFromCaller();
        }
    }

    private long offer(final StoreConnection connection, final UnsafeBuffer buffer, final PendingRequest<?> request,
        final long token, final long nowNs) {
        final byte[] frame = request.frame();
        request.stampSend(connection, token, nowNs);
        request.stampFirstIncomplete(inFlight.firstIncompleteId());
        buffer.wrap(frame);
        final long result = connection.publication().offer(buffer, 0, frame.length);
        if (result < 0) {
            request.unsent();
        }
        return result;
    }

    private TkvException offerFailure(final PendingRequest<?> request, final long result) {
        if (result == Publication.CLOSED || inFlight.isClosed()) {
            return new TkvException(ErrorCode.CLOSED, "ingress publication closed before " + request + " was sent");
        }
        return new TkvException(ErrorCode.NOT_CONNECTED, request + " could not be sent: offer returned " + result);
    }
}
