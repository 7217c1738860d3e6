package io.tkv.txn;

import java.util.ArrayList;
import java.util.List;

/**
 * Check-secondary-locks, as TiKV's command of that name: how a resolver decides an async-commit transaction whose
 * primary cannot tell (its lock is async). Per key:
 * <ul>
 * <li>The transaction's prewrite lock is reported (still locked).</li>
 * <li>Its pessimistic lock means the key was never prewritten, so the transaction cannot have committed: the lock
 * is removed and a protected rollback written.</li>
 * <li>No lock: a commit record reports the commit ts; a rollback reports rolled back; nothing at all means the
 * prewrite never arrived, and a protected rollback is written so it never will.</li>
 * </ul>
 * Any rolled-back key makes the transaction rolled back (and the check stops there); otherwise a committed key
 * makes it committed; otherwise all keys are locked and the resolver commits at the largest min commit ts.
 */
public final class CheckSecondaryLocks {
    private CheckSecondaryLocks() {
    }

    /**
     * The transaction's state over the keys checked.
     *
     * @param keys       the user keys of {@code locks}, in the same order.
     * @param locks      when neither committed nor rolled back: the locks of every key.
     * @param commitTs   the commit ts if a key committed, else 0.
     * @param rolledBack whether a key was rolled back (now or before).
     */
    public record Result(List<byte[]> keys, List<Lock> locks, long commitTs, boolean rolledBack) {
        static final Result ROLLED_BACK = new Result(List.of(), List.of(), 0, true);
    }

    /**
     * @param userKeys the secondaries (and primary) listed in the primary's lock.
     */
    public static Result check(final MvccTxn txn, final MvccReader reader, final List<byte[]> userKeys) {
        final List<byte[]> keys = new ArrayList<>();
        final List<Lock> locks = new ArrayList<>();
        long commitTs = 0;
        for (final byte[] userKey : userKeys) {
            final byte[] key = TxnKeys.encode(userKey);
            final Lock lock = reader.loadLock(key);
            if (lock != null && lock.startTs() == txn.startTs()) {
                if (lock.type() != LockType.PESSIMISTIC) {
                    keys.add(userKey);
                    locks.add(lock);
                    continue;
                }
                final TxnCommitRecord record = reader.getTxnCommitRecord(key, txn.startTs());
                final Write rollback = Rollback.makeRollback(txn.startTs(), true, record.overlappedWrite());
                txn.unlockKey(key);
                if (rollback != null) {
                    txn.putWrite(key, txn.startTs(), rollback);
                }
                return Result.ROLLED_BACK;
            }
            final TxnCommitRecord record = reader.getTxnCommitRecord(key, txn.startTs());
            if (record.isCommitted()) {
                commitTs = record.record().commitTs();
                continue;
            }
            if (!record.isRolledBack()) {
                if (lock != null && record.overlappedWrite() == null) {
                    Rollback.markRollbackOnMismatchingLock(txn, key, lock, true);
                }
                final Write rollback = Rollback.makeRollback(txn.startTs(), true, record.overlappedWrite());
                if (rollback != null) {
                    txn.putWrite(key, txn.startTs(), rollback);
                }
            }
            return Result.ROLLED_BACK;
        }
        return commitTs != 0 ? new Result(List.of(), List.of(), commitTs, false) : new Result(keys, locks, 0, false);
    }
}
