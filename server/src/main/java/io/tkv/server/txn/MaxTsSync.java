package io.tkv.server.txn;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Syncing the store's max ts after a region's leadership changed, as TiKV does before it serves async commit or 1PC
 * on a new leader: a commit ts of those is computed from max ts, which must cover every read the previous leaders
 * served, so the new leader first takes a timestamp from PD's TSO that was handed out after it became leader — every
 * read before was at a TSO timestamp handed out earlier — and raises max ts to it.
 *
 * <p>The apply agent knows a region's current leader term (the term of its last applied entry once a read point was
 * served: a leader's read point covers the no-op of its own term). It {@link #request requests} a sync for (region,
 * term) the first time an async-commit or 1PC prewrite needs one; the PD worker {@link #serve serves} requests
 * (so the TSO call starts after the term was seen), and the apply agent {@link #drainResults takes the results}.
 * Until then such prewrites answer MAX_TIMESTAMP_NOT_SYNCED and the client retries (or falls back to 2PC). A store
 * without PD has none of this: it refuses async commit and 1PC always, since nothing but the TSO can bound the
 * timestamps of reads another store served.
 */
public final class MaxTsSync {
    private static final int CAPACITY = 1024;
    private static final int PER_CYCLE = 64;

    /**
     * A sync done.
     *
     * @param regionId the region.
     * @param term     the leader term it was asked for.
     * @param ts       the TSO timestamp to raise max ts to; 0 if PD failed (ask again later).
     */
    public record Synced(long regionId, long term, long ts) {
    }

    private record Request(long regionId, long term) {
    }

    private final ManyToOneConcurrentArrayQueue<Request> requests = new ManyToOneConcurrentArrayQueue<>(CAPACITY);
    private final ManyToOneConcurrentArrayQueue<Synced> results = new ManyToOneConcurrentArrayQueue<>(CAPACITY);

    /** Apply agent. @return false if too many requests wait (ask again at the next prewrite). */
    public boolean request(final long regionId, final long term) {
        return requests.offer(new Request(regionId, term));
    }

    /** Apply agent: hands results to {@code handler}. @return how many. */
    public int drainResults(final Consumer<Synced> handler) {
        return results.drain(handler, PER_CYCLE);
    }

    /**
     * PD worker: starts a TSO call for each waiting request.
     *
     * @param tso starts a TSO call; its future completes on any thread.
     * @return requests served.
     */
    public int serve(final Supplier<CompletableFuture<Long>> tso) {
        return requests.drain(request -> tso.get().whenComplete((ts, error) ->
            results.offer(new Synced(request.regionId(), request.term(), error == null ? ts : 0))), PER_CYCLE);
    }
}
