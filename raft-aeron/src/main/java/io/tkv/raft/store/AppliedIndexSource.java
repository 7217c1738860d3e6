package io.tkv.raft.store;

/**
 * How far each region's state machine is durably applied, as the apply side publishes it: the driver compacts a
 * region's log only below this index, so no entry leaves the log before its effects are durable in the state
 * machine. Read on the raft agent's thread; the implementation is the one piece of state the apply side shares
 * with it (a volatile, or an Agrona counter).
 */
@FunctionalInterface
public interface AppliedIndexSource {
    /** Never durable: the driver never compacts. */
    AppliedIndexSource NONE = regionId -> 0;

    /**
     * @param regionId the region.
     * @return an index whose effects (and every earlier entry's) are durable in the state machine; 0 if none.
     */
    long durableAppliedIndex(long regionId);
}
