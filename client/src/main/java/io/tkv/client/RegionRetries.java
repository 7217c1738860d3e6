package io.tkv.client;

import java.util.ArrayList;
import java.util.List;

/**
 * What the poller does when a store refuses a request routed by key for its region (EPOCH_NOT_MATCH,
 * KEY_NOT_IN_REGION, REGION_NOT_FOUND; the request ran nowhere): it corrects the {@link RegionCache} — the regions
 * the refusal carries replace the stale entries they overlap; a region the store does not hold is dropped — then
 * finds the region that holds the request's keys now, locating it ({@link RegionSource}) when the cache has no entry,
 * rewrites the frame's region context and resends it <em>under the same correlation id</em>, so a write the stores
 * may have applied already is still deduplicated. The first resend goes at once, the next after the request's
 * backoff; after {@link #MAX_REGION_RETRIES}, or when the keys now span several regions (a batch or range the caller
 * must split again), the request fails with the refusal. The regions a refusal carries are trusted over an older view
 * (PD's, a lagging store's): a region it lists without a leader (a split's new region) is guessed led by the refusing
 * store, and when the keys' region cannot be located at all the request is resent as it was after a backoff, to be
 * refused with the regions as they are by then. Poller thread only.
 */
final class RegionRetries {
    /** Resends for region errors one request may take before it fails with the last refusal. */
    static final int MAX_REGION_RETRIES = 10;

    private final RegionCache cache;
    private final RegionSource source;
    private final RequestRetries retries;
    private final RegionRoutes routes;
    private final InFlightRequests inFlight;

    RegionRetries(final RegionCache cache, final RegionSource source, final RequestRetries retries,
        final RegionRoutes routes, final InFlightRequests inFlight) {
        this.cache = cache;
        this.source = source;
        this.retries = retries;
        this.routes = routes;
        this.inFlight = inFlight;
    }

    /**
     * @param request routed by key, refused for its region.
     * @param failure the refusal, with the regions the store sent.
     */
    void onRegionError(final PendingRequest<?> request, final TkvException failure, final long nowNs) {
        final StoreConnection from = request.sentTo();
        request.unsent();
        final CachedRegion stale = request.region();
        if (failure.regions().isEmpty()) {
            cache.invalidate(stale);
        } else {
            cache.putAll(withLeaderGuess(failure.regions(), from));
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
        final CachedRegion next = find(request);
        if (next != null) {
            resend(request, next, from, attempt, failure, nowNs);
            return;
        }
        final byte[] storedFirst = request.routedByStoredKey() ? request.routeFirst()
            : RawKeys.stored(request.routeFirst());
        source.locate(storedFirst).whenComplete((info, locateFailure) -> {
            if (request.isDone()) {
                return;
            }
            final CachedRegion located = info == null ? null : cache.put(info);
            final CachedRegion found = located != null && located.containsStored(storedFirst) ? located :
                find(request);
            if (found != null) {
                resend(request, found, from, attempt, failure, System.nanoTime());
            } else if (attempt < MAX_REGION_RETRIES) {
                // Nobody knows the keys' region as new as the refusal said (PD and the stores asked lag behind a
                // split): resend as it was after a backoff; the refusal it earns then carries the regions as they
                // are by that time.
                retries.onRerouted(request, false, failure.code() + " for " + request + ": " + failure.detail() +
                    "; the key's region could not be located (" + locateFailure + "), trying again", System.nanoTime());
            } else {
                inFlight.fail(request, new TkvException(failure.code(), failure.detail() +
                    " (and the key's region could not be located: " + locateFailure + ")", null, failure.regions()));
            }
        });
    }

    /** @return the cached region holding the request's first key, or null. */
    private CachedRegion find(final PendingRequest<?> request) {
        return request.routedByStoredKey() ? cache.findStored(request.routeFirst())
            : cache.findRaw(request.routeFirst());
    }

    /**
     * A refusal lists the regions as its store knows them, with the leader it knows; right after a split it knows no
     * leader of a new region yet. Its peer on the refusing store, the parent's leader, is the one that campaigns
     * first, so that store is the guess (as TiKV's client guesses), and a wrong guess costs a NOT_LEADER with a hint.
     */
    private static List<RegionInfo> withLeaderGuess(final List<RegionInfo> regions, final StoreConnection from) {
        final long fromStoreId = from == null ? 0 : from.storeId();
        if (fromStoreId <= 0) {
            return regions;
        }
        final List<RegionInfo> guessed = new ArrayList<>(regions.size());
        for (final RegionInfo region : regions) {
            guessed.add(region.leaderStoreId() == 0 && hasVoterOn(region, fromStoreId) ? new RegionInfo(
                region.regionId(), region.startKey(), region.endKey(), region.confVer(), region.version(),
                fromStoreId, region.peers()) : region);
        }
        return guessed;
    }

    private static boolean hasVoterOn(final RegionInfo region, final long storeId) {
        for (final RegionInfo.Peer peer : region.peers()) {
            if (peer.storeId() == storeId && !peer.learner()) {
                return true;
            }
        }
        return false;
    }

    private void resend(final PendingRequest<?> request, final CachedRegion next, final StoreConnection from,
        final int attempt, final TkvException failure, final long nowNs) {
        if (!request.fitsIn(next)) {
            // The keys span several regions now: the caller splits the request again.
            inFlight.fail(request, failure);
            return;
        }
        if (failure.code() == ErrorCode.REGION_NOT_FOUND && from != null &&
            next.regionId() == request.region().regionId()) {
            // The same region again (located afresh): not on that store, so to another of its peers.
            routes.onRegionNotFound(next, from, nowNs);
        }
        request.reroute(next);
        retries.onRerouted(request, attempt == 1,
            failure.code() + " for " + request + ": " + failure.detail() + "; now " + next, nowNs);
    }
}
