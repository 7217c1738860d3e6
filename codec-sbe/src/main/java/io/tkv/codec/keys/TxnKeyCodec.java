package io.tkv.codec.keys;

import java.util.Arrays;

/**
 * Where a transactional user key lives in the stored key space, which region ranges are in: {@code 'x'} ({@link
 * KeySpace#TXN}) then the key's {@link MemComparable memcomparable} encoding, so user keys keep their order and no
 * stored key of one is a prefix of another's. The client routes by it and the store checks region membership by it;
 * the layout of the versions under it is the store's ({@code io.tkv.txn.TxnKeys}).
 */
public final class TxnKeyCodec {
    /** The first stored key of the transactional space. */
    public static final byte[] SPACE_START = {KeySpace.TXN};
    /** The exclusive end of the transactional space. */
    public static final byte[] SPACE_END = {KeySpace.TXN + 1};

    private TxnKeyCodec() {
    }

    /**
     * @param userKey a transactional key as the client names it.
     * @return {@code 'x' mc(userKey)}.
     */
    public static byte[] encode(final byte[] userKey) {
        final byte[] out = new byte[1 + MemComparable.encodedLength(userKey.length)];
        out[0] = KeySpace.TXN;
        MemComparable.encode(userKey, 0, userKey.length, out, 1);
        return out;
    }

    /**
     * The user key range a stored range bound stands for, for a bound that is a region's end: a region ending in the
     * transactional space at a stored key {@code 'x' mc(k)} ends at user key {@code k}; one that ends past it (or has
     * no end) ends the transactional space too ({@code null}).
     *
     * @param storedEnd a region's end key (empty: no end).
     * @return the exclusive user end key, or {@code null} for the end of the transactional space.
     * @throws IllegalArgumentException if the bound is before the space, or inside it but not an encoded key (a
     *                                  region split at a key no transactional key is).
     */
    public static byte[] userEnd(final byte[] storedEnd) {
        if (storedEnd.length == 0 || Arrays.compareUnsigned(storedEnd, SPACE_END) >= 0) {
            return null;
        }
        if (storedEnd[0] != KeySpace.TXN) {
            throw new IllegalArgumentException("the range ends before the transactional space");
        }
        return MemComparable.decode(Arrays.copyOfRange(storedEnd, 1, storedEnd.length));
    }

    /**
     * @param storedStart a region's start key.
     * @return the first user key the region holds: {@code k} for a start {@code 'x' mc(k)}, the empty key for a start
     *     at or before the space.
     * @throws IllegalArgumentException if the start is past the space or inside it but not an encoded key.
     */
    public static byte[] userStart(final byte[] storedStart) {
        if (Arrays.compareUnsigned(storedStart, SPACE_START) <= 0) {
            return new byte[0];
        }
        if (Arrays.compareUnsigned(storedStart, SPACE_END) >= 0) {
            throw new IllegalArgumentException("the range starts after the transactional space");
        }
        return MemComparable.decode(Arrays.copyOfRange(storedStart, 1, storedStart.length));
    }
}
