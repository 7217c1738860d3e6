package io.tkv.storage;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A range {@code [start, end)} of keys of the data column families ({@code default}, {@code lock},
 * {@code write}): the data a region owns. An empty start is the first key; an empty end means no end. Today one
 * region covers {@link #WHOLE}; with splits, a region's range bounds what its snapshot exports and replaces.
 * Immutable.
 */
public final class KeyRange {
    private static final byte[] EMPTY = new byte[0];

    /** Every key. */
    public static final KeyRange WHOLE = new KeyRange(EMPTY, EMPTY);

    private final byte[] start;
    private final byte[] end;

    private KeyRange(final byte[] start, final byte[] end) {
        this.start = start;
        this.end = end;
    }

    /**
     * @param start inclusive start; empty for the first key. Copied.
     * @param end   exclusive end; empty for no end. Copied.
     * @return the range.
     * @throws IllegalArgumentException if the range is bounded and {@code start >= end}.
     */
    public static KeyRange of(final byte[] start, final byte[] end) {
        if (end.length != 0 && Arrays.compareUnsigned(start, end) >= 0) {
            throw new IllegalArgumentException(
                "empty key range [" + hex(start) + ", " + hex(end) + ")");
        }
        return start.length == 0 && end.length == 0 ? WHOLE : new KeyRange(start.clone(), end.clone());
    }

    /**
     * @return a copy of the inclusive start; empty for the first key.
     */
    public byte[] start() {
        return start.clone();
    }

    /**
     * @return a copy of the exclusive end; empty for no end.
     */
    public byte[] end() {
        return end.clone();
    }

    /**
     * @return whether the range has an end.
     */
    public boolean hasEnd() {
        return end.length != 0;
    }

    /**
     * @return whether the key lies in the range, in RocksDB's bytewise order.
     */
    public boolean contains(final byte[] key) {
        return Arrays.compareUnsigned(key, start) >= 0 && (end.length == 0 || Arrays.compareUnsigned(key, end) < 0);
    }

    byte[] startRef() {
        return start;
    }

    byte[] endRef() {
        return end;
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof KeyRange that && Arrays.equals(start, that.start) && Arrays.equals(end, that.end);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(start) + Arrays.hashCode(end);
    }

    @Override
    public String toString() {
        return "[" + hex(start) + ", " + (end.length == 0 ? "end" : hex(end)) + ")";
    }

    private static String hex(final byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
