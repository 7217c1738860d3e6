package io.tkv.storage;

/**
 * When acknowledged RawKV writes are made durable on disk.
 * <p>
 * Every write reaches RocksDB with {@code sync=false}: RocksDB appends it to its write-ahead log (WAL) with a
 * {@code write(2)}, so it sits in the OS page cache. The policy decides when the owner of the write path calls
 * {@link StorageEngine#syncWal()} to push the WAL to the disk. Syncing is left to the caller rather than done per
 * write so that one {@code fsync} covers every write of a duty cycle (group commit).
 */
public enum FsyncPolicy {
    /**
     * Sync the WAL once per duty cycle, after the cycle's writes and before any of them is acknowledged. Nothing
     * acknowledged is lost on a process crash, an OS crash or a power loss. Risk: none beyond the disk itself;
     * cost: one {@code fsync} (~0.25 ms here) on every cycle that wrote anything.
     */
    SYNC,

    /**
     * Sync the WAL every {@link StorageConfig#syncIntervalMs()} and acknowledge writes without waiting for it.
     * Acknowledged writes survive {@code kill -9} of the process, since the WAL is already in the OS page cache.
     * Risk: up to one interval of acknowledged writes is lost on an OS crash or a power loss.
     */
    PERIODIC,

    /**
     * Never sync the WAL explicitly; the OS writes it back when it chooses. Acknowledged writes survive a process
     * crash. Risk: an OS crash or a power loss loses whatever the OS had not yet written back, with no bound.
     */
    NONE
}
