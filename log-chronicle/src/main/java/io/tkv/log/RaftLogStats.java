package io.tkv.log;

/**
 * A snapshot of a {@link RaftLog}'s counters, for metrics and tests. Cheap enough to take once a second; not on a
 * hot path (it lists the queue directory).
 *
 * @param diskBytes        total size of the queue's files ({@code *.cq4} cycle files and the metadata file), as
 *                         their lengths: Chronicle grows a cycle file a mapping chunk at a time and leaves it
 *                         sparse, so blocks actually used can be fewer.
 * @param cycleFiles       number of Chronicle cycle files in the directory.
 * @param entries          entries held for all regions (between firstIndex and lastIndex).
 * @param regions          regions with anything in the log.
 * @param recordsWritten   records appended since open (entries, truncations, hard states, compactions, ...).
 * @param syncs            syncs that reached the disk since open (no-op syncs are not counted).
 * @param lastSyncNs       duration of the last real sync, in nanoseconds (0 before the first).
 * @param cyclesDeleted    cycle files deleted by compaction since open.
 * @param recoveryCutIndex Chronicle queue index where recovery cut the log at open, or -1 if nothing was cut.
 * @param failed           true once the log is fail-stop.
 */
public record RaftLogStats(
    long diskBytes,
    int cycleFiles,
    long entries,
    int regions,
    long recordsWritten,
    long syncs,
    long lastSyncNs,
    long cyclesDeleted,
    long recoveryCutIndex,
    boolean failed) {
}
