package io.tkv.txn;

import io.tkv.codec.keys.KeySpace;
import io.tkv.codec.keys.MemComparable;

import java.util.Arrays;

/**
 * The transactional key layout, written down in this one place.
 *
 * <pre>
 * CF       key                                          value
 * lock     'x' mc(userKey)                              {@link Lock}
 * write    'x' mc(userKey) ~commitTs:8                  {@link Write}
 * default  'x' mc(userKey) ~startTs:8                   the user value (when too long to inline)
 * </pre>
 * {@code mc} is the {@link MemComparable memcomparable} encoding, so user keys keep their order and no encoded key
 * is a prefix of another; {@code ~ts} is the bitwise NOT of the timestamp, 8 bytes big-endian, so a key's newer
 * versions sort first and a forward seek to {@code key ~ts} lands on the newest version at or below {@code ts}.
 * The {@code 'x'} prefix ({@link KeySpace#TXN}) keeps the space {@code ['x', 'y')} apart from RawKV's
 * {@code ['r', 's')} in the shared {@code default} column family.
 * <p>
 * In this module an <em>encoded key</em> is {@code 'x' mc(userKey)}: the lock CF's key and the prefix of its
 * versions; a <em>user key</em> is what the client sent.
 */
public final class TxnKeys {
    /** Length of the timestamp suffix of a version key. */
    public static final int TS_LENGTH = Long.BYTES;
    /** The first key of the transactional space. */
    public static final byte[] SPACE_START = {KeySpace.TXN};
    /** The exclusive end of the transactional space. */
    public static final byte[] SPACE_END = {KeySpace.TXN + 1};

    private TxnKeys() {
    }

    /**
     * @param userKey the client's key.
     * @return {@code 'x' mc(userKey)}.
     */
    public static byte[] encode(final byte[] userKey) {
        final byte[] out = new byte[1 + MemComparable.encodedLength(userKey.length)];
        out[0] = KeySpace.TXN;
        MemComparable.encode(userKey, 0, userKey.length, out, 1);
        return out;
    }

    /**
     * @param encodedKey {@code 'x' mc(userKey)}, perhaps followed by a timestamp.
     * @return the user key.
     * @throws IllegalArgumentException if the bytes are not a transactional key.
     */
    public static byte[] decode(final byte[] encodedKey) {
        if (encodedKey.length == 0 || encodedKey[0] != KeySpace.TXN) {
            throw new IllegalArgumentException("not a transactional key: no 'x' prefix");
        }
        return MemComparable.decode(encodedKey, 1, encodedKey.length);
    }

    /**
     * @return {@code encodedKey ~ts}: the key of a version.
     */
    public static byte[] withTs(final byte[] encodedKey, final long ts) {
        final byte[] out = Arrays.copyOf(encodedKey, encodedKey.length + TS_LENGTH);
        putLongBigEndian(out, encodedKey.length, ~ts);
        return out;
    }

    /**
     * @param versionKey a key made by {@link #withTs}.
     * @return its timestamp.
     */
    public static long ts(final byte[] versionKey) {
        return ~getLongBigEndian(versionKey, versionKey.length - TS_LENGTH);
    }

    /**
     * @param versionKey a key made by {@link #withTs}.
     * @param encodedKey an encoded key.
     * @return whether the version belongs to the key.
     */
    public static boolean isVersionOf(final byte[] versionKey, final byte[] encodedKey) {
        return versionKey.length == encodedKey.length + TS_LENGTH &&
            Arrays.equals(versionKey, 0, encodedKey.length, encodedKey, 0, encodedKey.length);
    }

    /**
     * @param versionKey a key made by {@link #withTs}.
     * @return the encoded key without the timestamp.
     * @throws IllegalArgumentException if the key is too short to hold a timestamp.
     */
    public static byte[] stripTs(final byte[] versionKey) {
        if (versionKey.length < 1 + TS_LENGTH) {
            throw new IllegalArgumentException("version key of " + versionKey.length + " bytes holds no timestamp");
        }
        return Arrays.copyOf(versionKey, versionKey.length - TS_LENGTH);
    }

    private static void putLongBigEndian(final byte[] out, final int offset, final long value) {
        for (int i = 0; i < Long.BYTES; i++) {
            out[offset + i] = (byte)(value >>> (56 - 8 * i));
        }
    }

    private static long getLongBigEndian(final byte[] in, final int offset) {
        long value = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            value = value << 8 | (in[offset + i] & 0xFF);
        }
        return value;
    }
}
