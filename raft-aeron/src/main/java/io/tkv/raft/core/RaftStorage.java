package io.tkv.raft.core;

import java.util.List;

/**
 * The durable state of one peer, as the core reads it: written only by the driver, from the {@link Ready}s it
 * persists, and by its own compaction. Implemented by the store's driver on the Chronicle log, and in tests in
 * memory.
 *
 * <p><b>Bootstrapping.</b> A group's founding peers start from a snapshot at index 1 or above (as TiKV starts regions
 * at index 5) whose {@link Snapshot#conf() conf} lists the founding members, and an empty log after it. A peer
 * created to join an existing group starts empty: no members, {@link #firstIndex()} 1, {@link #lastIndex()} 0. The
 * leader then always catches the newcomer up by snapshot, because the founding configuration lives only in
 * snapshots, never in log entries. {@link RaftNode} refuses a storage that has members and a log starting at
 * index 1.
 *
 * <p>Called by the core's owner thread only.
 */
public interface RaftStorage {
    /** @return the last persisted hard state; {@link HardState#EMPTY} for a new peer. */
    HardState hardState();

    /**
     * @return the membership as of the last snapshot, or as of any later index up to {@link #lastIndex()} (for
     *     example the last applied configuration change): the core replays every configuration entry still in the
     *     log over it, and replaying a change that is already included is harmless.
     */
    ConfState confState();

    /** @return the first index still in the log: the snapshot (compaction) index + 1. */
    long firstIndex();

    /** @return the last persisted index, or the snapshot index if the log is empty. */
    long lastIndex();

    /**
     * @param index a log index.
     * @return the term of that entry, the snapshot term for {@code firstIndex() - 1}, or -1 if the index is
     *     compacted away or beyond {@link #lastIndex()}.
     */
    long term(long index);

    /**
     * @param from        first index wanted, {@code >= firstIndex()}.
     * @param toExclusive one past the last index wanted, {@code <= lastIndex() + 1}.
     * @param maxBytes    soft limit on the sum of {@link Entry#sizeBytes()}.
     * @return the entries from {@code from}, in order: at least one if {@code from < toExclusive}, then as many as
     *     fit in {@code maxBytes}.
     */
    List<Entry> entries(long from, long toExclusive, long maxBytes);

    /**
     * @return the latest snapshot, to send to a follower that needs compacted entries; its index is at least
     *     {@code firstIndex() - 1}. May be null: "not ready yet", the core asks again later.
     */
    Snapshot snapshot();
}
