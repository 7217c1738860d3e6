package io.tkv.raft.core;

import java.nio.ByteBuffer;

/**
 * One membership change, proposed as a {@link EntryType#CONF_CHANGE} entry. One change at a time: a leader
 * accepts a new one only when the previous one is applied (and it has committed an entry of its own term).
 *
 * @param type   what to do.
 * @param peerId the peer it is done to.
 */
public record ConfChange(Type type, long peerId) {
    /** Kinds of change. Adding a voter that is a learner promotes it. */
    public enum Type {
        ADD_VOTER,
        REMOVE_PEER,
        ADD_LEARNER
    }

    private static final int ENCODED_LENGTH = 1 + Long.BYTES;

    public ConfChange {
        if (type == null || peerId <= 0) {
            throw new IllegalArgumentException("bad conf change " + type + " " + peerId);
        }
    }

    /** @return the change as entry data. */
    public byte[] encode() {
        return ByteBuffer.allocate(ENCODED_LENGTH).put((byte)type.ordinal()).putLong(peerId).array();
    }

    /**
     * @param data entry data written by {@link #encode()}.
     * @return the change.
     * @throws IllegalArgumentException if {@code data} is not an encoded change.
     */
    public static ConfChange decode(final byte[] data) {
        if (data == null || data.length != ENCODED_LENGTH || data[0] < 0 || data[0] >= Type.values().length) {
            throw new IllegalArgumentException("not an encoded conf change");
        }
        return new ConfChange(Type.values()[data[0]], ByteBuffer.wrap(data, 1, Long.BYTES).getLong());
    }
}
