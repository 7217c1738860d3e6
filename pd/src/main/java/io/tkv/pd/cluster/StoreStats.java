package io.tkv.pd.cluster;

/**
 * What a store reports in its heartbeat. The region and leader counts are the store's own view; scheduling counts
 * from the region registry instead (see {@link StoreLoad}), which is what every region leader reported.
 *
 * @param capacityBytes             the disk's size.
 * @param availableBytes            free bytes on the disk.
 * @param regionCount               peers on the store.
 * @param leaderCount               leaders on the store.
 * @param writtenBytesPerSec        write rate (bytes) over the last heartbeat interval.
 * @param writtenKeysPerSec         write rate (keys) over the last heartbeat interval.
 */
public record StoreStats(long capacityBytes, long availableBytes, int regionCount, int leaderCount,
    long writtenBytesPerSec, long writtenKeysPerSec) {
    /** Stats of a store that has not reported yet. */
    public static final StoreStats EMPTY = new StoreStats(0, 0, 0, 0, 0, 0);
}
