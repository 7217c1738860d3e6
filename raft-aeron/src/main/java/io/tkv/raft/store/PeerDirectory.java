package io.tkv.raft.store;

/**
 * Which store hosts a peer. With static membership a region's peer ids are the ids of the stores hosting them
 * ({@link #IDENTITY}); PD will hand out peer ids with their store later.
 */
@FunctionalInterface
public interface PeerDirectory {
    /** Peer id = store id: the static membership of the initial cluster. */
    PeerDirectory IDENTITY = peerId -> peerId;

    /**
     * @param peerId a peer of some region.
     * @return the store hosting it, or 0 if unknown.
     */
    long storeOf(long peerId);
}
