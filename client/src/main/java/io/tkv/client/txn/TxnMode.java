package io.tkv.client.txn;

/** How a transaction finds its write conflicts. */
public enum TxnMode {
    /** Conflicts are found at prewrite, when the transaction commits: the loser fails with a write conflict. */
    OPTIMISTIC,
    /** Every written key (and every {@code getForUpdate}) is locked at once; conflicting writers wait or fail. */
    PESSIMISTIC
}
