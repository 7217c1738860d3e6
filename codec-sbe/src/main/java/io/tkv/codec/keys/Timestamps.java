package io.tkv.codec.keys;

/**
 * The timestamp layout shared by PD, stores and clients: {@code physical_ms << 18 | logical}. A timestamp is a
 * positive long; 0 is never handed out, so it can mean "none".
 */
public final class Timestamps {
    /** Bits of the logical counter. */
    public static final int LOGICAL_BITS = 18;
    /** Logical values per millisecond: a logical part is in {@code [0, MAX_LOGICAL)}. */
    public static final long MAX_LOGICAL = 1L << LOGICAL_BITS;
    private static final long LOGICAL_MASK = MAX_LOGICAL - 1;

    private Timestamps() {
    }

    /**
     * @param physicalMs milliseconds since the epoch, at most 2^45 - 1.
     * @param logical    in {@code [0, MAX_LOGICAL)}.
     * @return the timestamp.
     */
    public static long compose(final long physicalMs, final long logical) {
        if (logical < 0 || logical >= MAX_LOGICAL) {
            throw new IllegalArgumentException("logical " + logical + " outside [0, " + MAX_LOGICAL + ")");
        }
        if (physicalMs < 0 || physicalMs >= 1L << (63 - LOGICAL_BITS)) {
            throw new IllegalArgumentException("physical " + physicalMs + " ms does not fit");
        }
        return physicalMs << LOGICAL_BITS | logical;
    }

    /** @return the physical part (ms) of a timestamp. */
    public static long physicalMs(final long ts) {
        return ts >>> LOGICAL_BITS;
    }

    /** @return the logical part of a timestamp. */
    public static long logical(final long ts) {
        return ts & LOGICAL_MASK;
    }
}
