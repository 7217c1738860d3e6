package io.tkv.codec.keys;

/**
 * The key spaces that share a store's data column families, each behind its own first byte, as TiKV's API v2 keeps
 * RawKV and TxnKV apart. A region's range is over these stored keys, so one region may hold keys of several spaces and
 * splits need not know which space a key is in; a request's key is checked against a region as {@code space + key}.
 */
public final class KeySpace {
    /** RawKV: {@code 'r'} then the user key; the space is {@code ['r', 's')}. */
    public static final byte RAW = 'r';
    /**
     * TxnKV: {@code 'x'} then the {@link MemComparable memcomparable} user key (then, in the {@code write} and
     * {@code default} column families, the inverted timestamp); the space is {@code ['x', 'y')}.
     */
    public static final byte TXN = 'x';

    private KeySpace() {
    }
}
