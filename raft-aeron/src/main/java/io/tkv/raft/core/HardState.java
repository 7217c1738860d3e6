package io.tkv.raft.core;

/**
 * The state a peer must persist before it answers anyone: its current term, whom it voted for in that term, and
 * the highest index it knows committed.
 *
 * @param term   current term.
 * @param vote   peer voted for in {@code term}, or {@link #NO_VOTE}.
 * @param commit highest index known committed.
 */
public record HardState(long term, long vote, long commit) {
    /** No vote cast in this term. */
    public static final long NO_VOTE = 0;
    /** A peer that never ran. */
    public static final HardState EMPTY = new HardState(0, NO_VOTE, 0);
}
