package io.tkv.server.gc;

import io.tkv.client.PdClient;
import io.tkv.client.RawKvClient;
import io.tkv.client.TxnRegionGrouping;
import io.tkv.client.TxnRpc;
import io.tkv.client.txn.LockResolver;
import io.tkv.client.txn.RpcTxnTransport;
import io.tkv.client.txn.TxnConfig;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The GC thread before its driver exists: connects the store's own PD client (the safe point), then becomes the
 * {@link GcDriver} built on it. A connect blocks this thread only; on failure it tries again after a back-off that
 * doubles up to {@link #MAX_BACKOFF_MS}, as the store's PD worker does. The store's client to the cluster's stores,
 * which lock resolution needs (a lock's primary may be in any region on any store), is connected only when GC first
 * meets a lock, on the resolver's thread: a store that never meets one holds no session with itself or its peers.
 * Closes the resolver and the clients with the agent.
 */
public final class GcConnector implements Agent {
    /** Longest wait between two attempts. */
    static final long MAX_BACKOFF_MS = 10_000;
    private static final long FIRST_BACKOFF_MS = 250;
    private static final Logger LOG = LoggerFactory.getLogger(GcConnector.class);

    /** What the driver is built from once connected. */
    public record Clients(PdClient pd, ClientLockResolver resolver) {
    }

    private final Supplier<PdClient> connectPd;
    private final Supplier<RawKvClient> connectStores;
    private final Function<Clients, GcDriver> driver;
    private final EpochClock clock;
    private PdClient pd;
    /** Guarded by this: connected on the resolver's thread, closed on the GC thread. */
    private RawKvClient stores;
    private LockResolver lockResolver;
    private ClientLockResolver resolver;
    private GcDriver delegate;
    private long backoffMs = FIRST_BACKOFF_MS;
    private long nextAttemptMs;

    /**
     * @param connectPd     connects to PD (throws if it cannot).
     * @param connectStores connects to the stores, routing through PD (throws if it cannot); first called when GC
     *                      meets a lock.
     * @param driver        the driver for connected clients.
     * @param clock         the wall clock.
     */
    public GcConnector(final Supplier<PdClient> connectPd, final Supplier<RawKvClient> connectStores,
        final Function<Clients, GcDriver> driver, final EpochClock clock) {
        this.connectPd = connectPd;
        this.connectStores = connectStores;
        this.driver = driver;
        this.clock = clock;
    }

    @Override
    public int doWork() throws Exception {
        if (delegate != null) {
            return delegate.doWork();
        }
        final long nowMs = clock.time();
        if (nowMs < nextAttemptMs) {
            return 0;
        }
        try {
            pd = connectPd.get();
        } catch (final RuntimeException ex) {
            LOG.warn("GC cannot reach PD ({}); trying again in {} ms", ex.getMessage(), backoffMs);
            nextAttemptMs = clock.time() + backoffMs;
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            return 0;
        }
        resolver = new ClientLockResolver(locks -> lockResolver().resolve(0, locks));
        delegate = driver.apply(new Clients(pd, resolver));
        return 1;
    }

    /**
     * Resolver thread: the client's lock resolver, its connection to the stores made on first use (a failure fails
     * this resolution; GC tries again at its next pass).
     */
    private synchronized LockResolver lockResolver() {
        if (lockResolver == null) {
            if (stores == null) {
                stores = connectStores.get();
            }
            final TxnConfig txn = new TxnConfig().conclude();
            lockResolver = new LockResolver(new RpcTxnTransport(TxnRpc.of(stores), TxnRegionGrouping.of(stores), pd,
                txn.requestTimeoutMs(), txn.requestTimeoutMs()), txn);
        }
        return lockResolver;
    }

    @Override
    public void onClose() {
        CloseHelper.quietClose(resolver);
        synchronized (this) {
            CloseHelper.quietClose(stores);
        }
        CloseHelper.quietClose(pd);
    }

    @Override
    public String roleName() {
        return "tkv-gc";
    }

    /** @return the driver, once connected; null before. */
    public GcDriver driver() {
        return delegate;
    }
}
