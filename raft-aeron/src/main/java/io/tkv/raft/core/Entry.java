package io.tkv.raft.core;

import java.util.Arrays;

/**
 * One log entry. Immutable once built: the core, the log and the transport may all hold the same instance.
 *
 * @param index position in the group's log, from 1.
 * @param term  term of the leader that created it.
 * @param type  what {@code data} is.
 * @param data  the command; never null, empty for a no-op. Not copied: callers must not change it afterwards.
 */
public record Entry(long index, long term, EntryType type, byte[] data) {
    private static final byte[] EMPTY = new byte[0];

    public Entry {
        if (index < 1 || term < 0) {
            throw new IllegalArgumentException("bad entry index " + index + " term " + term);
        }
        if (type == null) {
            throw new IllegalArgumentException("entry type is null");
        }
        if (data == null) {
            data = EMPTY;
        }
    }

    /** @return the approximate size this entry adds to a message, for byte limits. */
    public int sizeBytes() {
        return data.length + 24;
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof Entry e && e.index == index && e.term == term && e.type == type
            && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Long.hashCode(term);
    }

    @Override
    public String toString() {
        return "Entry{" + index + "@" + term + " " + type + " " + data.length + "B}";
    }
}
