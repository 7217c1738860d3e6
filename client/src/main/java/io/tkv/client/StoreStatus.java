package io.tkv.client;

import java.util.List;

/**
 * One store's replication status, as {@link RawKvClient#storeStatus()} reads it from the store the client is
 * talking to.
 *
 * @param storeId       the store.
 * @param logBytes      bytes of its Raft log on disk.
 * @param logCycleFiles cycle files of its Raft log.
 * @param logSyncs      log syncs since it started.
 * @param failure       why the store stopped serving, or "" while it serves.
 * @param regions       every region it hosts a peer of.
 * @param refused       the store-to-store frames and messages it refused.
 */
public record StoreStatus(long storeId, long logBytes, int logCycleFiles, long logSyncs, String failure,
    List<Region> regions, Refused refused) {

    /**
     * What a store refused from the network between stores since it started (zero from a store older than
     * protocol version 3).
     *
     * @param unauthenticated frames whose authentication tag did not verify (no or the wrong cluster key).
     * @param replayed        authentic frames not newer than one already accepted from their sender.
     * @param notMember       frames from a store that is not in this store's cluster.
     * @param raftNotMember   Raft messages from a peer that is not a member of the region, or not on its store.
     */
    public record Refused(long unauthenticated, long replayed, long notMember, long raftNotMember) {
    }

    /**
     * One region's peer on the store.
     *
     * @param regionId      the region.
     * @param peerId        the store's peer in it.
     * @param role          FOLLOWER, PRE_CANDIDATE, CANDIDATE or LEADER.
     * @param term          current term.
     * @param leaderPeerId  the leader it knows, or 0.
     * @param leaderStoreId the store hosting that leader, or 0.
     * @param commitIndex   highest index known committed.
     * @param appliedIndex  highest index handed to the state machine.
     * @param firstIndex    first index still in its log.
     * @param lastIndex     last index in its log.
     * @param confVer       the region's epoch conf version as the store has it (0 from a store before version 4).
     * @param version       the region's epoch version.
     * @param startKey      the region's first stored key (RawKV: 'r' + key); empty for the first key.
     * @param endKey        the stored key after the region; empty for no end.
     * @param approximateBytes the region's data, approximately (RocksDB's estimate).
     * @param approximateKeys  its keys, approximately.
     */
    public record Region(long regionId, long peerId, String role, long term, long leaderPeerId, long leaderStoreId,
        long commitIndex, long appliedIndex, long firstIndex, long lastIndex, long confVer, long version,
        byte[] startKey, byte[] endKey, long approximateBytes, long approximateKeys) {
    }
}
