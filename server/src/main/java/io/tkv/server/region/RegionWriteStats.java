package io.tkv.server.region;

import org.agrona.collections.Long2ObjectHashMap;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes and keys written to each region on this store, for its region heartbeats: as TiKV's, a heartbeat carries what
 * was written to the region since the previous heartbeat this store sent for it.
 *
 * <p>Two threads, each with a part of its own. The apply agent counts each region's writes in plain fields of its own
 * region state, and after each commit publishes the region's running totals into the region's {@link Counter} with
 * ordered writes (no lock, no allocation); it adds a counter when a region arrives on the store (start-up, a split, a
 * snapshot that creates the region here) and drops it when the region leaves — copy on write, as the
 * {@link RegionRegistry}: rare. The PD worker reads the totals and keeps, in the same counter, the totals it reported
 * last ({@link Counter#sinceLastReport}): a heartbeat carries the difference. A region that splits keeps its counter
 * (what was written before the split stays with it); the new region starts from 0. A region that leaves the store
 * takes its counter with it; should it come back, it starts from 0.
 *
 * <p>Why any replica's count will do: every replica applies every write of the region, so what this store applied is
 * what was written to the region. Only the leader's store heartbeats a region; a store that becomes the leader reports
 * what it applied since its own last report for the region (as TiKV's peer stats do), so a new leader's first
 * heartbeat may cover more than one interval.
 */
public final class RegionWriteStats {
    /** One region's written totals, as published by the apply agent, and what the PD worker reported of them. */
    public static final class Counter {
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicLong keys = new AtomicLong();
        /** PD worker only. */
        private long reportedBytes;
        /** PD worker only. */
        private long reportedKeys;

        /**
         * Apply agent: the region's totals so far, after a commit. Two ordered writes: a reader may see one total of
         * this commit and the other of the one before, which only moves a few keys or bytes to the next heartbeat.
         */
        public void publish(final long totalBytes, final long totalKeys) {
            bytes.lazySet(totalBytes);
            keys.lazySet(totalKeys);
        }

        /** @return bytes written to the region on this store, as last published. Any thread. */
        public long bytes() {
            return bytes.get();
        }

        /** @return keys written to the region on this store, as last published. Any thread. */
        public long keys() {
            return keys.get();
        }

        /**
         * PD worker: what was written since the previous call (the first time: since the counter began), which counts
         * as reported from now on, whether or not PD takes the heartbeat (a lost heartbeat loses its interval, as
         * TiKV's; two heartbeats of a region in flight never count a write twice).
         *
         * @return {bytes, keys}, neither negative.
         */
        public long[] sinceLastReport() {
            final long nowBytes = bytes.get();
            final long nowKeys = keys.get();
            final long[] delta = {nowBytes - reportedBytes, nowKeys - reportedKeys};
            reportedBytes = nowBytes;
            reportedKeys = nowKeys;
            return delta;
        }
    }

    private volatile Long2ObjectHashMap<Counter> counters = new Long2ObjectHashMap<>();

    /** Apply agent (or start-up): a counter from 0 for a region new on this store, replacing any it had. */
    public Counter add(final long regionId) {
        final Counter counter = new Counter();
        final Long2ObjectHashMap<Counter> next = new Long2ObjectHashMap<>(counters);
        next.put(regionId, counter);
        counters = next;
        return counter;
    }

    /** Apply agent: the region left this store; its counter goes. */
    public void remove(final long regionId) {
        if (counters.containsKey(regionId)) {
            final Long2ObjectHashMap<Counter> next = new Long2ObjectHashMap<>(counters);
            next.remove(regionId);
            counters = next;
        }
    }

    /** @return the region's counter, or null if the region is not on this store. Any thread. */
    public Counter get(final long regionId) {
        return counters.get(regionId);
    }

    /**
     * PD worker: {@link Counter#sinceLastReport} of the region.
     *
     * @return {bytes, keys} written since the last report; {0, 0} for a region not on this store.
     */
    public long[] sinceLastReport(final long regionId) {
        final Counter counter = counters.get(regionId);
        return counter == null ? new long[2] : counter.sinceLastReport();
    }
}
