package io.tkv.server.apply;

import io.tkv.raft.store.AppliedIndexSource;
import org.agrona.collections.Long2LongHashMap;

/**
 * How far each region's applied state is durable in RocksDB, published by the apply agent for the raft agent's log
 * compaction: state the two agents share through a single volatile (an immutable copy per publication; everything
 * else crosses on queues).
 *
 * <p>Apply batches are written unsynced (the Raft log is the durable copy), so an applied index is durable only
 * after {@code syncWal}. The apply agent calls it itself, off the raft agent: after a commit, once the store
 * applied {@code syncEveryEntries} entries since the last sync, it syncs the WAL and then publishes. The raft
 * agent compacts only below the published index, so the log record of a compaction is always synced after the
 * RocksDB state it relies on. An ingested snapshot is durable when the ingest returns (its writes are synced).
 */
public final class DurableAppliedIndex implements AppliedIndexSource {
    private final long syncEveryEntries;
    private final Runnable syncWal;
    /** Apply agent only: each region's committed (not necessarily synced) applied index. */
    private final Long2LongHashMap committed = new Long2LongHashMap(0);
    private long entriesSinceSync;
    /** Published copies: each region's applied index known durable. */
    private volatile Long2LongHashMap durable;

    /**
     * @param syncEveryEntries applied entries, over all regions, between WAL syncs (at least 1).
     * @param syncWal          makes RocksDB's WAL durable ({@code StorageEngine::syncWal}).
     * @param durableIndexes   each region's applied index known durable at start-up (after a sync).
     */
    public DurableAppliedIndex(
        final long syncEveryEntries, final Runnable syncWal, final Long2LongHashMap durableIndexes) {
        if (syncEveryEntries < 1) {
            throw new IllegalArgumentException("sync every " + syncEveryEntries + " entries");
        }
        this.syncEveryEntries = syncEveryEntries;
        this.syncWal = syncWal;
        this.committed.putAll(durableIndexes);
        this.durable = copy(durableIndexes);
    }

    /**
     * Apply agent: an apply batch of a region up to {@code appliedIndex} committed; syncs the WAL and publishes every
     * region's index when due (one sync makes every region's committed batches durable).
     *
     * @return whether it synced.
     */
    public boolean afterCommit(final long regionId, final long appliedIndex) {
        final long previous = committed.get(regionId);
        committed.put(regionId, appliedIndex);
        entriesSinceSync += Math.max(1, appliedIndex - previous);
        if (entriesSinceSync < syncEveryEntries) {
            return false;
        }
        syncWal.run();
        entriesSinceSync = 0;
        durable = copy(committed);
        return true;
    }

    /** Apply agent: a snapshot was ingested (synced) for a region up to {@code appliedIndex}. */
    public void afterIngest(final long regionId, final long appliedIndex) {
        committed.put(regionId, appliedIndex);
        final Long2LongHashMap next = copy(durable);
        next.put(regionId, appliedIndex);
        durable = next;
    }

    @Override
    public long durableAppliedIndex(final long region) {
        return durable.get(region);
    }

    private static Long2LongHashMap copy(final Long2LongHashMap source) {
        final Long2LongHashMap copy = new Long2LongHashMap(0);
        copy.putAll(source);
        return copy;
    }
}
