package io.tkv.codec.keys;

/**
 * TiKV's memcomparable encoding of byte strings: the key is cut into groups of {@value #GROUP_SIZE} bytes, the last
 * group padded with zeros, and every group is followed by a marker byte {@code 0xFF - padCount}. So a key of
 * {@code n} bytes takes {@code (n / 8 + 1) * 9} bytes, and for any keys {@code a < b} (unsigned lexicographic)
 * {@code encode(a) < encode(b)} while no encoded key is a prefix of another: bytes may be appended after an encoded
 * key (a timestamp, say) without breaking the order of the keys.
 * <pre>
 * ""          -&gt; 00 00 00 00 00 00 00 00 F7
 * "abc"       -&gt; 61 62 63 00 00 00 00 00 FA
 * "12345678"  -&gt; 31 32 33 34 35 36 37 38 FF 00 00 00 00 00 00 00 00 F7
 * </pre>
 * Decoding refuses anything an encoder cannot produce (a marker below {@code 0xF7}, non-zero padding, a truncated
 * group) with an {@link IllegalArgumentException}; it never reads outside the given range.
 */
public final class MemComparable {
    /** Bytes of key per group. */
    public static final int GROUP_SIZE = 8;
    /** Marker after a full group that is followed by more groups. */
    public static final int MARKER = 0xFF;
    private static final int ENCODED_GROUP_SIZE = GROUP_SIZE + 1;
    private static final byte PAD = 0;

    private MemComparable() {
    }

    /**
     * @param keyLength length of the user key.
     * @return the length of its encoding.
     */
    public static int encodedLength(final int keyLength) {
        if (keyLength < 0) {
            throw new IllegalArgumentException("negative key length " + keyLength);
        }
        return (keyLength / GROUP_SIZE + 1) * ENCODED_GROUP_SIZE;
    }

    /**
     * @param key the user key.
     * @return its encoding, in a new array.
     */
    public static byte[] encode(final byte[] key) {
        final byte[] out = new byte[encodedLength(key.length)];
        encode(key, 0, key.length, out, 0);
        return out;
    }

    /**
     * Writes the encoding of {@code key[offset, offset + length)} into {@code out} at {@code outOffset}, which must
     * have room for {@link #encodedLength(int)} bytes.
     *
     * @return the number of bytes written.
     */
    public static int encode(
        final byte[] key, final int offset, final int length, final byte[] out, final int outOffset) {
        int in = offset;
        int pos = outOffset;
        final int end = offset + length;
        while (true) {
            final int remaining = end - in;
            if (remaining >= GROUP_SIZE) {
                System.arraycopy(key, in, out, pos, GROUP_SIZE);
                in += GROUP_SIZE;
                pos += GROUP_SIZE;
                // A full group is followed by another one (perhaps all padding), so its marker says "no padding".
                out[pos++] = (byte)MARKER;
            } else {
                System.arraycopy(key, in, out, pos, remaining);
                pos += remaining;
                final int pad = GROUP_SIZE - remaining;
                for (int i = 0; i < pad; i++) {
                    out[pos++] = PAD;
                }
                out[pos++] = (byte)(MARKER - pad);
                return pos - outOffset;
            }
        }
    }

    /**
     * Finds where an encoded key ends, checking it on the way.
     *
     * @param src    the bytes holding an encoded key at {@code offset}.
     * @param offset where the encoded key starts.
     * @param limit  exclusive end of the bytes that may belong to it.
     * @return the length of the encoded key (a multiple of 9).
     * @throws IllegalArgumentException if the bytes are not an encoded key.
     */
    public static int encodedLengthAt(final byte[] src, final int offset, final int limit) {
        checkRange(src, offset, limit);
        int pos = offset;
        while (true) {
            if (limit - pos < ENCODED_GROUP_SIZE) {
                throw new IllegalArgumentException(
                    "memcomparable key truncated: group at " + (pos - offset) + " needs 9 bytes, " + (limit - pos) +
                        " left");
            }
            final int marker = src[pos + GROUP_SIZE] & 0xFF;
            final int pad = MARKER - marker;
            if (pad > GROUP_SIZE) {
                throw new IllegalArgumentException("memcomparable key: bad marker 0x" + Integer.toHexString(marker));
            }
            for (int i = GROUP_SIZE - pad; i < GROUP_SIZE; i++) {
                if (src[pos + i] != PAD) {
                    throw new IllegalArgumentException("memcomparable key: non-zero padding at " + (pos - offset + i));
                }
            }
            pos += ENCODED_GROUP_SIZE;
            if (pad != 0) {
                return pos - offset;
            }
        }
    }

    /**
     * Decodes the encoded key that starts at {@code offset}; bytes after it are ignored.
     *
     * @return the user key.
     * @throws IllegalArgumentException if the bytes are not an encoded key.
     */
    public static byte[] decode(final byte[] src, final int offset, final int limit) {
        final int encodedLength = encodedLengthAt(src, offset, limit);
        final int groups = encodedLength / ENCODED_GROUP_SIZE;
        final int pad = MARKER - (src[offset + encodedLength - 1] & 0xFF);
        final byte[] key = new byte[groups * GROUP_SIZE - pad];
        int pos = 0;
        for (int g = 0; g < groups; g++) {
            final int n = Math.min(GROUP_SIZE, key.length - pos);
            System.arraycopy(src, offset + g * ENCODED_GROUP_SIZE, key, pos, n);
            pos += n;
        }
        return key;
    }

    /**
     * @return the user key of a whole encoded key.
     * @throws IllegalArgumentException if {@code encoded} is not exactly one encoded key.
     */
    public static byte[] decode(final byte[] encoded) {
        final int length = encodedLengthAt(encoded, 0, encoded.length);
        if (length != encoded.length) {
            throw new IllegalArgumentException(
                "memcomparable key: " + (encoded.length - length) + " trailing bytes after the key");
        }
        return decode(encoded, 0, encoded.length);
    }

    private static void checkRange(final byte[] src, final int offset, final int limit) {
        if (offset < 0 || limit > src.length || offset > limit) {
            throw new IllegalArgumentException(
                "range [" + offset + ", " + limit + ") outside an array of " + src.length + " bytes");
        }
    }
}
