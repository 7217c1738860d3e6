package io.tkv.server.apply;

import io.tkv.codec.Status;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The regions with requests waiting for locks in the transaction scheduler, each as it was (leader term, epoch version,
 * range) when they were parked. A request waits on the leader that read its snapshot; once the region's applied term
 * moves (a new leader was elected, so this store may lead it no more), its epoch version moves (split, merge) or the
 * region leaves the store, its waiters are cancelled and answered with the region error, so that their clients retry
 * where the region is now instead of waiting out their timeout. The applied term is the apply side's view of
 * leadership: a new leader's first entry carries its term, and every replica applies it (a store cut off from the new
 * leader does not see it, and its waiters time out, after at most the store's max wait). Checked on a slow tick, and
 * only while requests wait. Single-threaded (the apply agent's).
 */
final class LockWaitGuard {
    /** How often the watched regions are compared with the applied ones. */
    static final long CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);

    /** Cancels the waiters on a region's keys and answers them with {@code status}. */
    interface Canceller {
        void cancel(Watched region, Status status, String message);
    }

    /**
     * A region as its waiters were parked under.
     *
     * @param regionId the region.
     * @param term     its applied (leader) term then.
     * @param version  its epoch version then.
     * @param start    its stored start key then.
     * @param end      its stored end key then (empty: none).
     */
    record Watched(long regionId, long term, long version, byte[] start, byte[] end) {
        /** @return whether a stored key lies in the range. */
        boolean contains(final byte[] stored) {
            return Arrays.compareUnsigned(stored, start) >= 0 &&
                (end.length == 0 || Arrays.compareUnsigned(stored, end) < 0);
        }
    }

    private final AppliedRegions regions;
    private final Long2ObjectHashMap<Watched> watched = new Long2ObjectHashMap<>();
    private long nextCheckNs;

    LockWaitGuard(final AppliedRegions regions) {
        this.regions = regions;
    }

    /**
     * A request that may wait for a lock is about to run in the region: the region's waiters of an older term or
     * epoch are cancelled first, then the region is watched as it is now.
     */
    void watch(final AppliedRegions.Region region, final Canceller canceller) {
        final long regionId = region.descriptor.id();
        final Watched known = watched.get(regionId);
        if (known != null) {
            if (check(known, canceller)) {
                return;
            }
            watched.remove(regionId);
        }
        watched.put(regionId, new Watched(regionId, region.state.appliedTerm(), region.descriptor.version(),
            region.descriptor.start(), region.descriptor.end()));
    }

    /**
     * The slow tick: compares the watched regions with the applied ones, cancelling the waiters of those that moved.
     *
     * @param waiting how many requests wait for locks now; none: nothing to watch.
     * @return the regions whose waiters were cancelled.
     */
    int poll(final long nowNs, final int waiting, final Canceller canceller) {
        if (waiting == 0) {
            watched.clear();
            return 0;
        }
        if (nowNs - nextCheckNs < 0) {
            return 0;
        }
        nextCheckNs = nowNs + CHECK_INTERVAL_NS;
        int moved = 0;
        final Iterator<Watched> it = watched.values().iterator();
        while (it.hasNext()) {
            final Watched region = it.next();
            if (!check(region, canceller)) {
                it.remove();
                moved++;
            }
        }
        return moved;
    }

    /** @return true if the region is still as watched; else its waiters were cancelled. */
    private boolean check(final Watched known, final Canceller canceller) {
        final AppliedRegions.Region now = regions.get(known.regionId());
        if (now == null) {
            canceller.cancel(known, Status.REGION_NOT_FOUND, "region " + known.regionId() + " left this store");
            return false;
        }
        if (now.descriptor.version() != known.version()) {
            canceller.cancel(known, Status.EPOCH_NOT_MATCH, "region " + known.regionId() + " moved to version "
                + now.descriptor.version() + " while the request waited for a lock");
            return false;
        }
        if (now.state.appliedTerm() != known.term()) {
            canceller.cancel(known, Status.NOT_LEADER, "region " + known.regionId() + " changed leader (term "
                + known.term() + " to " + now.state.appliedTerm() + ") while the request waited for a lock");
            return false;
        }
        return true;
    }
}
