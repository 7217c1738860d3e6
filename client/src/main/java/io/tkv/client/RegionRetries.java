package io.tkv.client;

/**
 * What the poller does when a store refuses a request routed by key for its region (EPOCH_NOT_MATCH,
 * KEY_NOT_IN_REGION, REGION_NOT_FOUND; the request ran nowhere): it corrects the {@link RegionCache} — the regions
 * the refusal carries replace the stale entries they overlap; a region the store does not hold is dropped — then
 * finds the region that holds the request's keys now, locating it ({@link RegionSource}) when the cache has no entry,
 * rewrites the frame's region context and resends it <em>under the same correlation id</em>, so a write the stores
 * may have applied already is still deduplicated. The first resend goes at once, the next after the request's
 * backoff; after {@link #MAX_REGION_RETRIES}, or when the keys now span several regions (a batch or range the caller
 * must split again), the request fails with the refusal. Poller thread only.
 */
final class RegionRetries {
    /** Resends for region errors one request may take before it fails with the last refusal. */
    static final int MAX_REGION_RETRIES = 10;

    private final RegionCache cache;
    private final RegionSource source;
    private final RequestRetries retries;
    private final InFlightRequests inFlight;

    RegionRetries(final RegionCache cache, final RegionSource source, final RequestRetries retries,
        final InFlightRequests inFlight) {
        this.cache = cache;
        this.source = source;
        this.retries = retries;
        this.inFlight = inFlight;
    }

    /**
     * @param request routed by key, refused for its region.
     * @param failure the refusal, with the regions the store sent.
     */
    void onRegionError(final PendingRequest<?> request, final TkvException failure, final long nowNs) {
        request.unsent();
        final CachedRegion stale = request.region();
        if (failure.regions().isEmpty()) {
            cache.invalidate(stale);
        } else {
            cache.putAll(failure.regions());
            if (failure.code() != ErrorCode.KEY_NOT_IN_REGION && !stale.isStale()) {
                // The store's view did not replace ours (it lags, or sent only neighbours): look again.
                cache.invalidate(stale);
            }
        }
        final int attempt = request.countRegionRetry();
        if (attempt > MAX_REGION_RETRIES) {
            inFlight.fail(request, new TkvException(failure.code(), failure.detail() + " (after " +
                MAX_REGION_RETRIES + " region retries of " + request + ")", null, failure.regions()));
            return;
        }
        final CachedRegion next = cache.findRaw(request.routeFirst());
        if (next != null) {
            resend(request, next, attempt, failure, nowNs);
            return;
        }
        source.locate(RawKeys.stored(request.routeFirst())).whenComplete((info, locateFailure) -> {
            if (request.isDone()) {
                return;
            }
            final CachedRegion located = info == null ? null : cache.put(info);
            final CachedRegion found = located != null && located.containsRaw(request.routeFirst()) ? located :
                cache.findRaw(request.routeFirst());
            if (found == null) {
                inFlight.fail(request, new TkvException(failure.code(), failure.detail() +
                    " (and the key's region could not be located: " + locateFailure + ")", null, failure.regions()));
                return;
            }
            resend(request, found, attempt, failure, System.nanoTime());
        });
    }

    private void resend(final PendingRequest<?> request, final CachedRegion next, final int attempt,
        final TkvException failure, final long nowNs) {
        if (!request.fitsIn(next)) {
            // The keys span several regions now: the caller splits the request again.
            inFlight.fail(request, failure);
            return;
        }
        request.reroute(next);
        retries.onRerouted(request, attempt == 1,
            failure.code() + " for " + request + ": " + failure.detail() + "; now " + next, nowNs);
    }
}
