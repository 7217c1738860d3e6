package io.tkv.server.apply;

import io.tkv.raft.store.AppliedIndexSource;

/**
 * How far a region's applied state is durable in RocksDB, published by the apply agent for the raft agent's log
 * compaction: the one piece of state the two agents share (a single volatile; everything else crosses on queues).
 *
 * <p>Apply batches are written unsynced (the Raft log is the durable copy), so an applied index is durable only
 * after {@code syncWal}. The apply agent calls it itself, off the raft agent: after a commit, once the applied
 * index ran {@code syncEveryEntries} past the last published value, it syncs the WAL and then publishes. The raft
 * agent compacts only below the published index, so the log record of a compaction is always synced after the
 * RocksDB state it relies on. An ingested snapshot is durable when the ingest returns (its writes are synced).
 */
public final class DurableAppliedIndex implements AppliedIndexSource {
    private final long regionId;
    private final long syncEveryEntries;
    private final Runnable syncWal;
    private volatile long durable;

    /**
     * @param regionId         the region (today the store's only one).
     * @param syncEveryEntries applied entries between WAL syncs (at least 1).
     * @param syncWal          makes RocksDB's WAL durable ({@code StorageEngine::syncWal}).
     * @param durableIndex     the applied index known durable at start-up (after a sync).
     */
    public DurableAppliedIndex(
        final long regionId, final long syncEveryEntries, final Runnable syncWal, final long durableIndex) {
        if (syncEveryEntries < 1) {
            throw new IllegalArgumentException("sync every " + syncEveryEntries + " entries");
        }
        this.regionId = regionId;
        this.syncEveryEntries = syncEveryEntries;
        this.syncWal = syncWal;
        this.durable = durableIndex;
    }

    /**
     * Apply agent: an apply batch up to {@code appliedIndex} committed; syncs the WAL and publishes when due.
     *
     * @return whether it synced.
     */
    public boolean afterCommit(final long appliedIndex) {
        if (appliedIndex - durable < syncEveryEntries) {
            return false;
        }
        syncWal.run();
        durable = appliedIndex;
        return true;
    }

    /** Apply agent: a snapshot was ingested (synced) up to {@code appliedIndex}. */
    public void afterIngest(final long appliedIndex) {
        durable = appliedIndex;
    }

    @Override
    public long durableAppliedIndex(final long region) {
        return region == regionId ? durable : 0;
    }
}
