package io.tkv.raft.core;

/** What a log entry carries. */
public enum EntryType {
    /** An opaque command for the state machine; empty data is the no-op a new leader appends. */
    NORMAL,
    /** A membership change: data is a {@link ConfChange#encode() encoded} {@link ConfChange}. */
    CONF_CHANGE;

    private static final EntryType[] VALUES = values();

    /** @return the type with this ordinal, for decoders. */
    public static EntryType of(final int ordinal) {
        if (ordinal < 0 || ordinal >= VALUES.length) {
            throw new IllegalArgumentException("unknown entry type " + ordinal);
        }
        return VALUES[ordinal];
    }
}
