package io.tkv.client;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything behind a {@link RawKvClient} but its API: the Aeron transport, a connection per store, the leader
 * routing, the in-flight table, and the poller thread that runs them; wired once, started, and closed in order.
 */
final class ClientRuntime implements AutoCloseable {
    /** How long a close runs the embedded driver after the poller stopped, for the Disconnects to go out. */
    private static final long DISCONNECT_FLUSH_MS = 20;

    private final ClientConfig ctx;
    private final AtomicLong correlationIds = new AtomicLong(ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL);
    private final InFlightRequests inFlight;
    private final ClientTransport transport;
    private final StoreConnections connections;
    private final LeaderRouter router;
    private final IngressPublisher publisher;
    private final SessionAgent agent;
    private final AgentRunner runner;
    private final RequestSubmitter submitter;
    private final RegionCache regionCache = new RegionCache();
    private final RegionSource regionSource;
    private final PdRouting pd;
    private final PollerTasks pollerTasks = new PollerTasks();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ClientRuntime(final ClientConfig ctx, final byte[] clientKey, final PdRouting pd,
        final long connectDeadlineNs) {
        this.ctx = ctx;
        this.pd = pd;
        this.inFlight = new InFlightRequests(ctx.maxInFlight(), correlationIds);
        this.transport = ClientTransport.open(ctx, connectDeadlineNs);
        try {
            final NanoClock clock = new SystemNanoClock();
            final HandshakeFrames handshake = new HandshakeFrames(new HmacProof(ctx.secret(), clientKey),
                correlationIds, transport.resolvedEgressChannel(), ctx.egressStreamId(), ctx.clientName());
            connections = new StoreConnections(ctx, transport, handshake, clock.nanoTime());
            final long graceNs = TimeUnit.MILLISECONDS.toNanos(ctx.storeSilenceTimeoutMs());
            router = new LeaderRouter(connections, graceNs);
            final RegionRoutes routes = new RegionRoutes(connections, router, graceNs, pd.addresses());
            publisher = new IngressPublisher(routes, inFlight, ctx.requestTimeoutMs(),
                connections.first().publication().maxMessageLength());
            final RequestRetries retries = new RequestRetries(publisher, inFlight, router, routes, ctx);
            submitter = new RequestSubmitter(inFlight, publisher, router, ctx.requestTimeoutMs());
            regionSource = pd.source(new StoreRegionSource(submitter, connections, router, pd.addresses(), pollerTasks,
                regionCache::isOlderThanCached), pollerTasks, regionCache);
            agent = new SessionAgent(transport.aeronInvoker(), transport.driverInvoker(), transport.egress(),
                publisher, inFlight, connections, router, retries, ctx, clock);
            agent.regionRetries(new RegionRetries(regionCache, regionSource, retries, routes, inFlight));
            agent.tasks(pollerTasks);
            connections.listener(agent);
            transport.imageLossListener(agent::onUnavailableImage);
            runner = new AgentRunner(ctx.idleStrategySupplier().get(), ctx.errorHandler(), null, agent);
        } catch (final RuntimeException ex) {
            transport.close();
            throw ex;
        }
        AgentRunner.startOnThread(runner, runnable -> {
            final Thread thread = new Thread(runnable, "tkv-client-poller-" + ctx.clientName());
            thread.setDaemon(true);
            publisher.pollerThread(thread);
            return thread;
        });
    }

    /**
     * Opens the transport and a connection to every configured store, starts the poller, and waits for the first
     * session with any of them.
     *
     * @param ctx       concluded.
     * @param clientKey the client's key ({@code ClientIds}): every handshake proves it, binding its client id.
     * @return the running client machinery.
     * @throws TkvTimeoutException if no session within the connect timeout.
     * @throws TkvException        with {@link ErrorCode#UNAUTHENTICATED} if a store refused the secret.
     */
    static ClientRuntime start(final ClientConfig ctx, final byte[] clientKey) {
        return start(ctx, clientKey, PdRouting.none());
    }

    /**
     * As {@link #start(ClientConfig, byte[])}, routing by PD when {@code pd} has it.
     *
     * @param pd owned from here: closed with the runtime, or at once if the start fails.
     */
    static ClientRuntime start(final ClientConfig ctx, final byte[] clientKey, final PdRouting pd) {
        final long connectDeadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ctx.connectTimeoutMs());
        final ClientRuntime runtime;
        try {
            runtime = new ClientRuntime(ctx, clientKey, pd, connectDeadlineNs);
        } catch (final RuntimeException ex) {
            pd.close();
            throw ex;
        }
        runtime.awaitFirstSession(connectDeadlineNs);
        return runtime;
    }

    RequestSubmitter submitter() {
        return submitter;
    }

    /** @return where requests routed by key find their region. */
    RegionCache regionCache() {
        return regionCache;
    }

    /** @return where the client locates a key's region on a cache miss. */
    RegionSource regionSource() {
        return regionSource;
    }

    boolean isConnected() {
        return router.leader().isActive();
    }

    String leaderEndpoint() {
        return router.leader().endpoint();
    }

    int inFlightCount() {
        return inFlight.size();
    }

    long reconnectCount() {
        return connections.reconnects();
    }

    int openSessions() {
        return connections.activeCount();
    }

    long ignoredReplies() {
        return agent.ignoredReplies();
    }

    /**
     * Sends Disconnect on every open session (best effort), stops the poller, fails requests still in flight with
     * {@link ErrorCode#CLOSED}, and closes Aeron and the embedded media driver. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        connections.disconnectAll();
        CloseHelper.close(ctx.errorHandler(), runner);
        // The embedded driver ran on the poller's duty cycle, which just stopped: give the Disconnects a moment to
        // leave (best effort; a store also retires a session whose client went away, after its handshake timeout).
        transport.flushEmbeddedDriver(DISCONNECT_FLUSH_MS);
        for (final StoreConnection connection : connections.all()) {
            connection.session().phase(SessionState.Phase.CLOSED);
        }
        inFlight.close();
        transport.close();
        pd.close();
    }

    private void awaitFirstSession(final long deadlineNs) {
        try {
            agent.firstSession().get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (final ExecutionException ex) {
            close();
            throw Futures.rethrowable(ex.getCause());
        } catch (final TimeoutException ex) {
            final String states = connections.describe();
            close();
            throw new TkvTimeoutException("no session with any store of " + ctx.storeEndpoints() + " within " +
                ctx.connectTimeoutMs() + " ms (" + states + ")");
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
