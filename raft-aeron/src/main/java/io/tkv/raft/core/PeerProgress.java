package io.tkv.raft.core;

/**
 * What a leader knows of one other peer's replication, for reports (PD's down and pending peers): built on demand by
 * {@link RaftNode#peerProgress()}, not for the hot path.
 *
 * @param peerId       the peer.
 * @param learner      whether it does not vote (a learner, or a peer being removed).
 * @param match        the highest index known to match the leader's log.
 * @param snapshotting whether the leader is sending it a snapshot (it fell behind the compacted log).
 * @param silentRounds check-quorum rounds (one election timeout each) in a row it was not heard from in; 0 if it was
 *                     heard from in the last one.
 */
public record PeerProgress(long peerId, boolean learner, long match, boolean snapshotting, int silentRounds) {
}
