package io.tkv.client;

/** A membership change of a region ({@link RawKvClient#changePeer}). */
public enum PeerChange {
    /** Add a voter, or promote a learner. */
    ADD_VOTER,
    /** Remove a peer; a store whose peer is removed destroys its copy of the region. */
    REMOVE_PEER,
    /** Add a learner: it replicates (a new one catches up by snapshot) without voting. */
    ADD_LEARNER
}
