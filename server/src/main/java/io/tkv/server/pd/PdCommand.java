package io.tkv.server.pd;

import io.tkv.storage.PdStoreRecord;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The entries of PD's Raft log, big-endian, in two formats told apart by their first byte:
 *
 * <pre>
 *   version 1, fixed:    +0 uint8 version (1)   +1 uint8 type (TSO_LIMIT, ID_END, BOOTSTRAP, GC_SAFE_POINT)
 *                        +2 int64 value
 *   version 2, variable: +0 uint8 version (2)   +1 uint8 type (PUT_STORE)                      +2 a PdStoreRecord
 *                        (int64 storeId, uint8 state, uint16 length + address, uint16 length + labels)
 * </pre>
 *
 * Every version 1 type only ever raises what it records ({@code TSO_LIMIT}: the physical ms the TSO may hand out up
 * to; {@code ID_END}: the last id that may be handed out; {@code BOOTSTRAP}: the cluster id, set once;
 * {@code GC_SAFE_POINT}: the GC safe point, which apply only ever raises, see {@code io.tkv.pd.gc.GcSafePoint}), and a
 * {@code PUT_STORE} replaces a store's record by itself, so applying an entry twice, or out of date, changes nothing
 * (a PUT_STORE for a store recorded as a tombstone is applied as a no-op: a tombstone is final). An entry this build
 * cannot read (another version, an unknown type, a malformed body) is applied as a no-op on every member alike.
 */
final class PdCommand {
    static final byte VERSION = 1;
    static final byte VERSION_2 = 2;
    static final byte TSO_LIMIT = 1;
    static final byte ID_END = 2;
    static final byte BOOTSTRAP = 3;
    /** Version 2: a store's registration or update (a {@link PdStoreRecord}). */
    static final byte PUT_STORE = 4;
    /** Version 1: the GC safe point the leader checked (above the applied one, at most its TSO). */
    static final byte GC_SAFE_POINT = 5;
    /** Not a command: what {@link #type(byte[])} answers for an entry this build cannot read. */
    static final byte UNKNOWN = 0;
    static final int LENGTH = 2 + Long.BYTES;
    /** The longest entry: a PUT_STORE with the longest address and labels. */
    static final int MAX_LENGTH = 2 + 8 + 1 + 2 + PdStoreRecord.MAX_ADDRESS_BYTES + 2 + PdStoreRecord.MAX_LABELS_BYTES;

    private PdCommand() {
    }

    static byte[] encode(final byte type, final long value) {
        final byte[] data = new byte[LENGTH];
        ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN).put(VERSION).put(type).putLong(value);
        return data;
    }

    /** @return a version 2 PUT_STORE entry recording the store. */
    static byte[] encodePutStore(final PdStoreRecord store) {
        final byte[] data = new byte[2 + store.encodedLength()];
        final ByteBuffer out = ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN).put(VERSION_2).put(PUT_STORE);
        store.encode(out);
        return data;
    }

    /** @return the entry's type, or {@link #UNKNOWN} if it is not a command of a format this build reads. */
    static byte type(final byte[] data) {
        if (data.length == LENGTH && data[0] == VERSION) {
            final byte type = data[1];
            return type == TSO_LIMIT || type == ID_END || type == BOOTSTRAP || type == GC_SAFE_POINT ? type : UNKNOWN;
        }
        if (data.length >= 2 && data.length <= MAX_LENGTH && data[0] == VERSION_2 && data[1] == PUT_STORE) {
            return storeOrNull(data) == null ? UNKNOWN : PUT_STORE;
        }
        return UNKNOWN;
    }

    /** @return the value of a version 1 entry whose {@link #type(byte[])} is known. */
    static long value(final byte[] data) {
        return ByteBuffer.wrap(data, 2, Long.BYTES).order(ByteOrder.BIG_ENDIAN).getLong();
    }

    /** @return the store of an entry whose {@link #type(byte[])} is {@link #PUT_STORE}. */
    static PdStoreRecord store(final byte[] data) {
        final PdStoreRecord store = data.length >= 2 && data[0] == VERSION_2 && data[1] == PUT_STORE
            ? storeOrNull(data) : null;
        if (store == null) {
            throw new IllegalArgumentException("not a PUT_STORE entry");
        }
        return store;
    }

    private static PdStoreRecord storeOrNull(final byte[] data) {
        try {
            return PdStoreRecord.decode(ByteBuffer.wrap(data, 2, data.length - 2).slice().order(ByteOrder.BIG_ENDIAN));
        } catch (final IllegalArgumentException ex) {
            return null;
        }
    }
}
