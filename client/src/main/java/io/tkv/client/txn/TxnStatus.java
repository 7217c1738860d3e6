package io.tkv.client.txn;

/**
 * What check-txn-status found out about a transaction from its primary key (and perhaps did to it).
 *
 * @param kind              which case holds.
 * @param commitTs          for {@link Kind#COMMITTED}: the commit ts; else 0.
 * @param primaryLock       for {@link Kind#UNCOMMITTED}: the primary's lock (after any push); else {@code null}.
 * @param minCommitTsPushed for {@link Kind#UNCOMMITTED}: whether the primary's min commit ts is now above the
 *                          caller's start ts.
 */
public record TxnStatus(Kind kind, long commitTs, LockInfo primaryLock, boolean minCommitTsPushed) {
    /** The cases, as the store's check-txn-status reports them. */
    public enum Kind {
        /** Rolled back before. */
        ROLLED_BACK,
        /** The primary's lock had expired and was rolled back by this check. */
        TTL_EXPIRED,
        /** No lock and no record: a rollback was written so a late prewrite fails. */
        LOCK_NOT_EXIST,
        /** Committed at {@code commitTs}. */
        COMMITTED,
        /** The primary is locked and alive. */
        UNCOMMITTED,
        /** An expired pessimistic primary lock was removed. */
        PESSIMISTIC_ROLLED_BACK,
        /** Nothing found while resolving a pessimistic lock; nothing written. */
        LOCK_NOT_EXIST_DO_NOTHING
    }

    /** @return whether the transaction is known committed. */
    public boolean isCommitted() {
        return kind == Kind.COMMITTED;
    }

    /** @return whether the transaction is known to be unable to commit any more. */
    public boolean isRolledBack() {
        return kind != Kind.COMMITTED && kind != Kind.UNCOMMITTED;
    }
}
