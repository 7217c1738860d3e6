package io.tkv.txn;

/**
 * What check-txn-status found out about a transaction, from its primary key, as TiKV's {@code TxnStatus}.
 *
 * @param kind              which case holds.
 * @param commitTs          for {@link Kind#COMMITTED}: the commit ts; else 0.
 * @param lock              for {@link Kind#UNCOMMITTED}: the primary's lock (after any push); else {@code null}.
 * @param minCommitTsPushed for {@link Kind#UNCOMMITTED}: whether the lock's min commit ts is now above the caller's
 *                          start ts, so the caller may read past this transaction's locks.
 */
public record TxnStatus(Kind kind, long commitTs, Lock lock, boolean minCommitTsPushed) {
    /** The cases. */
    public enum Kind {
        /** The transaction was rolled back before. */
        ROLLED_BACK,
        /** The primary's lock had expired and was rolled back now. */
        TTL_EXPIRED,
        /** No lock and no record: a rollback record was written now so a late prewrite fails. */
        LOCK_NOT_EXIST,
        /** The transaction committed. */
        COMMITTED,
        /** The primary is locked and alive. */
        UNCOMMITTED,
        /** An expired pessimistic primary lock was removed (resolving a pessimistic lock). */
        PESSIMISTIC_ROLLED_BACK,
        /** No lock and no record while resolving a pessimistic lock: nothing was written. */
        LOCK_NOT_EXIST_DO_NOTHING
    }

    static TxnStatus of(final Kind kind) {
        return new TxnStatus(kind, 0, null, false);
    }

    static TxnStatus committed(final long commitTs) {
        return new TxnStatus(Kind.COMMITTED, commitTs, null, false);
    }

    static TxnStatus uncommitted(final Lock lock, final boolean minCommitTsPushed) {
        return new TxnStatus(Kind.UNCOMMITTED, 0, lock, minCommitTsPushed);
    }
}
