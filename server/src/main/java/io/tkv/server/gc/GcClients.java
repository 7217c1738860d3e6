package io.tkv.server.gc;

import io.tkv.client.PdClient;
import io.tkv.client.RawKvClient;
import io.tkv.client.TxnRegionGrouping;
import io.tkv.client.TxnRpc;
import io.tkv.client.txn.LockResolver;
import io.tkv.client.txn.RpcTxnTransport;
import io.tkv.client.txn.TxnConfig;
import org.agrona.CloseHelper;

import java.util.function.Supplier;

/**
 * The clients GC resolves locks with: the store's own client to the cluster's stores (a lock's primary may be in any
 * region on any store), routed through PD, connected only when GC first meets a lock, on the resolver's thread — a
 * store that never meets one holds no session with itself or its peers. The GC thread's PD client is connected by its
 * {@link io.tkv.server.storepd.PdConnector}; closing this closes the resolver and the store client.
 */
public final class GcClients implements AutoCloseable {
    private final Supplier<RawKvClient> connectStores;
    private ClientLockResolver resolver;
    /** Guarded by this: connected on the resolver's thread, closed by the store. */
    private RawKvClient stores;
    private LockResolver lockResolver;
    private PdClient pd;

    /**
     * @param connectStores connects to the stores, routing through PD (throws if it cannot); first called when GC
     *                      meets a lock.
     */
    public GcClients(final Supplier<RawKvClient> connectStores) {
        this.connectStores = connectStores;
    }

    /**
     * @param pdClient the GC thread's PD client (timestamps for lock resolution).
     * @return GC's lock resolver over these clients.
     */
    public synchronized ClientLockResolver resolver(final PdClient pdClient) {
        this.pd = pdClient;
        if (resolver == null) {
            resolver = new ClientLockResolver(locks -> lockResolver().resolve(0, locks));
        }
        return resolver;
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
    public synchronized void close() {
        CloseHelper.quietClose(resolver);
        CloseHelper.quietClose(stores);
    }
}
