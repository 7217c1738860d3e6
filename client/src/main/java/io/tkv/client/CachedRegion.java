package io.tkv.client;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One entry of the {@link RegionCache}: a region's range of stored keys, its epoch (which every request to it
 * carries), the stores of its peers, and the leader as the client knows it. Range, epoch and peers never change (a
 * newer view of the region is a new entry); the leader moves in place, so a NOT_LEADER costs no new entry.
 */
final class CachedRegion {
    private final long regionId;
    private final byte[] start;
    private final byte[] end;
    private final RegionEpoch epoch;
    private final long[] peerStoreIds;
    private final byte[] userStart;
    private final byte[] userEnd;
    /** The store believed to lead it, 0 when unknown. */
    private volatile long leaderStoreId;
    /** The connection to {@link #leaderStoreId}, resolved when first used; null until then or when lost. */
    private volatile StoreConnection leader;
    private volatile boolean stale;

    CachedRegion(final RegionInfo info) {
        this.regionId = info.regionId();
        this.start = info.startKey();
        this.end = info.endKey();
        this.epoch = new RegionEpoch(info.regionId(), info.confVer(), info.version());
        this.peerStoreIds = info.peers().stream().filter(peer -> !peer.learner())
            .mapToLong(RegionInfo.Peer::storeId).toArray();
        this.userStart = RawKeys.userStart(start);
        this.userEnd = RawKeys.userEnd(end);
        this.leaderStoreId = info.leaderStoreId();
    }

    long regionId() {
        return regionId;
    }

    long version() {
        return epoch.version();
    }

    /** @return what requests to it carry. */
    RegionEpoch epoch() {
        return epoch;
    }

    /** @return inclusive start over stored keys (not a copy: do not change it). */
    byte[] start() {
        return start;
    }

    /** @return exclusive end over stored keys, empty for none (not a copy). */
    byte[] end() {
        return end;
    }

    /** @return the first RawKV user key it can hold, empty for the beginning (not a copy). */
    byte[] userStart() {
        return userStart;
    }

    /** @return the RawKV user key it ends at, empty when it reaches the end of the raw space (not a copy). */
    byte[] userEnd() {
        return userEnd;
    }

    /** @return the stores of its voters, in the order the region lists them. */
    long[] peerStoreIds() {
        return peerStoreIds;
    }

    long leaderStoreId() {
        return leaderStoreId;
    }

    StoreConnection leader() {
        return leader;
    }

    /** Moves the leader; the connection is the leader store's, or null to resolve it from the id when next used. */
    void leader(final long storeId, final StoreConnection connection) {
        this.leaderStoreId = storeId;
        this.leader = connection;
    }

    /** @return whether the cache dropped it: requests holding it look their region up again. */
    boolean isStale() {
        return stale;
    }

    void markStale() {
        stale = true;
    }

    /** @return whether the RawKV user key lies in it. Allocation-free. */
    boolean containsRaw(final byte[] userKey) {
        return RawKeys.compare(userKey, start) >= 0 && (end.length == 0 || RawKeys.compare(userKey, end) < 0);
    }

    /** @return whether the stored key lies in it. Allocation-free. */
    boolean containsStored(final byte[] storedKey) {
        return Arrays.compareUnsigned(storedKey, start) >= 0
            && (end.length == 0 || Arrays.compareUnsigned(storedKey, end) < 0);
    }

    /**
     * @param userStartKey inclusive, empty for the beginning of the raw space.
     * @param userEndKey   exclusive, empty for the end of the raw space.
     * @return whether the user key range lies in it, as a store checks a scan or delete-range.
     */
    boolean containsRawRange(final byte[] userStartKey, final byte[] userEndKey) {
        if (!containsRaw(userStartKey)) {
            return false;
        }
        if (userEndKey.length == 0) {
            return userEnd.length == 0;
        }
        return userEnd.length == 0 || Arrays.compareUnsigned(userEndKey, userEnd) <= 0;
    }

    /** @return whether the two ranges share a key. */
    boolean overlaps(final CachedRegion other) {
        final boolean startsBeforeOtherEnds =
            other.end.length == 0 || Arrays.compareUnsigned(start, other.end) < 0;
        final boolean otherStartsBeforeEnd = end.length == 0 || Arrays.compareUnsigned(other.start, end) < 0;
        return startsBeforeOtherEnds && otherStartsBeforeEnd;
    }

    /** @return whether it describes the same region at the same epoch and range. */
    boolean sameAs(final CachedRegion other) {
        return regionId == other.regionId && epoch.version() == other.epoch.version()
            && epoch.confVer() == other.epoch.confVer() && Arrays.equals(start, other.start)
            && Arrays.equals(end, other.end);
    }

    @Override
    public String toString() {
        return "region " + regionId + " [" + HexFormat.of().formatHex(start) + ", "
            + (end.length == 0 ? "end" : HexFormat.of().formatHex(end)) + ") epoch (" + epoch.confVer() + ", "
            + epoch.version() + ") leader " + leaderStoreId;
    }
}
