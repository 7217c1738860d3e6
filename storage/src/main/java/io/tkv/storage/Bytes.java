package io.tkv.storage;

import org.agrona.DirectBuffer;

/**
 * Comparisons of byte ranges in Agrona buffers, in RocksDB's default order (unsigned bytes, then length).
 */
final class Bytes {
    private Bytes() {
    }

    /**
     * Compares two byte ranges as RocksDB's bytewise comparator does.
     *
     * @return negative, zero or positive as {@code a} sorts before, equal to or after {@code b}.
     */
    static int compare(
        final DirectBuffer a, final int aOffset, final int aLength,
        final DirectBuffer b, final int bOffset, final int bLength) {
        final int common = Math.min(aLength, bLength);
        for (int i = 0; i < common; i++) {
            final int diff = (a.getByte(aOffset + i) & 0xFF) - (b.getByte(bOffset + i) & 0xFF);
            if (diff != 0) {
                return diff;
            }
        }
        return Integer.compare(aLength, bLength);
    }

    /**
     * @return whether the two ranges hold the same bytes.
     */
    static boolean equals(
        final DirectBuffer a, final int aOffset, final int aLength,
        final DirectBuffer b, final int bOffset, final int bLength) {
        if (aLength != bLength) {
            return false;
        }
        for (int i = 0; i < aLength; i++) {
            if (a.getByte(aOffset + i) != b.getByte(bOffset + i)) {
                return false;
            }
        }
        return true;
    }
}
