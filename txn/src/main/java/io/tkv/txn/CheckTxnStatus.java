package io.tkv.txn;

/**
 * Check-txn-status on a transaction's primary key, as TiKV's {@code actions/check_txn_status.rs}: how a reader or
 * writer that met a lock learns the fate of its transaction, and ends it if its coordinator is gone.
 * <ul>
 * <li>Primary locked and expired (its start's physical time + ttl &lt; current ts's): rolled back now
 * (TTL_EXPIRED). An async-commit lock is never rolled back here (resolve-lock decides it from all its keys), unless
 * {@code forceSyncCommit}.</li>
 * <li>Primary locked and alive: UNCOMMITTED with the lock. If the lock has a min commit ts and the caller's start ts
 * is at or above it, the min commit ts is pushed to {@code max(callerStartTs + 1, currentTs)} so the caller can read
 * past the transaction instead of waiting.</li>
 * <li>No lock: COMMITTED with the commit ts, ROLLED_BACK, or, with {@code rollbackIfNotExist}, a protected rollback
 * is written (LOCK_NOT_EXIST) so that a prewrite still on its way fails; otherwise TxnNotFound.</li>
 * </ul>
 * The caller's start ts is a read: it raises the concurrency manager's max ts.
 */
public final class CheckTxnStatus {
    private CheckTxnStatus() {
    }

    /**
     * @param primaryUserKey           the transaction's primary key.
     * @param callerStartTs            the start ts of the transaction that met the lock (0: none; MAX: a read of the
     *                                 latest data, which never pushes).
     * @param currentTs                a fresh ts from the TSO, to judge the ttl.
     * @param rollbackIfNotExist       write a rollback if no trace of the transaction is found.
     * @param forceSyncCommit          treat an async-commit lock as an ordinary one.
     * @param resolvingPessimisticLock the caller met a pessimistic lock: an expired pessimistic primary is only
     *                                 unlocked, and a missing one leaves no rollback.
     * @throws TxnException.TxnNotFound if nothing is found and {@code rollbackIfNotExist} is false.
     */
    public static TxnStatus check(
        final MvccTxn txn, final MvccReader reader, final byte[] primaryUserKey, final long callerStartTs,
        final long currentTs, final boolean rollbackIfNotExist, final boolean forceSyncCommit,
        final boolean resolvingPessimisticLock) {
        if (callerStartTs != 0) {
            txn.concurrencyManager().updateMaxTs(callerStartTs);
        }
        final byte[] key = TxnKeys.encode(primaryUserKey);
        final Lock lock = reader.loadLock(key);
        if (lock != null && lock.startTs() == txn.startTs()) {
            return lockExists(txn, reader, key, lock, callerStartTs, currentTs, forceSyncCommit,
                resolvingPessimisticLock);
        }
        final Rollback.MissingLockAction action = rollbackIfNotExist
            ? Rollback.MissingLockAction.PROTECTED_ROLLBACK
            : Rollback.MissingLockAction.RETURN_ERROR;
        return Rollback.missingLock(txn, reader, key, lock, action, resolvingPessimisticLock);
    }

    private static TxnStatus lockExists(
        final MvccTxn txn, final MvccReader reader, final byte[] key, final Lock lock, final long callerStartTs,
        final long currentTs, final boolean forceSyncCommit, final boolean resolvingPessimisticLock) {
        if (lock.useAsyncCommit() && !forceSyncCommit) {
            return TxnStatus.uncommitted(lock, false);
        }
        if (Rollback.isExpired(lock, currentTs)) {
            if (resolvingPessimisticLock && lock.type() == LockType.PESSIMISTIC) {
                txn.unlockKey(key);
                return TxnStatus.of(TxnStatus.Kind.PESSIMISTIC_ROLLED_BACK);
            }
            Rollback.rollbackLock(txn, reader, key, lock, true);
            return TxnStatus.of(TxnStatus.Kind.TTL_EXPIRED);
        }
        Lock current = lock;
        // A lock without a min commit ts belongs to a client that does not expect it to move: never pushed.
        if (lock.minCommitTs() != 0 && callerStartTs != Long.MAX_VALUE && callerStartTs >= lock.minCommitTs()) {
            current = lock.withMinCommitTs(Math.max(callerStartTs + 1, currentTs));
            txn.putLock(key, current);
        }
        final boolean pushed = callerStartTs != 0 && current.minCommitTs() > callerStartTs ||
            callerStartTs == Long.MAX_VALUE;
        return TxnStatus.uncommitted(current, pushed);
    }
}
