package io.tkv.client;

import io.tkv.codec.LocateRegionResponseDecoder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Locates a key's region by asking the stores ({@code LocateRegion}, which any session may send). A store answers from
 * its region registry, with the leader it knows, and only for regions it holds a replica of: with more stores than
 * replicas, the store the client talks to by default may hold none of the key's region. So it is asked first (the
 * usual case: one round trip), and when its answer holds no region with the key, fails, or is older than what the
 * client already knows (a store that lags behind a split answers the region as it was), every other store the client
 * knows is asked at once: the configured and hinted ones, and, with PD, those PD named ({@link StoreAddresses}), with
 * sessions opened to them as needed. At most {@link #MAX_STORES_ASKED} are asked. The first answer with the key's
 * region wins, or the newest (highest epoch version) of those that arrived together, in one poll of the egress.
 *
 * <p>The answer completes on the client's poller thread: the stores' answers arrive there, and the asking of the
 * others is handed there ({@link PollerTasks}), since only the poller opens connections.
 */
final class StoreRegionSource implements RegionSource {
    /** The most stores one locate asks after the default one. */
    static final int MAX_STORES_ASKED = 16;

    private final RequestSubmitter requests;
    private final StoreConnections connections;
    private final LeaderRouter router;
    private final StoreAddresses addresses;
    private final Executor poller;
    private final Predicate<RegionInfo> olderThanKnown;

    /**
     * @param requests       sends the LocateRegion requests.
     * @param connections    the stores the client has connections with.
     * @param router         names the store the client talks to by default, asked first.
     * @param addresses      the stores PD named (an empty book without PD).
     * @param poller         runs the asking of the other stores on the client's poller thread.
     * @param olderThanKnown whether an answer is older than what the client knows of its range (it is not taken).
     */
    StoreRegionSource(final RequestSubmitter requests, final StoreConnections connections, final LeaderRouter router,
        final StoreAddresses addresses, final Executor poller, final Predicate<RegionInfo> olderThanKnown) {
        this.requests = requests;
        this.connections = connections;
        this.router = router;
        this.addresses = addresses;
        this.poller = poller;
        this.olderThanKnown = olderThanKnown;
    }

    @Override
    public CompletableFuture<RegionInfo> locate(final byte[] storedKey) {
        final CompletableFuture<RegionInfo> located = new CompletableFuture<>();
        final StoreConnection asked = router.leader();
        final CompletableFuture<List<RegionInfo>> first = requests.submit("locateRegion",
            LocateRegionResponseDecoder.TEMPLATE_ID, id -> IngressEncoder.current().locateRegion(id, storedKey));
        first.whenCompleteAsync((regions, failure) -> {
            final RegionInfo found = failure == null ? holding(regions, storedKey) : null;
            if (found != null && !olderThanKnown.test(found)) {
                located.complete(found);
            } else {
                askOthers(storedKey, asked, located, found != null ? "an older " + found : failure != null ?
                    String.valueOf(RegionErrors.unwrap(failure)) : "no region with the key");
            }
        }, poller);
        return located;
    }

    /** Asks every store but {@code asked} at once. Poller thread only. */
    private void askOthers(final byte[] storedKey, final StoreConnection asked,
        final CompletableFuture<RegionInfo> located, final String firstAnswer) {
        final List<StoreConnection> others = others(asked);
        if (others.isEmpty()) {
            located.completeExceptionally(new TkvException(ErrorCode.REGION_NOT_FOUND,
                "the store asked answered " + firstAnswer + ", and the client knows no other store"));
            return;
        }
        final Answers answers = new Answers(storedKey, located, others.size(), firstAnswer);
        for (final StoreConnection store : others) {
            requests.<List<RegionInfo>>submitTo(store, "locateRegion", LocateRegionResponseDecoder.TEMPLATE_ID,
                id -> IngressEncoder.current().locateRegion(id, storedKey)).whenComplete(answers::onAnswer);
        }
    }

    /** @return the stores to ask besides {@code asked}: connected ones first, then those PD named. Poller only. */
    private List<StoreConnection> others(final StoreConnection asked) {
        final List<StoreConnection> others = new ArrayList<>();
        for (final StoreConnection connection : connections.all()) {
            if (connection != asked && others.size() < MAX_STORES_ASKED) {
                others.add(connection);
            }
        }
        final long nowNs = System.nanoTime();
        for (final String endpoint : addresses.endpoints()) {
            if (others.size() >= MAX_STORES_ASKED) {
                break;
            }
            if (connections.byEndpoint(endpoint) == null) {
                final StoreConnection opened = connections.connect(endpoint, nowNs);
                if (opened != null) {
                    others.add(opened);
                }
            }
        }
        return others;
    }

    private static RegionInfo holding(final List<RegionInfo> regions, final byte[] storedKey) {
        for (final RegionInfo region : regions) {
            if (region.contains(storedKey)) {
                return region;
            }
        }
        return null;
    }

    /** What the other stores answered one locate. Poller thread only. */
    private final class Answers {
        private final byte[] storedKey;
        private final CompletableFuture<RegionInfo> located;
        private final String firstAnswer;
        private int outstanding;
        private RegionInfo best;
        private RegionInfo older;
        private Throwable lastFailure;

        Answers(final byte[] storedKey, final CompletableFuture<RegionInfo> located, final int outstanding,
            final String firstAnswer) {
            this.storedKey = storedKey;
            this.located = located;
            this.outstanding = outstanding;
            this.firstAnswer = firstAnswer;
        }

        void onAnswer(final List<RegionInfo> regions, final Throwable failure) {
            outstanding--;
            final RegionInfo found = failure == null ? holding(regions, storedKey) : null;
            if (found != null && olderThanKnown.test(found)) {
                older = found;
            } else if (found != null) {
                if (best == null) {
                    // Completed once this poll of the egress is over, so answers that came with it are compared.
                    poller.execute(() -> located.complete(best));
                }
                if (best == null || found.version() > best.version()) {
                    best = found;
                }
            } else if (failure != null) {
                lastFailure = RegionErrors.unwrap(failure);
            }
            if (outstanding == 0 && best == null) {
                located.completeExceptionally(new TkvException(ErrorCode.REGION_NOT_FOUND, "no store holds the key's "
                    + "region as the client knows it: the first store answered " + firstAnswer + "; the others "
                    + (older != null ? "an older " + older : "no region with the key")
                    + (lastFailure != null ? " (last failure: " + lastFailure + ")" : "")));
            }
        }
    }
}
