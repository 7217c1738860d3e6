package io.tkv.pd.cluster;

/**
 * One replica of a region.
 *
 * @param peerId  the peer id (from PD's id allocator).
 * @param storeId the store that holds it.
 * @param role    voter or learner.
 */
public record Peer(long peerId, long storeId, PeerRole role) {
    /** @return a voter. */
    public static Peer voter(final long peerId, final long storeId) {
        return new Peer(peerId, storeId, PeerRole.VOTER);
    }

    /** @return a learner. */
    public static Peer learner(final long peerId, final long storeId) {
        return new Peer(peerId, storeId, PeerRole.LEARNER);
    }

    /** @return whether this peer votes. */
    public boolean isVoter() {
        return role == PeerRole.VOTER;
    }
}
