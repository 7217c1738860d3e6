package io.tkv.client.txn;

/** How {@link Transaction#commit()} carried out a commit ({@link Committer} chooses; a store may fall back). */
public enum CommitKind {
    /** One prewrite committed every key. */
    ONE_PC,
    /** Committed once every key was prewritten. */
    ASYNC_COMMIT,
    /** Prewrite, TSO commit ts, commit primary, commit secondaries. */
    TWO_PC
}
