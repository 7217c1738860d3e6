package io.tkv.log;

/**
 * The kinds of record the log writes to its Chronicle queue; the code is the first byte of every record.
 */
public enum RecordKind {
    /** A Raft entry of one region; appending it at index i discards the region's entries at and after i first. */
    ENTRY((byte) 1),
    /** Discards a region's entries at and after an index. */
    TRUNCATE((byte) 2),
    /** A region's hard state (term, vote, commit); the last one wins. */
    HARD_STATE((byte) 3),
    /** A region's snapshot point: entries up to it are discarded. */
    COMPACT((byte) 4),
    /** The region left the store: everything about it is forgotten. */
    REMOVE_REGION((byte) 5),
    /** A region's whole state, written at the start of every cycle so older cycle files can be deleted. */
    CHECKPOINT((byte) 6),
    /** Written first in the fresh cycle of every open: says where the recovery before it stopped using records. */
    OPEN((byte) 7),
    /** Written last by a clean close, after a sync: says every record before it is durable. */
    CLOSE((byte) 8);

    private static final RecordKind[] BY_CODE = new RecordKind[9];

    static {
        for (final RecordKind kind : values()) {
            BY_CODE[kind.code] = kind;
        }
    }

    private final byte code;

    RecordKind(final byte code) {
        this.code = code;
    }

    /**
     * @return the byte that marks this kind in a record.
     */
    public byte code() {
        return code;
    }

    /**
     * @param code a record's first byte.
     * @return the kind, or null if the byte names none.
     */
    public static RecordKind of(final byte code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
