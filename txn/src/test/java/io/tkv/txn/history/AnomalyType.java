package io.tkv.txn.history;

/** What the checker can find; {@link #allowedUnderSi()} tells which snapshot isolation permits. */
public enum AnomalyType {
    /** Write cycle: a cycle of ww edges only. */
    G0(false),
    /** Aborted read: a committed transaction read an element appended by a failed one. */
    G1A(false),
    /** Intermediate read: a read ends in an element its writer later followed with another append to the key. */
    G1B(false),
    /** Circular information flow: a cycle of ww and wr edges with at least one wr. */
    G1C(false),
    /** Read skew: a cycle with exactly one rw edge, the rest ww/wr. */
    G_SINGLE(false),
    /** Write skew: a cycle with two or more rw edges. Allowed by snapshot isolation. */
    G2_ITEM(true),
    /** Two committed transactions read the same version of a key and both appended to it. */
    LOST_UPDATE(false),
    /** A committed (or unknown) transaction's append follows a failed transaction's append in the version order. */
    DIRTY_UPDATE(false),
    /** A read returned a list holding some element more than once. */
    DUPLICATE_ELEMENTS(false),
    /** Two reads of a key neither of which is a prefix of the other: no single version order explains them. */
    INCOMPATIBLE_ORDER(false),
    /** A read not consistent with its own transaction's earlier reads and appends of the key, or a future read. */
    INTERNAL(false),
    /** A read returned an element nobody appended to that key. */
    GARBAGE_READ(false),
    /** Strict mode: a cycle of ww/wr and real-time edges with at least one real-time edge, without wr. */
    G0_REALTIME(false),
    /** Strict mode: as {@link #G0_REALTIME} with at least one wr edge. */
    G1C_REALTIME(false),
    /** Strict mode: a cycle with real-time edges and exactly one rw edge. */
    G_SINGLE_REALTIME(false),
    /** Strict mode: a cycle with real-time edges and two or more rw edges; strong SI allows write skew too. */
    G2_ITEM_REALTIME(true);

    private final boolean allowedUnderSi;

    AnomalyType(final boolean allowedUnderSi) {
        this.allowedUnderSi = allowedUnderSi;
    }

    /** Whether snapshot isolation (in strict mode: strong snapshot isolation) permits it. */
    public boolean allowedUnderSi() {
        return allowedUnderSi;
    }
}
