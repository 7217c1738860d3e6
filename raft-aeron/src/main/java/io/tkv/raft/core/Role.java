package io.tkv.raft.core;

/** What a peer is doing in its current term. */
public enum Role {
    /** Accepts entries from the leader of its term, or waits for one. */
    FOLLOWER,
    /** Asks whether it could win an election, without bumping its term (pre-vote). */
    PRE_CANDIDATE,
    /** Bumped its term, voted for itself and asks for votes. */
    CANDIDATE,
    /** Replicates its log and commits entries of its term. */
    LEADER
}
