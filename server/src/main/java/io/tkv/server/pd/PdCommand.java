package io.tkv.server.pd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The entries of PD's Raft log: a format version, a type and one value, big-endian.
 *
 * <pre>
 *   +0 uint8 version (1)   +1 uint8 type   +2 int64 value
 * </pre>
 *
 * Every type only ever raises what it records ({@code TSO_LIMIT}: the physical ms the TSO may hand out up to;
 * {@code ID_END}: the last id that may be handed out; {@code BOOTSTRAP}: the cluster id, set once), so applying an
 * entry twice, or out of date, changes nothing. An entry this build cannot read (another version, an unknown type)
 * is applied as a no-op on every member alike.
 */
final class PdCommand {
    static final byte VERSION = 1;
    static final byte TSO_LIMIT = 1;
    static final byte ID_END = 2;
    static final byte BOOTSTRAP = 3;
    /** Not a command: what {@link #type(byte[])} answers for an entry this build cannot read. */
    static final byte UNKNOWN = 0;
    static final int LENGTH = 2 + Long.BYTES;

    private PdCommand() {
    }

    static byte[] encode(final byte type, final long value) {
        final byte[] data = new byte[LENGTH];
        ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN).put(VERSION).put(type).putLong(value);
        return data;
    }

    /** @return the entry's type, or {@link #UNKNOWN} if it is not a command of this format. */
    static byte type(final byte[] data) {
        if (data.length != LENGTH || data[0] != VERSION) {
            return UNKNOWN;
        }
        final byte type = data[1];
        return type == TSO_LIMIT || type == ID_END || type == BOOTSTRAP ? type : UNKNOWN;
    }

    /** @return the value of an entry whose {@link #type(byte[])} is known. */
    static long value(final byte[] data) {
        return ByteBuffer.wrap(data, 2, Long.BYTES).order(ByteOrder.BIG_ENDIAN).getLong();
    }
}
