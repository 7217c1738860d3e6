package io.tkv.raft.store;

import io.tkv.raft.core.ConfState;
import io.tkv.raft.core.Snapshot;

/**
 * Where the driver gets a region's snapshot to send to a follower that is behind the compacted log. A store
 * prepares snapshots off the raft agent (exporting RocksDB state takes time), so it may answer null ("not yet")
 * and have one ready at a later call: the core asks again.
 */
@FunctionalInterface
public interface SnapshotSource {
    /** No snapshots: followers are always caught up from the log (the driver then never compacts past them). */
    SnapshotSource NONE = (regionId, conf, minIndex) -> null;

    /**
     * Called on the raft agent's thread; must not block.
     *
     * @param regionId the region.
     * @param conf     its membership as of its last committed change, which the snapshot carries.
     * @param minIndex the oldest index the snapshot may have: the region's compacted index, or its last committed
     *                 membership change if later (a snapshot from before it would carry the wrong membership).
     * @return the newest snapshot of the region if it covers {@code minIndex}, or null if none is ready (the
     *     source may start preparing one).
     */
    Snapshot latest(long regionId, ConfState conf, long minIndex);
}
