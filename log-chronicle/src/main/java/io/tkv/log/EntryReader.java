package io.tkv.log;

import org.agrona.DirectBuffer;

/**
 * Receives one log entry from {@link RaftLog#read} or {@link RaftLog#readRange}. Bind an implementation once
 * (a method reference in a final field) so that reading allocates nothing.
 */
@FunctionalInterface
public interface EntryReader {
    /**
     * @param regionId  the region the entry belongs to.
     * @param index     its Raft index.
     * @param term      its Raft term.
     * @param entryType the opaque entry type given to {@link RaftLog#append}.
     * @param buffer    holds the payload; valid only during this call (it is reused for the next entry).
     * @param offset    where the payload starts in {@code buffer}.
     * @param length    payload length in bytes.
     */
    void onEntry(long regionId, long index, long term, int entryType, DirectBuffer buffer, int offset, int length);
}
