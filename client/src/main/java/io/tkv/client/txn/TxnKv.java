package io.tkv.client.txn;

import io.tkv.client.ClientConfig;
import io.tkv.client.PdClient;
import io.tkv.client.RawKvClient;
import io.tkv.client.TxnRegionGrouping;
import io.tkv.client.TxnRpc;

/**
 * A {@link TxnKvClient} on a real cluster, with the connections it runs on: a {@link RawKvClient} to the stores
 * (sessions, routing, region cache) and a {@link PdClient} for the TSO. Closing it closes the transactional client
 * first (its background commits finish), then the connections.
 *
 * <pre>{@code
 * try (TxnKv kv = TxnKv.connect(storeConfig, pdConfig, new TxnConfig())) {
 *     try (Transaction txn = kv.client().begin()) { ... }
 * }
 * }</pre>
 */
public final class TxnKv implements AutoCloseable {
    private final RawKvClient stores;
    private final PdClient pd;
    private final TxnRpc rpc;
    private final TxnKvClient client;

    private TxnKv(final RawKvClient stores, final PdClient pd, final TxnConfig config) {
        this.stores = stores;
        this.pd = pd;
        this.rpc = TxnRpc.of(stores);
        final TxnConfig concluded = config.conclude();
        this.client = new TxnKvClient(new RpcTxnTransport(rpc, TxnRegionGrouping.of(stores), pd,
            concluded.requestTimeoutMs(), concluded.requestTimeoutMs()), concluded);
    }

    /**
     * Connects to the stores and to PD.
     *
     * @param storeConfig the stores' client settings (endpoints or PD routing, secret, timeouts).
     * @param pdConfig    PD's client settings ({@link ClientConfig#storeEndpoints} are PD members).
     * @param config      the transactional knobs.
     * @return the connected client; close it.
     */
    public static TxnKv connect(final ClientConfig storeConfig, final ClientConfig pdConfig, final TxnConfig config) {
        final PdClient pd = PdClient.connect(pdConfig);
        try {
            return new TxnKv(RawKvClient.connect(storeConfig), pd, config);
        } catch (final RuntimeException ex) {
            pd.close();
            throw ex;
        }
    }

    /** @return the transactional client. */
    public TxnKvClient client() {
        return client;
    }

    /** @return the low-level requests over the same connections (admin and tests). */
    public TxnRpc rpc() {
        return rpc;
    }

    /** @return the stores' client. */
    public RawKvClient stores() {
        return stores;
    }

    /** @return PD's client. */
    public PdClient pd() {
        return pd;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            try {
                stores.close();
            } finally {
                pd.close();
            }
        }
    }
}
