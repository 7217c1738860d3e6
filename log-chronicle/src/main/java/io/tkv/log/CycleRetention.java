package io.tkv.log;

import java.io.IOException;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * Which cycle files compaction may delete: every file before the oldest one that holds an entry some region
 * still has (between its firstIndex and lastIndex), and never the file being written. Whatever else a deleted
 * file held (hard states, snapshot points, truncations, removals) is restated by the CHECKPOINT records at the
 * start of every newer cycle file, so the caller must run this only when the newest checkpoint is durable.
 */
final class CycleRetention {
    private CycleRetention() {
    }

    /**
     * @return the oldest cycle whose file is still needed.
     */
    static int firstNeededCycle(final LogQueue queue, final Long2ObjectHashMap<RegionLog> regions) {
        int keep = queue.writeCycle();
        for (final RegionLog region : regions.values()) {
            final long first = region.firstQueueIndex();
            if (first >= 0) {
                keep = Math.min(keep, LogQueue.cycleOf(first));
            }
        }
        return keep;
    }

    /**
     * Deletes, oldest first, the cycle files before {@link #firstNeededCycle}. A crash half way leaves a prefix
     * deleted, which is as good as all of it.
     *
     * @return how many files were deleted.
     * @throws IOException if a file cannot be deleted; those before it are gone.
     */
    static int deleteUnneeded(final LogQueue queue, final Long2ObjectHashMap<RegionLog> regions)
        throws IOException {
        if (queue.firstCycle() >= queue.writeCycle()) {
            return 0;
        }
        final int keep = firstNeededCycle(queue, regions);
        int deleted = 0;
        try {
            for (final Long cycle : queue.cycles()) {
                if (cycle >= keep) {
                    break;
                }
                queue.deleteCycle(cycle.intValue());
                deleted++;
            }
        } finally {
            if (deleted > 0) {
                queue.refreshListing();
            }
        }
        return deleted;
    }
}
