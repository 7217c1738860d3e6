package io.tkv.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A store as PD's replicated state records it: what a new PD leader must know of every store without waiting for its
 * heartbeat (its id, address, labels, and the states an operator decides). Heartbeat stats and DOWN/DISCONNECTED are
 * not here: they are the leader's in-memory view, rebuilt from heartbeats.
 *
 * <p>Value layout (big-endian), the same in PD's Raft entry and in RocksDB:
 * <pre>
 *   +0 int64 storeId   +8 uint8 state   +9 uint16 addressLength, address (UTF-8)   uint16 labelsLength, labels (UTF-8)
 * </pre>
 *
 * @param storeId the store id, positive.
 * @param address {@code host:port}, at most {@link #MAX_ADDRESS_BYTES} bytes of UTF-8.
 * @param labels  {@code zone=z1,rack=r1,host=h1} (empty: none), at most {@link #MAX_LABELS_BYTES} bytes of UTF-8.
 * @param state   UP (registered), OFFLINE (being drained) or TOMBSTONE (gone for good).
 */
public record PdStoreRecord(long storeId, String address, String labels, State state) {
    /** The longest address. */
    public static final int MAX_ADDRESS_BYTES = 255;
    /** The longest labels text. */
    public static final int MAX_LABELS_BYTES = 1024;
    /** The fixed part of the encoding. */
    static final int FIXED_BYTES = Long.BYTES + 1 + 2 + 2;

    /** The states PD records durably (by ordinal in the encoding: never reorder). */
    public enum State {
        /** Registered. */
        UP,
        /** Being drained by an operator's decision. */
        OFFLINE,
        /** Removed for good: its id is never reused and its PutStore is refused. */
        TOMBSTONE
    }

    /** Checks the bounds, so nothing unbounded is ever encoded. */
    public PdStoreRecord {
        if (storeId <= 0) {
            throw new IllegalArgumentException("store id " + storeId + " must be positive");
        }
        if (address.getBytes(StandardCharsets.UTF_8).length > MAX_ADDRESS_BYTES) {
            throw new IllegalArgumentException("address longer than " + MAX_ADDRESS_BYTES + " bytes");
        }
        if (labels.getBytes(StandardCharsets.UTF_8).length > MAX_LABELS_BYTES) {
            throw new IllegalArgumentException("labels longer than " + MAX_LABELS_BYTES + " bytes");
        }
        if (state == null) {
            throw new IllegalArgumentException("no state");
        }
    }

    /** @return the encoded record's length. */
    public int encodedLength() {
        return FIXED_BYTES + address.getBytes(StandardCharsets.UTF_8).length
            + labels.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Writes the record at the buffer's position.
     *
     * @param out a big-endian buffer with {@link #encodedLength()} bytes left.
     */
    public void encode(final ByteBuffer out) {
        final byte[] a = address.getBytes(StandardCharsets.UTF_8);
        final byte[] l = labels.getBytes(StandardCharsets.UTF_8);
        out.putLong(storeId).put((byte)state.ordinal()).putShort((short)a.length).put(a).putShort((short)l.length)
            .put(l);
    }

    /** @return the record encoded alone. */
    public byte[] encode() {
        final byte[] data = new byte[encodedLength()];
        encode(ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN));
        return data;
    }

    /**
     * Reads a record that fills the buffer's remaining bytes exactly.
     *
     * @param in a big-endian buffer.
     * @return the record.
     * @throws IllegalArgumentException when the bytes are not exactly one valid record.
     */
    public static PdStoreRecord decode(final ByteBuffer in) {
        if (in.remaining() < FIXED_BYTES) {
            throw new IllegalArgumentException("a store record of " + in.remaining() + " bytes is truncated");
        }
        final long storeId = in.getLong();
        final int stateOrdinal = in.get() & 0xFF;
        final State[] states = State.values();
        if (stateOrdinal >= states.length) {
            throw new IllegalArgumentException("store " + storeId + ": unknown state " + stateOrdinal);
        }
        final String address = string(in, "address");
        final String labels = string(in, "labels");
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("store " + storeId + ": " + in.remaining() + " bytes after the record");
        }
        return new PdStoreRecord(storeId, address, labels, states[stateOrdinal]);
    }

    private static String string(final ByteBuffer in, final String what) {
        if (in.remaining() < Short.BYTES) {
            throw new IllegalArgumentException("store record truncated before its " + what);
        }
        final int length = in.getShort() & 0xFFFF;
        if (length > in.remaining()) {
            throw new IllegalArgumentException("store record: " + what + " of " + length + " bytes, "
                + in.remaining() + " left");
        }
        final byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** @return this record in another state. */
    public PdStoreRecord withState(final State newState) {
        return new PdStoreRecord(storeId, address, labels, newState);
    }
}
