package io.tkv.client;

import io.aeron.Publication;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.locks.LockSupport;

/**
 * Puts requests on the store's ingress publication (a concurrent Aeron publication, safe to offer from any
 * thread).
 *
 * <p>While the session is active, the calling thread offers its own frame: no hand-off to another thread, so
 * no added latency. It retries back-pressure with a backoff until the request's deadline. Otherwise (connecting,
 * reconnecting, a resend after UNAUTHENTICATED, or a call from the poller thread itself) the request goes to a
 * backlog the poller flushes, without blocking, once the session is active. New requests queue behind a
 * non-empty backlog so one thread's requests keep their order across a reconnect, as far as possible; the client
 * makes no ordering promise between requests in flight at the same time.
 */
final class IngressPublisher {
    private static final ThreadLocal<UnsafeBuffer> SEND_BUFFERS = ThreadLocal.withInitial(UnsafeBuffer::new);

    private final Publication publication;
    private final SessionState session;
    private final InFlightRequests inFlight;
    private final ManyToOneConcurrentLinkedQueue<PendingRequest<?>> backlog = new ManyToOneConcurrentLinkedQueue<>();
    private final UnsafeBuffer pollerBuffer = new UnsafeBuffer();
    private final long requestTimeoutMs;
    private volatile Thread pollerThread;
    private volatile boolean kicked;

    IngressPublisher(final Publication publication, final SessionState session, final InFlightRequests inFlight,
        final long requestTimeoutMs) {
        this.publication = publication;
        this.session = session;
        this.inFlight = inFlight;
        this.requestTimeoutMs = requestTimeoutMs;
    }

    /** Set once the poller runs, so senders can wake it and recognise it. */
    void pollerThread(final Thread thread) {
        this.pollerThread = thread;
    }

    boolean onPollerThread() {
        return Thread.currentThread() == pollerThread;
    }

    /**
     * Sends a registered request, or queues it for the poller. Called on the caller's thread.
     *
     * @param request registered with {@link InFlightRequests}.
     */
    void submit(final PendingRequest<?> request) {
        if (request.frame().length > publication.maxMessageLength()) {
            inFlight.fail(request, new TkvException(ErrorCode.TOO_LARGE, request + " encodes to " +
                request.frame().length + " bytes, over the ingress channel's message limit of " +
                publication.maxMessageLength()));
            return;
        }
        final SessionState.Phase phase = session.phase();
        if (phase == SessionState.Phase.REFUSED) {
            inFlight.fail(request, session.refusal());
            return;
        }
        if (phase != SessionState.Phase.ACTIVE || !backlog.isEmpty() || onPollerThread()) {
            enqueue(request);
            return;
        }
        offerFromCaller(request, session.token());
        wakePoller();
    }

    /** Hands a request to the poller, which sends it once the session is active. Any thread. */
    void enqueue(final PendingRequest<?> request) {
        backlog.offer(request);
        wakePoller();
    }

    /**
     * Sends what waits in the backlog, stopping at the first back-pressure. Poller thread only.
     *
     * @return requests sent or dropped.
     */
    int flushBacklog() {
        int work = 0;
        PendingRequest<?> request;
        while ((request = backlog.peek()) != null) {
            if (request.isDone()) {
                backlog.poll();
                work++;
                continue;
            }
            if (!session.isActive()) {
                break;
            }
            final long result = offer(pollerBuffer, request, session.token());
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

    /**
     * Fails everything in the backlog (the store refused the session). Poller thread only.
     *
     * @return requests failed.
     */
    int failBacklog(final TkvException failure) {
        int failed = 0;
        PendingRequest<?> request;
        while ((request = backlog.poll()) != null) {
            if (inFlight.fail(request, failure)) {
                failed++;
            }
        }
        return failed;
    }

    /**
     * One attempt to send a session frame (Connect, Authenticate, Disconnect); the handshake retries on its
     * own timer.
     *
     * @return whether it was sent.
     */
    boolean offerOnce(final byte[] frame) {
        final UnsafeBuffer buffer = SEND_BUFFERS.get();
        buffer.wrap(frame);
        return publication.offer(buffer, 0, frame.length) > 0;
    }

    /** @return whether the ingress publication has a connected subscriber (the store). */
    boolean isConnected() {
        return publication.isConnected();
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

    private void offerFromCaller(final PendingRequest<?> request, final long token) {
        final UnsafeBuffer buffer = SEND_BUFFERS.get();
        IdleStrategy idle = null;
        while (true) {
            final long result = offer(buffer, request, token);
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
    }

    private long offer(final UnsafeBuffer buffer, final PendingRequest<?> request, final long token) {
        final byte[] frame = request.frame();
        request.stampToken(token);
        request.stampFirstIncomplete(inFlight.firstIncompleteId());
        buffer.wrap(frame);
        final long result = publication.offer(buffer, 0, frame.length);
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
