package io.tkv.raft.core;

import java.util.Arrays;

/**
 * A point-in-time image of the state machine that replaces the log up to {@code index}.
 *
 * @param index last log index the image covers.
 * @param term  term of that entry.
 * @param conf  membership as of {@code index}.
 * @param data  opaque to the core: in the simulation the state itself; in a store a descriptor of the region's
 *              snapshot files, which the transport streams separately in chunks.
 */
public record Snapshot(long index, long term, ConfState conf, byte[] data) {
    public Snapshot {
        if (index < 0 || term < 0 || conf == null) {
            throw new IllegalArgumentException("bad snapshot " + index + "@" + term);
        }
        if (data == null) {
            data = new byte[0];
        }
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof Snapshot s && s.index == index && s.term == term && s.conf.equals(conf)
            && Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Long.hashCode(term);
    }

    @Override
    public String toString() {
        return "Snapshot{" + index + "@" + term + " " + conf + " " + data.length + "B}";
    }
}
