package io.tkv.pd.cluster;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Region boundaries: keys compare as unsigned bytes (memcomparable); an empty start key is -∞ and an empty end key
 * is +∞.
 */
public final class Keys {
    /** The empty key: -∞ as a start, +∞ as an end. */
    public static final byte[] EMPTY = new byte[0];
    /** Unsigned lexicographic order of keys (and of start keys). */
    public static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private Keys() {
    }

    /** @return whether {@code key} is before the end key {@code end} (an empty end is +∞). */
    public static boolean beforeEnd(final byte[] key, final byte[] end) {
        return end.length == 0 || Arrays.compareUnsigned(key, end) < 0;
    }

    /** @return whether {@code [start, end)} contains {@code key}. */
    public static boolean inRange(final byte[] key, final byte[] start, final byte[] end) {
        return Arrays.compareUnsigned(key, start) >= 0 && beforeEnd(key, end);
    }

    /** @return whether two ranges {@code [s1, e1)} and {@code [s2, e2)} share a key. */
    public static boolean overlap(final byte[] s1, final byte[] e1, final byte[] s2, final byte[] e2) {
        return beforeEnd(s1, e2) && beforeEnd(s2, e1);
    }
}
