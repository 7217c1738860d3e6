package io.tkv.txn;

/**
 * Resolve-lock on one key, as TiKV's resolve-lock command: once a resolver knows a transaction's fate from its
 * primary, each of its other locks is committed at the commit ts or rolled back (commit ts 0). A key whose lock is
 * gone is left as it is when the outcome is already there.
 */
public final class ResolveLock {
    private ResolveLock() {
    }

    /**
     * @param commitTs the transaction's commit ts, or 0 to roll it back.
     * @throws TxnException if the key contradicts the outcome (a commit of a rolled-back key, say).
     */
    public static void resolve(final MvccTxn txn, final MvccReader reader, final byte[] userKey, final long commitTs) {
        if (commitTs == 0) {
            Rollback.cleanup(txn, reader, userKey, 0, false);
        } else {
            Commit.commit(txn, reader, userKey, commitTs);
        }
    }
}
