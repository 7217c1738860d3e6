package io.tkv.raft.core;

import java.nio.ByteBuffer;

/**
 * One membership change, proposed as a {@link EntryType#CONF_CHANGE} entry. One change at a time: a leader
 * accepts a new one only when the previous one is applied (and it has committed an entry of its own term).
 *
 * <p>The change names the store its peer is on, as TiKV's carries the whole peer: the core ignores it (membership is
 * peer ids), but every store that appends the entry learns where the peer lives before anyone must send to it, and the
 * state machine records it with the region. It also carries an opaque context, as TiKV's does, which the core ignores:
 * the proposer's request id, for the answer. Encoded as {@code type:1 peerId:8 storeId:8 context:8}, big-endian; the
 * 9-byte form of older logs (no store id, no context) decodes with the store id equal to the peer id, as static
 * membership had it, and context 0.
 *
 * @param type    what to do.
 * @param peerId  the peer it is done to.
 * @param storeId the store the peer is on.
 * @param context the proposer's own data (its request id), 0 for none.
 */
public record ConfChange(Type type, long peerId, long storeId, long context) {
    /** Kinds of change. Adding a voter that is a learner promotes it. */
    public enum Type {
        ADD_VOTER,
        REMOVE_PEER,
        ADD_LEARNER
    }

    private static final int LEGACY_LENGTH = 1 + Long.BYTES;
    private static final int ENCODED_LENGTH = 1 + 3 * Long.BYTES;

    public ConfChange {
        if (type == null || peerId <= 0 || storeId <= 0) {
            throw new IllegalArgumentException("bad conf change " + type + " " + peerId + "@" + storeId);
        }
    }

    /** A change of a peer whose id is its store's (static membership). */
    public ConfChange(final Type type, final long peerId) {
        this(type, peerId, peerId, 0);
    }

    /** @return the change as entry data. */
    public byte[] encode() {
        return ByteBuffer.allocate(ENCODED_LENGTH).put((byte)type.ordinal()).putLong(peerId).putLong(storeId)
            .putLong(context).array();
    }

    /**
     * @param data entry data written by {@link #encode()} (or its older 9-byte form).
     * @return the change.
     * @throws IllegalArgumentException if {@code data} is not an encoded change.
     */
    public static ConfChange decode(final byte[] data) {
        if (data == null || data.length != ENCODED_LENGTH && data.length != LEGACY_LENGTH || data[0] < 0
            || data[0] >= Type.values().length) {
            throw new IllegalArgumentException("not an encoded conf change");
        }
        final ByteBuffer in = ByteBuffer.wrap(data, 1, data.length - 1);
        final long peerId = in.getLong();
        if (data.length == LEGACY_LENGTH) {
            return new ConfChange(Type.values()[data[0]], peerId);
        }
        return new ConfChange(Type.values()[data[0]], peerId, in.getLong(), in.getLong());
    }
}
