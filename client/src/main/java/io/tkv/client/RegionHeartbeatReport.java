package io.tkv.client;

/**
 * What a region's leader tells PD in a region heartbeat.
 *
 * @param storeId         the leader's store.
 * @param leaderPeerId    the leader peer.
 * @param term            its Raft term.
 * @param approximateSize bytes in the region's range, approximately.
 * @param approximateKeys keys in it, approximately.
 * @param bytesWritten    bytes written to the region since the last heartbeat.
 * @param keysWritten     keys written since the last heartbeat.
 * @param downPeerIds     peers that have not answered the leader for a while.
 * @param downSeconds     for each of {@code downPeerIds}, for how long.
 * @param pendingPeerIds  peers whose log is far behind (catching up, or waiting for a snapshot).
 * @param regionList      the region (range, epoch, peers, the leader's store) as an encoded RegionList frame.
 */
public record RegionHeartbeatReport(long storeId, long leaderPeerId, long term, long approximateSize,
    long approximateKeys, long bytesWritten, long keysWritten, long[] downPeerIds, long[] downSeconds,
    long[] pendingPeerIds, byte[] regionList) {

    public RegionHeartbeatReport {
        if (downPeerIds.length != downSeconds.length) {
            throw new IllegalArgumentException("one down time per down peer: " + downPeerIds.length + " peers, "
                + downSeconds.length + " times");
        }
    }
}
