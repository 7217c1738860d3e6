package io.tkv.client;

import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.tkv.codec.Status;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client's poller: the one thread that reads the store's replies and owns the session. Each duty cycle it
 * runs the Aeron client conductor (invoker mode, so no extra thread), polls the egress subscription, drives the
 * session state machine, flushes the backlog and, once a millisecond, times out overdue requests.
 *
 * <p>Session state machine ({@link SessionState.Phase}), one method per phase:
 * <pre>
 *   DISCONNECTED --ingress connected, send Connect--> AWAIT_CHALLENGE --Challenge, send Authenticate-->
 *   AWAIT_CONNECTED --Connected OK--> ACTIVE;  Connected refused --> REFUSED --retry interval--> DISCONNECTED
 *   AWAIT_* --no answer within handshakeRetryIntervalMs--> DISCONNECTED (a fresh Connect)
 *   ACTIVE --ingress not connected, or the session's egress image gone--> DISCONNECTED
 *          (requests already on the wire fail with NOT_CONNECTED: their replies cannot come)
 *   ACTIVE --ErrorResponse UNAUTHENTICATED to a request under the current token--> DISCONNECTED
 *          (that request, and every other so answered, is resent once under the new session)
 *   ACTIVE --a request timed out and nothing came from the store for a whole request timeout--> DISCONNECTED
 * </pre>
 * The last rule covers a store that restarted faster than Aeron notices: a new store process drops requests
 * carrying a session it never issued, from a publication image it does not know, without a reply, and the old
 * egress image only times out after the driver's image liveness timeout (10 s by default). Requests already
 * sent keep their own timeouts; a needless handshake with a live store is harmless.
 */
final class SessionAgent implements Agent, EgressListener {
    private static final int FRAGMENT_LIMIT = 32;
    private static final long SWEEP_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long NO_CORRELATION_ID = Long.MIN_VALUE;

    private final AgentInvoker aeronInvoker;
    private final AgentInvoker driverInvoker;
    private final Subscription egress;
    private final FragmentAssembler assembler;
    private final IngressPublisher publisher;
    private final InFlightRequests inFlight;
    private final SessionState session;
    private final HmacProof proof;
    private final AtomicLong correlationIds;
    private final String egressChannel;
    private final int egressStreamId;
    private final String clientName;
    private final long handshakeRetryIntervalNs;
    private final long requestTimeoutMs;
    private final long requestTimeoutNs;
    private final NanoClock clock;
    private final CompletableFuture<Void> firstSession = new CompletableFuture<>();

    private long nowNs;
    private long connectCorrelationId = NO_CORRELATION_ID;
    private long authenticateCorrelationId = NO_CORRELATION_ID;
    private long phaseDeadlineNs;
    private long retryAtNs;
    private int sessionImageId;
    private boolean sessionImageLost;
    private boolean terminated;
    private long nextSweepNs;
    private long lastEgressFrameNs;
    private volatile long reconnects;

    SessionAgent(final AgentInvoker aeronInvoker, final AgentInvoker driverInvoker, final Subscription egress,
        final IngressPublisher publisher,
        final InFlightRequests inFlight, final SessionState session, final HmacProof proof,
        final AtomicLong correlationIds, final String egressChannel, final int egressStreamId, final String clientName,
        final long handshakeRetryIntervalMs, final long requestTimeoutMs, final NanoClock clock) {
        this.aeronInvoker = aeronInvoker;
        this.driverInvoker = driverInvoker;
        this.egress = egress;
        this.publisher = publisher;
        this.inFlight = inFlight;
        this.session = session;
        this.proof = proof;
        this.correlationIds = correlationIds;
        this.egressChannel = egressChannel;
        this.egressStreamId = egressStreamId;
        this.clientName = clientName;
        this.handshakeRetryIntervalNs = TimeUnit.MILLISECONDS.toNanos(handshakeRetryIntervalMs);
        this.requestTimeoutMs = requestTimeoutMs;
        this.clock = clock;
        this.assembler = new FragmentAssembler(new EgressAdapter(inFlight, this));
        this.requestTimeoutNs = TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
        this.nowNs = clock.nanoTime();
        this.nextSweepNs = nowNs;
        this.lastEgressFrameNs = nowNs;
    }

    /** @return completes when the first session is open, or fails when the store refuses it. */
    CompletableFuture<Void> firstSession() {
        return firstSession;
    }

    /** @return sessions re-established after the first (for tests and diagnostics). */
    long reconnects() {
        return reconnects;
    }

    @Override
    public int doWork() {
        nowNs = clock.nanoTime();
        // A caller sent or queued a request: count it as work, so the idle strategy resets its backoff and the
        // reply is picked up promptly rather than after a long park.
        int work = publisher.takeKick() ? 1 : 0;
        if (driverInvoker != null) {
            work += driverInvoker.invoke();
        }
        if (aeronInvoker != null) {
            work += aeronInvoker.invoke();
            if (aeronInvoker.isClosed() && !terminated) {
                terminate();
                return 1;
            }
        }
        final int fragments = egress.poll(assembler, FRAGMENT_LIMIT);
        if (fragments > 0) {
            lastEgressFrameNs = nowNs;
        }
        work += fragments;
        work += drivePhase();
        work += publisher.flushBacklog();
        if (nowNs - nextSweepNs >= 0) {
            nextSweepNs = nowNs + SWEEP_INTERVAL_NS;
            final int timedOut = inFlight.sweepTimeouts(nowNs, requestTimeoutMs);
            if (timedOut > 0 && session.isActive() && nowNs - lastEgressFrameNs > requestTimeoutNs) {
                // Silence for a whole timeout: the store may have restarted without us noticing. Re-handshake.
                lastEgressFrameNs = nowNs;
                phase(SessionState.Phase.DISCONNECTED, nowNs);
            }
            work += timedOut;
        }
        return work;
    }

