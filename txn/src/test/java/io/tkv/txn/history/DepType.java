package io.tkv.txn.history;

/** Kinds of dependency edge between transactions, after Adya; each is one bit of an edge's type mask. */
public enum DepType {
    /** Write-write: the target appended the element right after one the source appended. */
    WW,
    /** Write-read: the target read a list whose last element the source appended. */
    WR,
    /** Read-write (anti-dependency): the source read a list the target's append came right after. */
    RW,
    /** Real time: the source completed before the target was invoked (strict mode only). */
    RT;

    /** This type's bit in a type mask. */
    public int bit() {
        return 1 << ordinal();
    }

    /** A mask of the given types. */
    public static int mask(final DepType... types) {
        int m = 0;
        for (final DepType t : types) {
            m |= t.bit();
        }
        return m;
    }
}
