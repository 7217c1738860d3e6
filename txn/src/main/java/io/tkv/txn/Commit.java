package io.tkv.txn;

/**
 * Commit one key of a transaction, as TiKV's {@code actions/commit.rs}: the lock becomes a write record at the
 * commit ts and is removed.
 * <ul>
 * <li>A commit ts below the lock's min commit ts refuses (CommitTsExpired): a reader or async commit pushed it.</li>
 * <li>No lock of the transaction: if its commit record is there the commit is a retry and succeeds with no change;
 * if it was rolled back (or never prewritten) the commit refuses with TxnLockNotFound.</li>
 * <li>A leftover pessimistic lock of a committed transaction commits as a LOCK record.</li>
 * <li>If a rollback of another transaction at this commit ts was recorded on the lock, the write says so
 * ({@code hasOverlappedRollback}), so that transaction's late prewrite is still refused.</li>
 * </ul>
 */
public final class Commit {
    private Commit() {
    }

    /**
     * @param userKey  the key.
     * @param commitTs the commit ts.
     * @return whether a lock was committed (false: a retry of a committed key).
     * @throws TxnException.CommitTsExpired  if {@code commitTs} is below the lock's min commit ts.
     * @throws TxnException.TxnLockNotFound  if the transaction holds no lock and did not commit the key.
     */
    public static boolean commit(
        final MvccTxn txn, final MvccReader reader, final byte[] userKey, final long commitTs) {
        final byte[] key = TxnKeys.encode(userKey);
        final long startTs = txn.startTs();
        final Lock lock = reader.loadLock(key);
        if (lock == null || lock.startTs() != startTs) {
            final TxnCommitRecord record = reader.getTxnCommitRecord(key, startTs);
            if (record.isCommitted()) {
                return false;
            }
            throw new TxnException.TxnLockNotFound(startTs, commitTs, userKey);
        }
        if (commitTs < lock.minCommitTs()) {
            throw new TxnException.CommitTsExpired(startTs, commitTs, lock.minCommitTs(), userKey);
        }
        Write write = Write.of(WriteType.ofLock(lock.type()), startTs, lock.shortValue());
        for (final long rolledBack : lock.rollbackTs()) {
            if (rolledBack == commitTs) {
                write = write.withOverlappedRollback();
                break;
            }
        }
        txn.putWrite(key, commitTs, write);
        txn.unlockKey(key);
        return true;
    }
}