    @Override
    public String roleName() {
        return "tkv-client-poller";
    }

    /** Aeron's unavailable-image callback, run by the conductor invoker on this agent's thread. */
    void onUnavailableImage(final Image image) {
        if (session.isActive() && image.sessionId() == sessionImageId) {
            sessionImageLost = true;
        }
    }

    @Override
    public void onChallenge(final long correlationId, final long handshakeId, final byte[] nonce) {
        if (session.phase() != SessionState.Phase.AWAIT_CHALLENGE || correlationId != connectCorrelationId) {
            return;
        }
        authenticateCorrelationId = correlationIds.incrementAndGet();
        final byte[] frame = IngressEncoder.current().authenticate(
            authenticateCorrelationId, handshakeId, proof.prove(nonce));
        if (publisher.offerOnce(frame)) {
            phase(SessionState.Phase.AWAIT_CONNECTED, nowNs + handshakeRetryIntervalNs);
        } else {
            phase(SessionState.Phase.DISCONNECTED, nowNs);
        }
    }

    @Override
    public void onConnected(
        final long correlationId, final short statusRaw, final long sessionToken, final SessionLimits limits,
        final String errorMessage, final int imageSessionId) {
        if (session.phase() != SessionState.Phase.AWAIT_CONNECTED || correlationId != authenticateCorrelationId) {
            return;
        }
        if (statusRaw == Status.OK.value()) {
            sessionImageId = imageSessionId;
            sessionImageLost = false;
            session.activate(sessionToken, limits);
            if (!firstSession.complete(null)) {
                reconnects++;
            }
        } else {
            final TkvException refusal = Statuses.toException(statusRaw, errorMessage);
            session.refuse(refusal);
            retryAtNs = nowNs + handshakeRetryIntervalNs;
            firstSession.completeExceptionally(refusal);
            publisher.failBacklog(refusal);
        }
    }

    @Override
    public void onUnauthenticated(final PendingRequest<?> request, final String errorMessage) {
        if (request.resent()) {
            inFlight.fail(request, new TkvException(ErrorCode.UNAUTHENTICATED,
                errorMessage + " (again, after a new session was opened for " + request + ")"));
            return;
        }
        // UNAUTHENTICATED guarantees the request had no effect: resend it once under a fresh session.
        final long staleToken = request.sentToken();
        request.markResent();
        request.unsent();
        publisher.enqueue(request);
        if (session.isActive() && staleToken == session.token()) {
            phase(SessionState.Phase.DISCONNECTED, nowNs);
        }
    }

    private int drivePhase() {
        switch (session.phase()) {
            case DISCONNECTED:
                return disconnected();
            case AWAIT_CHALLENGE:
            case AWAIT_CONNECTED:
                return awaitingHandshake();
            case ACTIVE:
                return active();
            case REFUSED:
                return refused();
            default:
                return 0;
        }
    }

    private int disconnected() {
        if (terminated || nowNs - retryAtNs < 0 || !publisher.isConnected()) {
            return 0;
        }
        connectCorrelationId = correlationIds.incrementAndGet();
        final byte[] frame = IngressEncoder.current().connect(
            connectCorrelationId, egressStreamId, egressChannel, clientName);
        if (publisher.offerOnce(frame)) {
            phase(SessionState.Phase.AWAIT_CHALLENGE, nowNs + handshakeRetryIntervalNs);
            return 1;
        }
        return 0;
    }

    private int awaitingHandshake() {
        if (nowNs - phaseDeadlineNs >= 0) {
            // The store dropped our Connect (busy, or our egress was not reachable yet): start over.
            phase(SessionState.Phase.DISCONNECTED, nowNs);
            return 1;
        }
        return 0;
    }

    private int active() {
        if (sessionImageLost) {
            connectionLost("the store's egress image went away");
            return 1;
        }
        if (!publisher.isConnected()) {
            connectionLost("the ingress publication lost its connection to the store");
            return 1;
        }
        return 0;
    }

    private int refused() {
        int work = publisher.failBacklog(session.refusal());
        if (!terminated && nowNs - retryAtNs >= 0) {
            phase(SessionState.Phase.DISCONNECTED, nowNs);
            work++;
        }
        return work;
    }

    private void connectionLost(final String reason) {
        final long lostToken = session.token();
        sessionImageLost = false;
        phase(SessionState.Phase.DISCONNECTED, nowNs);
        inFlight.failSentUnder(lostToken, () -> new TkvException(ErrorCode.NOT_CONNECTED,
            "connection to the store lost (" + reason + ") while the request was in flight; its effect is unknown"));
    }

    private void terminate() {
        terminated = true;
        final TkvException failure = new TkvException(ErrorCode.NOT_CONNECTED,
            "the Aeron client closed (media driver lost?)");
        session.refuse(failure);
        firstSession.completeExceptionally(failure);
        publisher.failBacklog(failure);
        inFlight.failSentUnder(session.token(), () -> failure);
    }

    private void phase(final SessionState.Phase next, final long deadlineOrRetryNs) {
        if (next == SessionState.Phase.DISCONNECTED) {
            retryAtNs = deadlineOrRetryNs;
        } else {
            phaseDeadlineNs = deadlineOrRetryNs;
        }
        session.phase(next);
    }
}
