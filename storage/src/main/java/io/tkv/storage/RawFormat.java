package io.tkv.storage;

import io.tkv.codec.keys.KeySpace;
import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * How RawKV pairs are laid out in the {@code default} column family.
 * <p>
 * Key: {@code 'r'} then the user key, so raw and transactional data can share the column family (TiKV API v2
 * keeps its key spaces apart the same way) and the raw key space is exactly {@code ['r', 's')}.
 * <p>
 * Value: one flag byte; if {@link #FLAG_TTL} is set, the expiry as 8 bytes big-endian epoch milliseconds; then
 * the user value. The flag byte leaves room for later formats; unknown flags are refused rather than misread.
 */
final class RawFormat {
    /** First byte of every raw key. */
    static final byte KEY_PREFIX = KeySpace.RAW;
    /** Exclusive end of the raw key space: the smallest key after every {@code 'r'}-prefixed key. */
    static final byte KEY_SPACE_END = KEY_PREFIX + 1;
    /** Length of the key prefix. */
    static final int KEY_PREFIX_LENGTH = 1;

    /** Flag: an expiry follows the flag byte. */
    static final byte FLAG_TTL = 0x01;
    /** Every flag this version understands. */
    static final byte KNOWN_FLAGS = FLAG_TTL;
    /** Offset of the expiry, when present. */
    static final int EXPIRY_OFFSET = 1;
    /** Header length without an expiry. */
    static final int HEADER_LENGTH_NO_TTL = 1;
    /** Header length with an expiry: the longest header. */
    static final int HEADER_LENGTH_TTL = 1 + Long.BYTES;
    /** Expiry of a value that never expires. */
    static final long NO_EXPIRY = Long.MAX_VALUE;

    private RawFormat() {
    }

    /**
     * Writes {@code 'r' + key} at offset 0.
     *
     * @return the encoded length.
     */
    static int encodeKey(final MutableDirectBuffer out, final DirectBuffer key, final int offset, final int length) {
        out.putByte(0, KEY_PREFIX);
        out.putBytes(KEY_PREFIX_LENGTH, key, offset, length);
        return KEY_PREFIX_LENGTH + length;
    }

    /**
     * @return {@code 'r' + key} as a new array, for the cold paths whose RocksDB calls take arrays.
     */
    static byte[] keyArray(final DirectBuffer key, final int offset, final int length) {
        final byte[] raw = new byte[KEY_PREFIX_LENGTH + length];
        raw[0] = KEY_PREFIX;
        key.getBytes(offset, raw, KEY_PREFIX_LENGTH, length);
        return raw;
    }

    /**
     * @return the exclusive raw end of a user range: {@code 'r' + end}, or the end of the raw key space when
     *         {@code length} is 0 (no end).
     */
    static byte[] rangeEndArray(final DirectBuffer end, final int offset, final int length) {
        return length == 0 ? new byte[] {KEY_SPACE_END} : keyArray(end, offset, length);
    }

    /**
     * @param endLength 0 for no end.
     * @return whether the user range {@code [start, end)} holds no key.
     */
    static boolean isEmptyRange(
        final DirectBuffer start, final int startOffset, final int startLength,
        final DirectBuffer end, final int endOffset, final int endLength) {
        return endLength != 0 && Bytes.compare(start, startOffset, startLength, end, endOffset, endLength) >= 0;
    }

    /**
     * Writes the header and the user value at offset 0.
     *
     * @param expiryMs {@link #NO_EXPIRY}, or the epoch millisecond from which the value is invisible.
     * @return the encoded length.
     */
    static int encodeValue(
        final MutableDirectBuffer out, final DirectBuffer value, final int offset, final int length,
        final long expiryMs) {
        final int headerLength;
        if (expiryMs == NO_EXPIRY) {
            out.putByte(0, (byte)0);
            headerLength = HEADER_LENGTH_NO_TTL;
        } else {
            out.putByte(0, FLAG_TTL);
            out.putLong(EXPIRY_OFFSET, expiryMs, ByteOrder.BIG_ENDIAN);
            headerLength = HEADER_LENGTH_TTL;
        }
        out.putBytes(headerLength, value, offset, length);
        return headerLength + length;
    }

    /**
     * @param nowMs      the current epoch millisecond.
     * @param ttlSeconds time to live, 0 for none.
     * @return the expiry, saturating at {@link #NO_EXPIRY} for absurdly long TTLs.
     */
    static long expiryMs(final long nowMs, final long ttlSeconds) {
        if (ttlSeconds < 0) {
            throw new IllegalArgumentException("ttlSeconds must be >= 0, was " + ttlSeconds);
        }
        if (ttlSeconds == 0 || ttlSeconds >= (NO_EXPIRY - nowMs) / 1000) {
            return NO_EXPIRY;
        }
        return nowMs + ttlSeconds * 1000;
    }

    /**
     * Reads the header of a stored value.
     *
     * @param stored       the stored value, at offset 0; at least {@code min(storedLength, HEADER_LENGTH_TTL)}
     *                     bytes of it must be present.
     * @param storedLength the full stored length.
     * @return the header length.
     * @throws StorageException if the header is truncated or has flags this version does not know.
     */
    static int headerLength(final DirectBuffer stored, final int storedLength) {
        return headerLength(stored, 0, storedLength);
    }

    /**
     * As {@link #headerLength(DirectBuffer, int)}, for a stored value at {@code offset}.
     */
    static int headerLength(final DirectBuffer stored, final int offset, final int storedLength) {
        if (storedLength < HEADER_LENGTH_NO_TTL) {
            throw new StorageException("corrupt raw value: empty");
        }
        final byte flags = stored.getByte(offset);
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new StorageException("corrupt raw value: unknown flags 0x" + Integer.toHexString(flags & 0xFF));
        }
        final int headerLength = (flags & FLAG_TTL) != 0 ? HEADER_LENGTH_TTL : HEADER_LENGTH_NO_TTL;
        if (storedLength < headerLength) {
            throw new StorageException("corrupt raw value: header truncated at " + storedLength + " bytes");
        }
        return headerLength;
    }

    /**
     * @param stored the stored value, at offset 0, whose header was checked by {@link #headerLength}.
     * @param nowMs  the current epoch millisecond.
     * @return whether the value has expired and must be invisible.
     */
    static boolean isExpired(final DirectBuffer stored, final long nowMs) {
        return isExpired(stored, 0, nowMs);
    }

    /**
     * As {@link #isExpired(DirectBuffer, long)}, for a stored value at {@code offset}.
     */
    static boolean isExpired(final DirectBuffer stored, final int offset, final long nowMs) {
        return (stored.getByte(offset) & FLAG_TTL) != 0 &&
            stored.getLong(offset + EXPIRY_OFFSET, ByteOrder.BIG_ENDIAN) <= nowMs;
    }
}
