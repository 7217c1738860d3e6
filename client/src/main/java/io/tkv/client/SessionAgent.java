package io.tkv.client;

import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's poller: the one thread that reads the stores' replies and owns the sessions and the routing. Each
 * duty cycle it runs the embedded driver and the Aeron client conductor (invoker mode, so no extra thread), polls
 * the egress subscription, drives each store's session state machine ({@link StoreConnection}) and the
 * {@link LeaderRouter}, releases backed-off retries, flushes the backlog to the leader and, once a millisecond,
 * sweeps the requests in flight:
 * <ul>
 *   <li>a request past its deadline fails with a timeout;</li>
 *   <li>a request whose copy on the wire went under a session that has ended (the store went away, restarted,
 *       or a new session replaced it) is resent, to whichever store leads by then: its reply cannot come;</li>
 *   <li>a store from which nothing at all arrived while a request waited on it for the silence timeout (or a
 *       whole request timeout) is taken for lost: a killed or frozen leader, or a store that restarted faster
 *       than Aeron notices (a new store process drops requests under a session it never issued without a
 *       reply). Its requests go to the next store; a fresh handshake with a live store is harmless.</li>
 * </ul>
 */
final class SessionAgent implements Agent, EgressListener, StoreConnection.Listener, InFlightRequests.SweepVisitor {
    private static final int FRAGMENT_LIMIT = 32;
    private static final long SWEEP_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AgentInvoker aeronInvoker;
    private final AgentInvoker driverInvoker;
    private final Subscription egress;
    private final EgressAdapter adapter;
    private final FragmentAssembler assembler;
    private final IngressPublisher publisher;
    private final InFlightRequests inFlight;
    private final StoreConnections connections;
    private final LeaderRouter router;
    private final RequestRetries retries;
    private RegionRetries regionRetries;
    private PollerTasks tasks;
    private final long requestTimeoutMs;
    private final long silenceTimeoutNs;
    private final NanoClock clock;
    private final CompletableFuture<Void> firstSession = new CompletableFuture<>();

    private long nowNs;
    private boolean terminated;
    private long nextSweepNs;

    SessionAgent(final AgentInvoker aeronInvoker, final AgentInvoker driverInvoker, final Subscription egress,
        final IngressPublisher publisher, final InFlightRequests inFlight, final StoreConnections connections,
        final LeaderRouter router, final RequestRetries retries, final ClientConfig ctx, final NanoClock clock) {
        this.aeronInvoker = aeronInvoker;
        this.driverInvoker = driverInvoker;
        this.egress = egress;
        this.publisher = publisher;
        this.inFlight = inFlight;
        this.connections = connections;
        this.router = router;
        this.retries = retries;
        this.requestTimeoutMs = ctx.requestTimeoutMs();
        this.silenceTimeoutNs = TimeUnit.MILLISECONDS.toNanos(ctx.storeSilenceTimeoutMs());
        this.clock = clock;
        this.adapter = new EgressAdapter(inFlight, this);
        this.assembler = new FragmentAssembler(adapter);
        this.nowNs = clock.nanoTime();
        this.nextSweepNs = nowNs;
    }

    /** Who handles refusals of requests routed by key; set once, before the poller starts. */
    void regionRetries(final RegionRetries regionRetries) {
        this.regionRetries = regionRetries;
    }

    /** What other threads hand to the poller (PD's answers); set once, before the poller starts. */
    void tasks(final PollerTasks tasks) {
        this.tasks = tasks;
    }

    /** @return completes when the first session with any store is open, or fails when a store refuses it. */
    CompletableFuture<Void> firstSession() {
        return firstSession;
    }

    /** @return replies dropped because the request's copy went to another store or session (diagnostics). */
    long ignoredReplies() {
        return adapter.foreignReplies();
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
        work += egress.poll(assembler, FRAGMENT_LIMIT);
        work += connections.doWork(nowNs);
        work += router.doWork(nowNs);
        work += tasks.drain();
        work += retries.release(nowNs);
        work += publisher.flushBacklog(nowNs);
        if (nowNs - nextSweepNs >= 0) {
            nextSweepNs = nowNs + SWEEP_INTERVAL_NS;
            work += inFlight.sweep(nowNs, requestTimeoutMs, this);
        }
        return work;
    }

