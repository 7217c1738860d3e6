package io.tkv.storage;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The key layout of the {@code raft} column family, written down in this one place.
 *
 * <pre>
 * key                                                    value
 * 0x00 name...                                           store identity, see {@link StoreMeta}
 * 0x01 regionId:8 0x01                                   apply state: appliedIndex:8 appliedTerm:8
 * 0x01 regionId:8 0x02 clientId:8 0x00                   dedup client: lowWaterMark:8 lastSeenMs:8
 * 0x01 regionId:8 0x02 clientId:8 0x01 requestId:8       dedup reply: the encoded reply frame, as recorded
 * 0x01 regionId:8 0x03                                   region descriptor: range, epoch, peers
 * 0x01 regionId:8 0x04..0xFF ...                         reserved for more region metadata
 * 0x02 regionId:8                                        snapshot ingest under way: the data range it replaces
 * 0x03 regionId:8                                        tombstone: the region left this store; value: the highest
 *                                                        peer id of it removed here
 * </pre>
 * Every number is 8 bytes big-endian. Region and client ids sort as unsigned numbers; a request id is stored with
 * its sign bit flipped, so a client's replies sort by signed request id and load in ascending order.
 * <p>
 * Everything a region owns in this column family lies in its <em>band</em> {@code [0x01 regionId, 0x01
 * regionId+1)}: one range to snapshot, to delete when a snapshot replaces it, and to load at start-up. A client's
 * record sorts just before its replies, so one forward pass meets the record first. The ingest marker lies outside
 * every band on purpose: replacing a band must not erase the note that the replacement is under way.
 */
final class RegionKeys {
    /** First byte of the store-level keys of {@link StoreMeta}. */
    static final byte STORE_PREFIX = 0x00;
    /** First byte of every region band. */
    static final byte REGION_PREFIX = 0x01;
    /** First byte of the snapshot-ingest markers. */
    static final byte INGEST_MARKER_PREFIX = 0x02;
    /** First byte of the tombstones of regions destroyed here. */
    static final byte TOMBSTONE_PREFIX = 0x03;

    /** Kind byte after the region id: the apply state. */
    static final byte KIND_APPLY_STATE = 0x01;
    /** Kind byte after the region id: a dedup client record or reply. */
    static final byte KIND_DEDUP = 0x02;
    /** Kind byte after the region id: the region's descriptor. */
    static final byte KIND_REGION = 0x03;
    /** Byte after the client id: the client's record. */
    static final byte DEDUP_CLIENT = 0x00;
    /** Byte after the client id: one recorded reply, followed by the request id. */
    static final byte DEDUP_REPLY = 0x01;

    /** Length of {@code prefix regionId}. */
    static final int REGION_PREFIX_LENGTH = 1 + Long.BYTES;
    /** Length of an apply-state key. */
    static final int APPLY_STATE_KEY_LENGTH = REGION_PREFIX_LENGTH + 1;
    /** Length of a dedup client key. */
    static final int CLIENT_KEY_LENGTH = REGION_PREFIX_LENGTH + 1 + Long.BYTES + 1;
    /** Length of a dedup reply key. */
    static final int REPLY_KEY_LENGTH = CLIENT_KEY_LENGTH + Long.BYTES;
    /** Length of an apply-state value and of a dedup client value. */
    static final int TWO_LONGS_LENGTH = 2 * Long.BYTES;

    private static final int KIND_OFFSET = REGION_PREFIX_LENGTH;
    private static final int CLIENT_ID_OFFSET = KIND_OFFSET + 1;
    private static final int CLIENT_TAG_OFFSET = CLIENT_ID_OFFSET + Long.BYTES;
    private static final int REQUEST_ID_OFFSET = CLIENT_TAG_OFFSET + 1;

    private RegionKeys() {
    }

    /**
     * Writes the apply-state key of a region at offset 0.
     *
     * @return the key length.
     */
    static int applyStateKey(final MutableDirectBuffer out, final long regionId) {
        putRegionPrefix(out, REGION_PREFIX, regionId);
        out.putByte(KIND_OFFSET, KIND_APPLY_STATE);
        return APPLY_STATE_KEY_LENGTH;
    }

    /**
     * Writes the dedup record key of a client at offset 0.
     *
     * @return the key length.
     */
    static int clientKey(final MutableDirectBuffer out, final long regionId, final long clientId) {
        putRegionPrefix(out, REGION_PREFIX, regionId);
        out.putByte(KIND_OFFSET, KIND_DEDUP);
        out.putLong(CLIENT_ID_OFFSET, clientId, ByteOrder.BIG_ENDIAN);
        out.putByte(CLIENT_TAG_OFFSET, DEDUP_CLIENT);
        return CLIENT_KEY_LENGTH;
    }

