package io.tkv.raft.store;

/**
 * Which store hosts a peer. With static membership a region's peer ids are the ids of the stores hosting them
 * ({@link #IDENTITY}); otherwise a store's directory knows each region's peers from its descriptor and learns a new
 * peer's store from the membership change that adds it.
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

    /**
     * A membership change naming a peer and its store was appended to the region's log (the driver's thread): from
     * now on messages to the peer go to that store, and the peer's messages are taken from it only. A static directory
     * ignores it.
     */
    default void learn(final long peerId, final long storeId) {
    }
}
