package io.tkv.raft.core;

/**
 * Kinds of message between the peers of one group. How each uses the fields of {@link RaftMessage} is written
 * there.
 */
public enum MessageType {
    PRE_VOTE,
    PRE_VOTE_RESPONSE,
    VOTE,
    VOTE_RESPONSE,
    APPEND,
    APPEND_RESPONSE,
    HEARTBEAT,
    HEARTBEAT_RESPONSE,
    SNAPSHOT,
    /** Leader transfer: the target campaigns at once, ignoring its election timer and the leader lease. */
    TIMEOUT_NOW,
    /**
     * The leader's last word before its group hibernates ({@link Hibernation}): its log is settled on every member,
     * it stops ticking and sends nothing more until something wakes it; a follower whose log matches stops its
     * election timer. Never answered.
     */
    HIBERNATE;

    private static final MessageType[] VALUES = values();

    /** @return the type with this ordinal, for decoders. */
    public static MessageType of(final int ordinal) {
        if (ordinal < 0 || ordinal >= VALUES.length) {
            throw new IllegalArgumentException("unknown raft message type " + ordinal);
        }
        return VALUES[ordinal];
    }
}
