package io.tkv.client;

import io.tkv.codec.keys.KeySpace;

import java.util.Arrays;

/**
 * RawKV user keys against region bounds, which are over stored keys: a user key {@code k} is stored as
 * {@code 'r' + k} ({@link KeySpace#RAW}), so the raw space is {@code ['r', 's')}. The comparisons read the prefix
 * without building the stored key, so a region lookup allocates nothing.
 */
final class RawKeys {
    static final byte[] EMPTY = new byte[0];
    private static final int RAW = KeySpace.RAW & 0xFF;

    private RawKeys() {
    }

    /** @return {@code 'r' + userKey}. */
    static byte[] stored(final byte[] userKey) {
        final byte[] stored = new byte[userKey.length + 1];
        stored[0] = KeySpace.RAW;
        System.arraycopy(userKey, 0, stored, 1, userKey.length);
        return stored;
    }

    /** @return the sign of {@code ('r' + userKey) - bound}, unsigned bytewise; allocation-free. */
    static int compare(final byte[] userKey, final byte[] bound) {
        if (bound.length == 0) {
            return 1;
        }
        final int first = RAW - (bound[0] & 0xFF);
        if (first != 0) {
            return first;
        }
        final int common = Math.min(userKey.length, bound.length - 1);
        for (int i = 0; i < common; i++) {
            final int diff = (userKey[i] & 0xFF) - (bound[i + 1] & 0xFF);
            if (diff != 0) {
                return diff;
            }
        }
        return userKey.length - (bound.length - 1);
    }

    /**
     * @param storedStart a region's inclusive start.
     * @return the first user key the region can hold: empty when it starts at or before the raw space.
     */
    static byte[] userStart(final byte[] storedStart) {
        if (storedStart.length == 0 || (storedStart[0] & 0xFF) < RAW || storedStart.length == 1) {
            return EMPTY;
        }
        return Arrays.copyOfRange(storedStart, 1, storedStart.length);
    }

    /**
     * @param storedEnd a region's exclusive end, empty for none.
     * @return the user key it ends at; empty when it ends at or past the end of the raw space (no end for RawKV).
     */
    static byte[] userEnd(final byte[] storedEnd) {
        if (storedEnd.length == 0 || (storedEnd[0] & 0xFF) > RAW) {
            return EMPTY;
        }
        if ((storedEnd[0] & 0xFF) < RAW) {
            // The region holds no RawKV key: nothing routes a raw key to it, and no raw end is meaningful.
            return EMPTY;
        }
        return Arrays.copyOfRange(storedEnd, 1, storedEnd.length);
    }

    /** @return whether user key {@code a} sorts before user key {@code b}, where an empty {@code b} is no end. */
    static boolean before(final byte[] a, final byte[] end) {
        return end.length == 0 || Arrays.compareUnsigned(a, end) < 0;
    }
}
