package io.tkv.client;

/**
 * One step of a PD operator for a region, as a region heartbeat's answer carries it: the region's leader takes it if
 * its region is still at {@code confVer}/{@code version}, and ignores it otherwise (PD asks again with the next
 * heartbeat).
 *
 * @param regionId   the region.
 * @param confVer    the region's conf version the step was made for.
 * @param version    the region's version the step was made for.
 * @param operatorId PD's id of the operator the step belongs to (0 with {@link Kind#NONE}).
 * @param kind       what to do.
 * @param peerId     the peer to add, promote or remove (0 for a leader transfer or split).
 * @param storeId    the store of that peer, or the store to transfer the leadership to.
 */
public record OperatorStep(long regionId, long confVer, long version, long operatorId, Kind kind, long peerId,
    long storeId) {

    /** What PD asks of a region's leader. */
    public enum Kind {
        /** Nothing. */
        NONE,
        /** Add a learner peer (it catches up by a snapshot of the region's range). */
        ADD_LEARNER,
        /** Add a voter, or promote a learner. */
        ADD_VOTER,
        /** Remove a peer. */
        REMOVE_PEER,
        /** Hand the leadership to the region's peer on a store. */
        TRANSFER_LEADER,
        /** Split the region (the leader picks the key and asks PD for ids). */
        SPLIT
    }

    /** @return a step that asks nothing of the region. */
    public static OperatorStep none(final long regionId) {
        return new OperatorStep(regionId, 0, 0, 0, Kind.NONE, 0, 0);
    }
}
