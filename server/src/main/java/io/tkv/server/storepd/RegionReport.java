package io.tkv.server.storepd;

import io.tkv.storage.RegionDescriptor;

/**
 * What the raft agent knows of a region it leads, handed to the PD worker for a region heartbeat (which adds the
 * region's approximate size, read off the raft thread, and what was written to it since its previous heartbeat).
 *
 * @param region         the region as this store has it (range, epoch, peers).
 * @param leaderPeerId   this store's peer, the leader.
 * @param term           its term.
 * @param downPeerIds    peers the leader has not heard from for a while.
 * @param downSeconds    for each of {@code downPeerIds}, about how long.
 * @param pendingPeerIds peers far behind (getting a snapshot, or behind the compacted log).
 */
public record RegionReport(RegionDescriptor region, long leaderPeerId, long term, long[] downPeerIds,
    long[] downSeconds, long[] pendingPeerIds) {
}
