package io.tkv.client;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A region as a store or PD described it: its range of stored keys {@code [startKey, endKey)} (a RawKV key k is
 * stored as {@code 'r' + k}; an empty end key means no end), its epoch, its peers, and the store believed to lead it
 * (0 when unknown). Immutable; the arrays are copies.
 *
 * @param regionId      the region.
 * @param startKey      inclusive start of its stored keys.
 * @param endKey        exclusive end of its stored keys; empty for no end.
 * @param confVer       the epoch's conf version (membership changes).
 * @param version       the epoch's version (splits and merges).
 * @param leaderStoreId the store believed to lead it, or 0.
 * @param peers         its replicas.
 */
public record RegionInfo(
    long regionId, byte[] startKey, byte[] endKey, long confVer, long version, long leaderStoreId, List<Peer> peers) {

    /**
     * One replica.
     *
     * @param peerId  the Raft peer.
     * @param storeId the store it is on.
     * @param learner whether it is a learner (does not vote).
     */
    public record Peer(long peerId, long storeId, boolean learner) {
    }

    public RegionInfo {
        startKey = startKey.clone();
        endKey = endKey.clone();
        peers = List.copyOf(peers);
    }

    @Override
    public byte[] startKey() {
        return startKey.clone();
    }

    @Override
    public byte[] endKey() {
        return endKey.clone();
    }

    /** @return whether the stored key lies in the region. */
    public boolean contains(final byte[] storedKey) {
        return Arrays.compareUnsigned(storedKey, startKey) >= 0
            && (endKey.length == 0 || Arrays.compareUnsigned(storedKey, endKey) < 0);
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof RegionInfo that && regionId == that.regionId && confVer == that.confVer
            && version == that.version && leaderStoreId == that.leaderStoreId
            && Arrays.equals(startKey, that.startKey) && Arrays.equals(endKey, that.endKey) && peers.equals(that.peers);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(regionId) * 31 + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return "Region{" + regionId + " [" + HexFormat.of().formatHex(startKey) + ", "
            + (endKey.length == 0 ? "end" : HexFormat.of().formatHex(endKey)) + ") epoch (" + confVer + ", " + version
            + ") leader " + leaderStoreId + " peers " + peers + '}';
    }
}
