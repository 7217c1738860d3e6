package io.tkv.log;

/**
 * A Raft group's durable hard state as the log stores it.
 *
 * @param term   the current term.
 * @param vote   the peer voted for in {@code term} (0 = none).
 * @param commit the highest index known committed.
 */
public record LogHardState(long term, long vote, long commit) {
    /** The hard state of a region the log has never seen. */
    public static final LogHardState EMPTY = new LogHardState(0, 0, 0);
}
