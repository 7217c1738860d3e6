package io.tkv.client;

/**
 * Which store a request goes to: for a request routed by key, the leader of its region as the {@link RegionCache}
 * entry knows it; for any other, the store the {@link LeaderRouter} follows. A region's leader moves as the client
 * learns:
 * <ul>
 *   <li>NOT_LEADER with a hint: to the hinted store (opening a session with it if needed), unless it is lost;</li>
 *   <li>NOT_LEADER without a usable hint, the leader unknown, or its session lost: to the next store of the region's
 *       peers with an open session, in the order the region lists them; if none, the store the client talks to by
 *       default, which names the leader if it knows one.</li>
 * </ul>
 * A store named by id only (PD's regions name leaders by store id) is reached at the address PD gave for it
 * ({@link StoreAddresses}), with a session opened on first use; one PD has not named yet is asked of PD meanwhile.
 */
final class RegionRoutes {
    private final StoreConnections connections;
    private final LeaderRouter router;
    private final long graceNs;
    private final StoreAddresses addresses;

    RegionRoutes(final StoreConnections connections, final LeaderRouter router, final long graceNs,
        final StoreAddresses addresses) {
        this.connections = connections;
        this.router = router;
        this.graceNs = graceNs;
        this.addresses = addresses;
    }

    /**
     * The caller thread's choice, from what is settled: the region's leader if its session is open.
     *
     * @return the store to offer to now, or null to hand the request to the poller (which decides with
     *     {@link #target}).
     */
    StoreConnection settledTarget(final PendingRequest<?> request) {
        final CachedRegion region = request.region();
        if (region == null) {
            return router.leader();
        }
        final StoreConnection leader = region.leader();
        if (leader == null) {
            // Nothing known of the leader: the store the client talks to by default, which hints at the leader.
            return region.leaderStoreId() == 0 ? router.leader() : null;
        }
        return leader.isActive() ? leader : null;
    }

    /** @return the store to send the request to now. Poller thread only. */
    StoreConnection target(final PendingRequest<?> request, final long nowNs) {
        final CachedRegion region = request.region();
        return region == null ? router.leader() : leaderOf(region, nowNs);
    }

    /** @return the store taken for the region's leader, resolving and moving it as needed. Poller thread only. */
    StoreConnection leaderOf(final CachedRegion region, final long nowNs) {
        final StoreConnection known = region.leader();
        if (known != null && known.isUsable(nowNs, graceNs)) {
            return known;
        }
        final long leaderStoreId = region.leaderStoreId();
        if (known == null && leaderStoreId > 0) {
            final StoreConnection byId = byId(leaderStoreId, nowNs);
            if (byId != null && byId.isUsable(nowNs, graceNs)) {
                region.leader(leaderStoreId, byId);
                return byId;
            }
        }
        final StoreConnection peer = nextPeer(region, leaderStoreId);
        if (peer != null) {
            region.leader(peer.storeId(), peer);
            return peer;
        }
        // No peer to try: forget the leader, so requests go to the default store until one names it.
        region.leader(0, null);
        return router.leader();
    }

    /**
     * A store said NOT_LEADER to a request routed to {@code region}. Poller thread only.
     *
     * @return whether to resend at once: the region's leader is now the store the hint names.
     */
    boolean onNotLeader(final CachedRegion region, final StoreConnection from, final long hintStoreId,
        final String hintEndpoint, final long nowNs) {
        StoreConnection hinted = null;
        if (hintEndpoint != null && !hintEndpoint.isEmpty()) {
            hinted = connections.connect(hintEndpoint, nowNs);
        }
        if (hinted == null) {
            hinted = byId(hintStoreId, nowNs);
        }
        if (hinted != null && hinted != from && hinted.isUsable(nowNs, graceNs)) {
            region.leader(hintStoreId > 0 ? hintStoreId : hinted.storeId(), hinted);
            return true;
        }
        final long fromStoreId = from == null ? region.leaderStoreId() : from.storeId();
        final StoreConnection peer = nextPeer(region, fromStoreId);
        final StoreConnection next = peer != null ? peer : from == null ? router.leader() : connections.nextAfter(from);
        region.leader(next.storeId(), next);
        return false;
    }

    /**
     * @return the connection to the store: the one whose session is with it, else one opened to the address PD gave
     *     for it; null when it has neither (PD is asked for the address meanwhile, for the next request).
     */
    private StoreConnection byId(final long storeId, final long nowNs) {
        final StoreConnection known = connections.byStoreId(storeId);
        if (known != null || storeId <= 0 || addresses == null) {
            return known;
        }
        final String endpoint = addresses.endpoint(storeId);
        if (endpoint == null) {
            addresses.resolve(storeId);
            return null;
        }
        return connections.connect(endpoint, nowNs);
    }

    /** @return the first store with an open session among the region's peers after {@code afterStoreId}, or null. */
    private StoreConnection nextPeer(final CachedRegion region, final long afterStoreId) {
        final long[] stores = region.peerStoreIds();
        int at = -1;
        for (int i = 0; i < stores.length; i++) {
            if (stores[i] == afterStoreId) {
                at = i;
            }
        }
        for (int i = 1; i <= stores.length; i++) {
            final long storeId = stores[Math.floorMod(at + i, stores.length)];
            if (storeId == afterStoreId) {
                continue;
            }
            final StoreConnection connection = connections.byStoreId(storeId);
            if (connection != null && connection.isActive()) {
                return connection;
            }
        }
        return null;
    }
}
