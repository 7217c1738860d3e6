package io.tkv.pd.cluster;

/** A peer's role in its region's Raft group. */
public enum PeerRole {
    /** Votes and counts toward the quorum. */
    VOTER,
    /** Receives the log but neither votes nor counts: a new peer catches up as a learner before promotion. */
    LEARNER
}
