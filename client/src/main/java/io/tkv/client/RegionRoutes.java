package io.tkv.client;

/**
 * Which store a request goes to: for a request routed by key, the leader of its region as the {@link RegionCache}
 * entry knows it; for any other, the store the {@link LeaderRouter} follows. A region's leader moves as the client
 * learns:
 * <ul>
 *   <li>NOT_LEADER with a hint: to the hinted store (opening a session with it if needed), unless it is lost;</li>
 *   <li>NOT_LEADER without a usable hint, REGION_NOT_FOUND from the store taken for the leader, the leader unknown,
 *       or its session lost: to the next store of the region's peers with an open session, in the order the region
 *       lists them, else one the client can open a session with (PD named its address); if none, the store the
 *       client talks to by default, which names the leader if it knows one.</li>
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
        final StoreConnection pinned = request.pinnedTo();
        if (pinned != null) {
            return pinned.isActive() ? pinned : null;
        }
        final CachedRegion region = request.region();
        if (region == null) {
            return router.leader();
        }
        final StoreConnection leader = region.leader();
        if (leader == null) {
            // Nothing known of the leader and no peer to try (the founding region's guess): the store the client
            // talks to by default, which hints at the leader. With peers, the poller tries them.
            return region.leaderStoreId() == 0 && region.peerStoreIds().length == 0 ? router.leader() : null;
        }
        return leader.isActive() ? leader : null;
    }

    /** @return the store to send the request to now. Poller thread only. */
    StoreConnection target(final PendingRequest<?> request, final long nowNs) {
        final StoreConnection pinned = request.pinnedTo();
        if (pinned != null) {
            return pinned;
        }
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
        StoreConnection peer = nextPeer(region, leaderStoreId);
        if (peer == null) {
            peer = connectPeer(region, leaderStoreId, nowNs);
        }
        if (peer != null) {
            region.leader(peer.storeId(), peer);
            return peer;
        }
        // No peer to try: forget the leader, so requests go to the default store until one names it.
        region.leader(0, null);
        return router.leader();
    }

    /**
     * A store said REGION_NOT_FOUND for the region, which the client knows afresh (a split's new region, say, that
     * store has not applied yet): its next request tries the region's next peer rather than the same store again, as
     * for a NOT_LEADER without a hint. Poller thread only.
     */
    void onRegionNotFound(final CachedRegion region, final StoreConnection from, final long nowNs) {
        final long fromStoreId = from.storeId();
        if (region.leaderStoreId() != 0 && region.leaderStoreId() != fromStoreId) {
            return;
        }
        StoreConnection peer = nextPeer(region, fromStoreId);
        if (peer == null) {
            peer = connectPeer(region, fromStoreId, nowNs);
        }
        if (peer != null) {
            region.leader(peer.storeId(), peer);
        }
    }

    /** @return whether a request may wait for the store's session: open, or opening within the grace. */
    boolean canWaitFor(final StoreConnection store, final long nowNs) {
        return store.isUsable(nowNs, graceNs);
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

    /**
     * @return a connection, opened now if need be, to the first of the region's peers but {@code otherThanStoreId}
     *     the client can reach (PD named its address) and may wait for; or null.
     */
    private StoreConnection connectPeer(final CachedRegion region, final long otherThanStoreId, final long nowNs) {
        for (final long storeId : region.peerStoreIds()) {
            if (storeId != otherThanStoreId) {
                final StoreConnection connection = byId(storeId, nowNs);
                if (connection != null && connection.isUsable(nowNs, graceNs)) {
                    return connection;
                }
            }
        }
        return null;
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
