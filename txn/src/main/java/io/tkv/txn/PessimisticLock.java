package io.tkv.txn;

/**
 * Pessimistic locks, as TiKV's {@code actions/acquire_pessimistic_lock.rs} and the pessimistic-rollback command.
 * <ul>
 * <li>Acquire: a lock of another transaction refuses with KEY_LOCKED. The transaction's own pessimistic lock is a
 * retry (its for-update ts only grows); its own prewrite lock refuses (LockTypeNotMatch).</li>
 * <li>With no lock: a commit newer than the for-update ts refuses with WRITE_CONFLICT (the client retries with a
 * newer for-update ts); a rollback record of the transaction itself refuses with PessimisticLockRolledBack.</li>
 * <li>Locking reads at the for-update ts: the concurrency manager's max ts is raised to it.</li>
 * <li>Pessimistic rollback removes the transaction's pessimistic lock if its for-update ts is at most the given one;
 * it writes no rollback record and leaves prewrite locks alone.</li>
 * </ul>
 */
public final class PessimisticLock {
    private PessimisticLock() {
    }

    /**
     * @param userKey     the key to lock.
     * @param primary     the transaction's primary user key.
     * @param forUpdateTs the for-update ts of this statement.
     * @param lockTtl     the lock's ttl in milliseconds.
     * @param minCommitTs the lock's min commit ts (0: none).
     * @throws TxnException if the key cannot be locked.
     */
    public static void acquire(
        final MvccTxn txn, final MvccReader reader, final byte[] userKey, final byte[] primary,
        final long forUpdateTs, final long lockTtl, final long minCommitTs) {
        final long startTs = txn.startTs();
        txn.concurrencyManager().updateMaxTs(forUpdateTs);
        final byte[] key = TxnKeys.encode(userKey);
        final Lock existing = reader.loadLock(key);
        if (existing != null) {
            if (existing.startTs() != startTs) {
                throw new TxnException.KeyLocked(userKey, existing);
            }
            if (existing.type() != LockType.PESSIMISTIC) {
                throw new TxnException.LockTypeNotMatch(startTs, userKey, false);
            }
            if (forUpdateTs > existing.forUpdateTs()) {
                txn.putLock(key, existing.withForUpdateTs(forUpdateTs).withTtl(Math.max(existing.ttl(), lockTtl)));
            }
            return;
        }
        final WriteAt newest = reader.seekWrite(key, Long.MAX_VALUE);
        if (newest != null) {
            if (newest.commitTs() > forUpdateTs) {
                throw new TxnException.WriteConflict(
                    startTs, newest.write().startTs(), newest.commitTs(), userKey, primary);
            }
            checkNotRolledBack(reader, key, userKey, startTs);
        }
        txn.putLock(key, new Lock(LockType.PESSIMISTIC, primary, startTs, lockTtl, forUpdateTs, 0, minCommitTs));
    }

    private static void checkNotRolledBack(
        final MvccReader reader, final byte[] key, final byte[] userKey, final long startTs) {
        final WriteAt atStart = reader.seekWrite(key, startTs);
        if (atStart == null || atStart.commitTs() != startTs) {
            return;
        }
        final Write write = atStart.write();
        if (write.type() == WriteType.ROLLBACK && write.startTs() == startTs || write.hasOverlappedRollback()) {
            throw new TxnException.PessimisticLockRolledBack(startTs, userKey);
        }
    }

    /**
     * Removes the transaction's pessimistic lock on a key, if it was taken at or before {@code forUpdateTs}.
     *
     * @return whether a lock was removed.
     */
    public static boolean rollback(
        final MvccTxn txn, final MvccReader reader, final byte[] userKey, final long forUpdateTs) {
        final byte[] key = TxnKeys.encode(userKey);
        final Lock lock = reader.loadLock(key);
        if (lock != null && lock.type() == LockType.PESSIMISTIC && lock.startTs() == txn.startTs() &&
            lock.forUpdateTs() <= forUpdateTs) {
            txn.unlockKey(key);
            return true;
        }
        return false;
    }
}
