package io.tkv.client;

/**
 * The store the client talks to by default: where admin requests, the requests of a pinned region, and requests
 * whose region's leader is not known yet go ({@link RegionRoutes} routes the rest to their region's leader). It
 * follows the leader of the region those requests name, as far as the client knows; callers read it (one volatile
 * read) to send on their own thread, and the poller moves it:
 * <ul>
 *   <li>NOT_LEADER from the leader with a hint (an endpoint, possibly of a store not configured, or a store id a
 *       session reported): to the hinted store, unless it is lost ({@link StoreConnection#isUsable});</li>
 *   <li>NOT_LEADER from the leader without a usable hint, or the leader's session lost: to the next store, one with
 *       an open session first ({@link StoreConnections#nextAfter});</li>
 *   <li>the leader lost, or without a session for longer than the grace (the silence timeout), while another
 *       store has one: to that store, which will say NOT_LEADER with a hint if it is not the leader.</li>
 * </ul>
 * Answers from a store that is no longer the leader do not move it: the client moved on already, and a stale
 * store's view is older than the one that moved it.
 */
final class LeaderRouter {
    private final StoreConnections connections;
    private final long graceNs;
    private volatile StoreConnection leader;
    private volatile SessionLimits lastLimits = SessionLimits.NONE;
    private volatile long leaderChanges;

    /**
     * @param connections the client's connections; the first configured store is the first leader guess.
     * @param graceNs     how long a store may take to (re)open its session before the client looks elsewhere.
     */
    LeaderRouter(final StoreConnections connections, final long graceNs) {
        this.connections = connections;
        this.graceNs = graceNs;
        this.leader = connections.first();
    }

    /** @return the store requests go to now. Any thread. */
    StoreConnection leader() {
        return leader;
    }

    /** @return the limits to check requests against: the leader's, or the last any store announced. Any thread. */
    SessionLimits limits() {
        final SessionLimits current = leader.session().limits();
        return current != SessionLimits.NONE ? current : lastLimits;
    }

    /** @return how many times the leader changed (diagnostics and tests). Any thread. */
    long leaderChanges() {
        return leaderChanges;
    }

    /**
     * A store said NOT_LEADER. Poller thread only.
     *
     * @param from         the store that said it.
     * @param hintStoreId  the leader's store id, 0 if unknown.
     * @param hintEndpoint the leader's endpoint, "" if unknown.
     * @return whether the request should be resent at once: the leader is now the store the hint names.
     */
    boolean onNotLeader(final StoreConnection from, final long hintStoreId, final String hintEndpoint,
        final long nowNs) {
        final StoreConnection hinted = resolve(hintStoreId, hintEndpoint, nowNs);
        final boolean usable = hinted != null && hinted != from && hinted.isUsable(nowNs, graceNs);
        if (from == leader) {
            switchTo(usable ? hinted : connections.nextAfter(from));
        }
        return usable && leader == hinted;
    }

    /** A session was lost. Poller thread only. */
    void onLost(final StoreConnection lost) {
        if (lost == leader) {
            switchTo(connections.nextAfter(lost));
        }
    }

    /** A session opened. Poller thread only. */
    void onActivated(final StoreConnection activated, final long nowNs) {
        lastLimits = activated.session().limits();
        final StoreConnection current = leader;
        if (current != activated && !current.isActive() &&
            (!current.wasEverActive() || !current.isUsable(nowNs, graceNs))) {
            // Nothing better to wait for: at start, the first store to answer is the first guess.
            switchTo(activated);
        }
    }

    /**
     * Moves on from a leader that stayed without a session for longer than the grace. Poller thread only.
     *
     * @return work done.
     */
    int doWork(final long nowNs) {
        final StoreConnection current = leader;
        if (current.isActive() || current.isUsable(nowNs, graceNs)) {
            return 0;
        }
        final StoreConnection next = connections.nextAfter(current);
        if (next.isActive()) {
            switchTo(next);
            return 1;
        }
        return 0;
    }

    private StoreConnection resolve(final long hintStoreId, final String hintEndpoint, final long nowNs) {
        if (hintEndpoint != null && !hintEndpoint.isEmpty()) {
            final StoreConnection byEndpoint = connections.connect(hintEndpoint, nowNs);
            if (byEndpoint != null) {
                return byEndpoint;
            }
        }
        return connections.byStoreId(hintStoreId);
    }

    private void switchTo(final StoreConnection next) {
        if (next != leader) {
            leader = next;
            leaderChanges++;
        }
    }
}
