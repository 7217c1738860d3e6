package io.tkv.client;

import org.agrona.CloseHelper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A routing client's tie to PD: PD's routes, the store addresses learnt from it, and the PD client it owns (closed
 * with the client). {@link #open} connects to PD before the client's own configuration is concluded, so stores
 * can come from PD when the configuration names none. Without PD endpoints it is empty: the stores are the only
 * source.
 */
final class PdRouting implements AutoCloseable {
    /** The most stores a client opens sessions with at start when PD picks them: others are reached on demand. */
    static final int MAX_STORES_AT_START = 3;

    private final PdRoutes routes;
    private final StoreAddresses addresses;
    private final AutoCloseable owned;

    private PdRouting(final PdRoutes routes, final AutoCloseable owned) {
        this.routes = routes;
        this.addresses = new StoreAddresses(routes);
        this.owned = owned;
    }

    /** @return no PD: regions come from the stores, and stores are reached as configured and hinted. */
    static PdRouting none() {
        return new PdRouting(null, null);
    }

    /**
     * Concludes the configuration, connecting to PD first when it names PD (and taking the stores from PD when it
     * names none).
     *
     * @throws TkvException as PD fails, or REGION_NOT_FOUND when stores are needed from PD and it lists none.
     */
    static PdRouting open(final ClientConfig ctx) {
        if (!ctx.routing().usesPd()) {
            ctx.conclude();
            return none();
        }
        final PdClient pd = PdClient.connect(pdConfig(ctx));
        try {
            List<PdStore> stores = List.of();
            try {
                stores = pd.stores();
            } catch (final TkvException ex) {
                if (!ctx.storeEndpointsSet()) {
                    throw ex;
                }
                // The stores are configured: the client can route without PD's book (a PD that lists no stores yet).
            }
            return of(ctx, pd, stores, pd);
        } catch (final RuntimeException ex) {
            CloseHelper.quietClose(pd);
            throw ex;
        }
    }

    /**
     * @param ctx    not concluded yet; concluded here.
     * @param routes PD (or a fake).
     * @param stores the stores PD listed.
     * @param owned  closed with the client, or null.
     */
    static PdRouting of(final ClientConfig ctx, final PdRoutes routes, final List<PdStore> stores,
        final AutoCloseable owned) {
        final PdRouting routing = new PdRouting(routes, owned);
        routing.addresses.learn(stores);
        if (!ctx.storeEndpointsSet()) {
            ctx.storeEndpoints(pickStores(stores));
        }
        ctx.conclude();
        return routing;
    }

    /** @return up to {@link #MAX_STORES_AT_START} stores to connect to, UP ones first, PD's order otherwise. */
    static List<String> pickStores(final List<PdStore> stores) {
        final List<String> picked = new ArrayList<>();
        for (final boolean upOnly : new boolean[] {true, false}) {
            for (final PdStore store : stores) {
                final boolean usable = Endpoints.isValid(store.address()) && !"TOMBSTONE".equals(store.state());
                if (usable && (!upOnly || "UP".equals(store.state())) && !picked.contains(store.address())
                    && picked.size() < MAX_STORES_AT_START) {
                    picked.add(store.address());
                }
            }
        }
        if (picked.isEmpty()) {
            throw new TkvException(ErrorCode.REGION_NOT_FOUND, "PD lists no store to connect to: " + stores);
        }
        return picked;
    }

    /** @return the settings of the PD client a routing client runs: its PD endpoints, secret, timeouts and driver. */
    static ClientConfig pdConfig(final ClientConfig ctx) {
        final ClientConfig pd = new ClientConfig().storeEndpoints(ctx.routing().pdEndpoints()).secret(ctx.secret())
            .requestTimeoutMs(ctx.requestTimeoutMs()).connectTimeoutMs(ctx.connectTimeoutMs())
            .retryBackoffInitialMs(ctx.retryBackoffInitialMs()).retryBackoffMaxMs(ctx.retryBackoffMaxMs())
            .idleStrategySupplier(ctx.idleStrategySupplier()).errorHandler(ctx.errorHandler());
        if (ctx.aeronDirectoryName() != null) {
            pd.aeronDirectoryName(ctx.aeronDirectoryName());
        }
        if (ctx.clientName() != null) {
            pd.clientName(ctx.clientName() + "-pd");
        }
        return pd;
    }

    /** @return whether the client asks PD. */
    boolean usesPd() {
        return routes != null;
    }

    StoreAddresses addresses() {
        return addresses;
    }

    /**
     * @param stores the stores' LocateRegion, the source without PD and PD's fallback.
     * @param poller runs PD's answers on the client's poller.
     * @param cache  the client's regions: an answer older than it is not taken.
     * @return where the client locates regions.
     */
    RegionSource source(final RegionSource stores, final Executor poller, final RegionCache cache) {
        return routes == null ? stores : new PdRegionSource(routes, stores, addresses, poller,
            cache::isOlderThanCached);
    }

    @Override
    public void close() {
        CloseHelper.quietClose(owned);
    }
}
