package io.tkv.client;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Decides, for each answer that is not the request's result, whether and when the request is sent again, and holds
 * the requests waiting out a backoff. A request is always resent as it is, under its own correlation id, so a
 * write resent to any store applies once (the stores deduplicate writes by client id and correlation id).
 * <ul>
 *   <li>NOT_LEADER: the {@link LeaderRouter} (or, for a request routed by key, its region's leader in {@link
 *       RegionRoutes}) moves; a request following a hint for the first time goes at once,
 *       otherwise after a backoff;</li>
 *   <li>SERVER_BUSY, or the copy on the wire lost with its session: after a backoff;</li>
 *   <li>UNAUTHENTICATED (the request had no effect): at once under a fresh session, once; a second fails it.</li>
 * </ul>
 * Backoffs double per request from {@code retryBackoffInitialMs} to {@code retryBackoffMaxMs}. Nothing here extends a
 * request past its deadline: the poller's sweep times it out wherever it waits. Poller thread only.
 */
final class RequestRetries {
    private final IngressPublisher publisher;
    private final InFlightRequests inFlight;
    private final LeaderRouter router;
    private final RegionRoutes routes;
    private final long initialBackoffNs;
    private final long maxBackoffNs;
    private final ArrayList<PendingRequest<?>> delayed = new ArrayList<>();
    /** Meaningful only while {@link #delayed} is not empty. */
    private long earliestDueNs;

    RequestRetries(final IngressPublisher publisher, final InFlightRequests inFlight, final LeaderRouter router,
        final RegionRoutes routes, final ClientConfig ctx) {
        this.publisher = publisher;
        this.inFlight = inFlight;
        this.router = router;
        this.routes = routes;
        this.initialBackoffNs = TimeUnit.MILLISECONDS.toNanos(ctx.retryBackoffInitialMs());
        this.maxBackoffNs = TimeUnit.MILLISECONDS.toNanos(ctx.retryBackoffMaxMs());
    }

    /**
     * @param request      answered by the store it was sent to.
     * @param hintStoreId  the leader's store id, 0 if unknown.
     * @param hintEndpoint the leader's endpoint, "" if unknown.
     * @param message      the store's message.
     */
    void onNotLeader(final PendingRequest<?> request, final long hintStoreId, final String hintEndpoint,
        final String message, final long nowNs) {
        final StoreConnection from = request.sentTo();
        final CachedRegion region = request.region();
        // The default store follows hints too: it is where requests go whose region's leader is unknown.
        final boolean routerFollows = router.onNotLeader(from, hintStoreId, hintEndpoint, nowNs);
        final boolean followHint = region == null ? routerFollows
            : routes.onNotLeader(region, from, hintStoreId, hintEndpoint, nowNs);
        final String hint = hintEndpoint != null && !hintEndpoint.isEmpty() ? hintEndpoint :
            hintStoreId > 0 ? "store " + hintStoreId : "none";
        retry(request, followHint && request.retries() == 0,
            "NOT_LEADER from " + from + " (leader hint: " + hint + "): " + message, nowNs);
    }

    /** @param request answered SERVER_BUSY by the store it was sent to. */
    void onServerBusy(final PendingRequest<?> request, final String message, final long nowNs) {
        retry(request, false, "SERVER_BUSY from " + request.sentTo() + ": " + message, nowNs);
    }

    /**
     * The store did not know the session the request carried, so the request had no effect: resend it once under
     * a fresh session, and open one if the token was the current one.
     */
    void onUnauthenticated(final PendingRequest<?> request, final String message, final long nowNs) {
        final StoreConnection from = request.sentTo();
        if (request.resent()) {
            inFlight.fail(request, new TkvException(ErrorCode.UNAUTHENTICATED,
                message + " (again, after a new session was opened for " + request + ")"));
            return;
        }
        final long staleToken = request.sentToken();
        request.markResent();
        request.unsent();
        request.lastProblem("UNAUTHENTICATED from " + from + ": " + message);
        publisher.enqueue(request);
        if (from != null && from.isActive() && staleToken == from.session().token()) {
            from.restartSession(nowNs);
        }
    }

    /**
     * The copy on the wire went under a session that is gone (lost, restarted, replaced): its answer will not be
     * taken, so send it again, to whichever store leads by then.
     */
    void onStaleCopy(final PendingRequest<?> request, final long nowNs) {
        retry(request, false, "the session with " + request.sentTo() + " ended while it waited", nowNs);
    }

    /**
     * Hands the requests whose backoff is over to the publisher.
     *
     * @return requests released or dropped.
     */
    int release(final long nowNs) {
        if (delayed.isEmpty() || nowNs - earliestDueNs < 0) {
            return 0;
        }
        int work = 0;
        long earliest = nowNs + maxBackoffNs;
        for (int i = delayed.size() - 1; i >= 0; i--) {
            final PendingRequest<?> request = delayed.get(i);
            if (request.isDone() || nowNs - request.retryAtNs() >= 0) {
                removeAt(i);
                if (!request.isDone()) {
                    publisher.enqueue(request);
                }
                work++;
            } else {
                if (request.retryAtNs() - earliest < 0) {
                    earliest = request.retryAtNs();
                }
            }
        }
        earliestDueNs = earliest;
        return work;
    }

    /** @return requests waiting out a backoff. */
    int delayedCount() {
        return delayed.size();
    }

    /** Fails every request waiting out a backoff (the client can no longer send). */
    void failAll(final TkvException failure) {
        for (final PendingRequest<?> request : delayed) {
            inFlight.fail(request, failure);
        }
        delayed.clear();
    }

    /**
     * A request routed by key moved to the region that holds its keys now ({@link RegionRetries}): resent at once
     * the first time, after a backoff from then on.
     */
    void onRerouted(final PendingRequest<?> request, final boolean atOnce, final String problem, final long nowNs) {
        retry(request, atOnce, problem, nowNs);
    }

    private void retry(final PendingRequest<?> request, final boolean atOnce, final String problem,
        final long nowNs) {
        request.unsent();
        request.lastProblem(problem);
        final long delayNs = request.scheduleRetry(!atOnce, initialBackoffNs, maxBackoffNs);
        if (delayNs == 0) {
            publisher.enqueue(request);
            return;
        }
        final long dueNs = nowNs + delayNs;
        request.retryAtNs(dueNs);
        if (delayed.isEmpty() || dueNs - earliestDueNs < 0) {
            earliestDueNs = dueNs;
        }
        delayed.add(request);
    }

    private void removeAt(final int index) {
        final int last = delayed.size() - 1;
        delayed.set(index, delayed.get(last));
        delayed.remove(last);
    }
}