    @Override
    public String roleName() {
        return "tkv-client-poller";
    }

    /** Aeron's unavailable-image callback, run by the conductor invoker on this agent's thread. */
    void onUnavailableImage(final Image image) {
        connections.onImageLost(image.sessionId());
    }

    // ---------------------------------------------------------------------------------------------- egress

    @Override
    public void onChallenge(final long correlationId, final long handshakeId, final byte[] nonce) {
        connections.onChallenge(correlationId, handshakeId, nonce, nowNs);
    }

    @Override
    public void onConnected(final long correlationId, final short statusRaw, final long sessionToken,
        final SessionLimits limits, final String errorMessage, final int imageSessionId, final long storeId) {
        connections.onConnected(correlationId, statusRaw, sessionToken, limits, errorMessage, imageSessionId,
            storeId, nowNs);
    }

    @Override
    public boolean onReply(final PendingRequest<?> request, final int imageSessionId) {
        final StoreConnection sentTo = request.sentTo();
        if (sentTo == null || !sentTo.ownsImage(imageSessionId)) {
            return false;
        }
        sentTo.frameReceived(nowNs);
        return true;
    }

    @Override
    public void onNotLeader(final PendingRequest<?> request, final long hintStoreId, final String hintEndpoint,
        final String errorMessage) {
        retries.onNotLeader(request, hintStoreId, hintEndpoint, errorMessage, nowNs);
    }

    @Override
    public void onRegionError(final PendingRequest<?> request, final TkvException failure) {
        regionRetries.onRegionError(request, failure, nowNs);
    }

    @Override
    public void onServerBusy(final PendingRequest<?> request, final String errorMessage) {
        retries.onServerBusy(request, errorMessage, nowNs);
    }

    @Override
    public void onUnauthenticated(final PendingRequest<?> request, final String errorMessage) {
        retries.onUnauthenticated(request, errorMessage, nowNs);
    }

    // ---------------------------------------------------------------------------------------------- sessions

    @Override
    public void onActivated(final StoreConnection connection) {
        router.onActivated(connection, nowNs);
        firstSession.complete(null);
    }

    @Override
    public void onRefused(final StoreConnection connection, final TkvException refusal) {
        firstSession.completeExceptionally(refusal);
    }

    @Override
    public void onLost(final StoreConnection connection, final String reason) {
        router.onLost(connection);
    }

    // ---------------------------------------------------------------------------------------------- sweep

    @Override
    public void onTimedOut(final PendingRequest<?> request) {
        final StoreConnection sentTo = request.sentTo();
        if (sentTo != null && sentTo.isActive() && sentTo.isSilentSince(request.sentAtNs())) {
            sentTo.markLost(nowNs, "nothing came from the store between sending " + request + " and its timeout", true);
        }
    }

    @Override
    public void onWaiting(final PendingRequest<?> request) {
        if (request.isCallerOwned()) {
            return;
        }
        final long sentToken = request.sentToken();
        final StoreConnection sentTo = request.sentTo();
        if (sentTo == null) {
            return;
        }
        if (!sentTo.isActive() || sentToken != sentTo.session().token()) {
            retries.onStaleCopy(request, nowNs);
        } else if (nowNs - request.sentAtNs() >= silenceTimeoutNs && sentTo.isSilentSince(request.sentAtNs())) {
            sentTo.markLost(nowNs, "nothing came from the store for " +
                TimeUnit.NANOSECONDS.toMillis(silenceTimeoutNs) + " ms while requests waited", true);
            retries.onStaleCopy(request, nowNs);
        }
    }

    private void terminate() {
        terminated = true;
        final TkvException failure = new TkvException(ErrorCode.NOT_CONNECTED,
            "the Aeron client closed (media driver lost?)");
        connections.terminate(failure);
        firstSession.completeExceptionally(failure);
        publisher.failBacklog(failure);
        retries.failAll(failure);
        inFlight.failAll(() -> failure);
    }
}