    /**
     * Writes the key of one recorded reply at offset 0.
     *
     * @return the key length.
     */
    static int replyKey(final MutableDirectBuffer out, final long regionId, final long clientId, final long requestId) {
        putRegionPrefix(out, REGION_PREFIX, regionId);
        out.putByte(KIND_OFFSET, KIND_DEDUP);
        out.putLong(CLIENT_ID_OFFSET, clientId, ByteOrder.BIG_ENDIAN);
        out.putByte(CLIENT_TAG_OFFSET, DEDUP_REPLY);
        out.putLong(REQUEST_ID_OFFSET, requestId ^ Long.MIN_VALUE, ByteOrder.BIG_ENDIAN);
        return REPLY_KEY_LENGTH;
    }

    /**
     * @return the key of a region's descriptor.
     */
    static byte[] regionKey(final long regionId) {
        final byte[] key = new byte[APPLY_STATE_KEY_LENGTH];
        final UnsafeBuffer view = new UnsafeBuffer(key);
        putRegionPrefix(view, REGION_PREFIX, regionId);
        view.putByte(KIND_OFFSET, KIND_REGION);
        return key;
    }

    /**
     * @return whether a key of the {@code raft} column family is a region descriptor's.
     */
    static boolean isRegionKey(final byte[] key) {
        return key.length == APPLY_STATE_KEY_LENGTH && key[0] == REGION_PREFIX && key[KIND_OFFSET] == KIND_REGION;
    }

    /**
     * @return the inclusive start of a region's band.
     */
    static byte[] bandStart(final long regionId) {
        return prefixed(REGION_PREFIX, regionId);
    }

    /**
     * @return the exclusive end of a region's band: the band of the next region id, or the first key after every
     *         band for the largest unsigned id.
     */
    static byte[] bandEnd(final long regionId) {
        return regionId == -1L ? new byte[] {INGEST_MARKER_PREFIX} : prefixed(REGION_PREFIX, regionId + 1);
    }

    /**
     * @return the inclusive start of all region bands.
     */
    static byte[] allBandsStart() {
        return new byte[] {REGION_PREFIX};
    }

    /**
     * @return the exclusive end of all region bands.
     */
    static byte[] allBandsEnd() {
        return new byte[] {INGEST_MARKER_PREFIX};
    }

    /**
     * @return the key of a region's snapshot-ingest marker.
     */
    static byte[] ingestMarkerKey(final long regionId) {
        return prefixed(INGEST_MARKER_PREFIX, regionId);
    }

    /**
     * @return the key of a region's tombstone.
     */
    static byte[] tombstoneKey(final long regionId) {
        return prefixed(TOMBSTONE_PREFIX, regionId);
    }

    /**
     * @return the first key of the tombstones.
     */
    static byte[] tombstonesStart() {
        return new byte[] {TOMBSTONE_PREFIX};
    }

    /**
     * @return the region id of a key in a region band.
     */
    static long regionId(final DirectBuffer key) {
        return key.getLong(1, ByteOrder.BIG_ENDIAN);
    }

    /**
     * @return the kind byte of a key in a region band, or -1 if the key is too short to have one.
     */
    static int kind(final DirectBuffer key, final int length) {
        return length > KIND_OFFSET ? key.getByte(KIND_OFFSET) : -1;
    }

    /**
     * @return whether a dedup key of this length is a client record ({@code false}: a reply).
     * @throws StorageException if the length is neither.
     */
    static boolean isClientRecord(final int length) {
        if (length == CLIENT_KEY_LENGTH) {
            return true;
        }
        if (length == REPLY_KEY_LENGTH) {
            return false;
        }
        throw new StorageException("corrupt dedup key: " + length + " bytes");
    }

    /**
     * @return the client id of a dedup key.
     */
    static long clientId(final DirectBuffer key) {
        return key.getLong(CLIENT_ID_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /**
     * @return the request id of a dedup reply key.
     */
    static long requestId(final DirectBuffer key) {
        return key.getLong(REQUEST_ID_OFFSET, ByteOrder.BIG_ENDIAN) ^ Long.MIN_VALUE;
    }

    /**
     * Writes two longs at offset 0: the value layout of the apply state and of a dedup client record.
     *
     * @return {@link #TWO_LONGS_LENGTH}.
     */
    static int putTwoLongs(final MutableDirectBuffer out, final long first, final long second) {
        out.putLong(0, first, ByteOrder.BIG_ENDIAN);
        out.putLong(Long.BYTES, second, ByteOrder.BIG_ENDIAN);
        return TWO_LONGS_LENGTH;
    }

    private static void putRegionPrefix(final MutableDirectBuffer out, final byte prefix, final long regionId) {
        out.putByte(0, prefix);
        out.putLong(1, regionId, ByteOrder.BIG_ENDIAN);
    }

    private static byte[] prefixed(final byte prefix, final long regionId) {
        final byte[] key = new byte[REGION_PREFIX_LENGTH];
        key[0] = prefix;
        for (int i = 0; i < Long.BYTES; i++) {
            key[1 + i] = (byte)(regionId >>> (Long.SIZE - Byte.SIZE * (i + 1)));
        }
        return key;
    }
}
