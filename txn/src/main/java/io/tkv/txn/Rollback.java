package io.tkv.txn;

import io.tkv.codec.keys.Timestamps;

import java.util.Arrays;

/**
 * Rollback and cleanup of one key, as TiKV's {@code actions/cleanup.rs} and the rollback half of
 * {@code check_txn_status.rs}.
 * <ul>
 * <li>A rollback removes the transaction's lock (and a long value in the default CF) and writes a ROLLBACK record at
 * its start ts, so that a prewrite arriving late for the same transaction fails instead of resurrecting it.</li>
 * <li>With no lock the record is written anyway (rollback before prewrite); a committed transaction refuses
 * (Committed); an existing rollback makes it a no-op.</li>
 * <li>If another transaction's commit record sits at this start ts (async commit and 1PC compute commit ts, so they
 * can collide), it is not overwritten: for a protected rollback the record gets {@code hasOverlappedRollback}.</li>
 * <li>Unprotected rollbacks may be collapsed: the previous unprotected rollback of the key is deleted, keeping the
 * write CF small under repeated cleanup. The primary of a pessimistic transaction always gets a protected one.</li>
 * <li>Cleanup with a current ts refuses with KEY_LOCKED while the lock's ttl has not run out.</li>
 * </ul>
 */
public final class Rollback {
    private Rollback() {
    }

    /**
     * What to do when check-txn-status or cleanup finds no lock of the transaction.
     */
    public enum MissingLockAction {
        /** Write an unprotected rollback (collapsing the previous one). */
        ROLLBACK,
        /** Write a protected rollback. */
        PROTECTED_ROLLBACK,
        /** Refuse with TxnNotFound. */
        RETURN_ERROR
    }

    /**
     * Rolls back one key of the transaction, whatever its lock's ttl: TiKV's Rollback command.
     *
     * @throws TxnException.Committed if the transaction committed the key.
     */
    public static void rollback(final MvccTxn txn, final MvccReader reader, final byte[] userKey) {
        cleanup(txn, reader, userKey, 0, false);
    }

    /**
     * Cleans up one key of the transaction, as TiKV's {@code cleanup}.
     *
     * @param currentTs       0 to roll back whatever the ttl; else a lock still alive at this ts is left alone.
     * @param protectRollback whether the rollback record must not be collapsed.
     * @throws TxnException.KeyLocked if the lock is still alive at {@code currentTs}.
     * @throws TxnException.Committed if the transaction committed the key.
     */
    public static void cleanup(
        final MvccTxn txn, final MvccReader reader, final byte[] userKey, final long currentTs,
        final boolean protectRollback) {
        final byte[] key = TxnKeys.encode(userKey);
        final Lock lock = reader.loadLock(key);
        if (lock != null && lock.startTs() == txn.startTs()) {
            if (currentTs != 0 && !isExpired(lock, currentTs)) {
                throw new TxnException.KeyLocked(userKey, lock);
            }
            rollbackLock(txn, reader, key, lock, !protectRollback);
            return;
        }
        final TxnStatus status = missingLock(txn, reader, key, lock,
            protectRollback ? MissingLockAction.PROTECTED_ROLLBACK : MissingLockAction.ROLLBACK, false);
        if (status.kind() == TxnStatus.Kind.COMMITTED) {
            throw new TxnException.Committed(txn.startTs(), status.commitTs(), userKey);
        }
    }

    /**
     * @return whether the lock's ttl has run out at {@code currentTs} (compared in physical milliseconds).
     */
    static boolean isExpired(final Lock lock, final long currentTs) {
        return Timestamps.physicalMs(lock.startTs()) + lock.ttl() < Timestamps.physicalMs(currentTs);
    }

    /**
     * Rolls back the transaction's own lock on a key.
     *
     * @param collapse whether to delete the key's previous unprotected rollback.
     */
    static void rollbackLock(
        final MvccTxn txn, final MvccReader reader, final byte[] key, final Lock lock, final boolean collapse) {
        final TxnCommitRecord record = reader.getTxnCommitRecord(key, lock.startTs());
        if (record.isCommitted()) {
            throw new IllegalStateException("txn " + lock.startTs() + " both locked and committed on key " +
                Arrays.toString(key) + ": " + record);
        }
        if (record.isRolledBack()) {
            txn.unlockKey(key);
            return;
        }
        if (lock.type() == LockType.PUT && lock.shortValue() == null) {
            txn.deleteValue(key, lock.startTs());
        }
        // Only a pessimistic transaction's primary needs protection (its rollback decides the whole transaction
        // while its pessimistic locks may still be acquired late).
        final boolean isProtected = lock.isPessimisticTxn() && Arrays.equals(TxnKeys.encode(lock.primary()), key);
        final Write rollback = makeRollback(lock.startTs(), isProtected, record.overlappedWrite());
        if (rollback != null) {
            txn.putWrite(key, lock.startTs(), rollback);
        }
        if (collapse) {
            collapsePrevRollback(txn, reader, key);
        }
        txn.unlockKey(key);
    }

    /**
     * The missing-lock half of check-txn-status (also used by cleanup): decides from the write CF.
     *
     * @param mismatchLock another transaction's lock on the key, or {@code null}.
     */
    static TxnStatus missingLock(
        final MvccTxn txn, final MvccReader reader, final byte[] key, final Lock mismatchLock,
        final MissingLockAction action, final boolean resolvingPessimisticLock) {
        final TxnCommitRecord record = reader.getTxnCommitRecord(key, txn.startTs());
        if (record.isCommitted()) {
            return TxnStatus.committed(record.record().commitTs());
        }
        if (record.isRolledBack()) {
            return TxnStatus.of(TxnStatus.Kind.ROLLED_BACK);
        }
        if (action == MissingLockAction.RETURN_ERROR) {
            throw new TxnException.TxnNotFound(txn.startTs(), TxnKeys.decode(key));
        }
        if (resolvingPessimisticLock) {
            return TxnStatus.of(TxnStatus.Kind.LOCK_NOT_EXIST_DO_NOTHING);
        }
        final boolean isProtected = action == MissingLockAction.PROTECTED_ROLLBACK;
        if (!isProtected) {
            collapsePrevRollback(txn, reader, key);
        }
        if (mismatchLock != null && record.overlappedWrite() == null) {
            markRollbackOnMismatchingLock(txn, key, mismatchLock, isProtected);
        }
        final Write rollback = makeRollback(txn.startTs(), isProtected, record.overlappedWrite());
        if (rollback != null) {
            txn.putWrite(key, txn.startTs(), rollback);
        }
        return TxnStatus.of(TxnStatus.Kind.LOCK_NOT_EXIST);
    }

    /**
     * Remembers on another transaction's lock that this one was rolled back here: if that lock later commits at this
     * start ts (possible only with computed commit ts), its record overwrites our rollback and must carry it.
     */
    static void markRollbackOnMismatchingLock(
        final MvccTxn txn, final byte[] key, final Lock lock, final boolean isProtected) {
        if (!isProtected || lock.startTs() >= txn.startTs()) {
            // A lock that started later commits later than our start ts: no collision possible.
            return;
        }
        txn.putLock(key, lock.withRollbackTs(txn.startTs()));
    }

    /**
     * @return the record that performs a rollback at {@code startTs}, or {@code null} if none is written (an
     *         unprotected rollback over another transaction's commit record: that record stays as it is).
     */
    static Write makeRollback(final long startTs, final boolean isProtected, final WriteAt overlapped) {
        if (overlapped == null) {
            return Write.rollback(startTs, isProtected);
        }
        return isProtected ? overlapped.write().withOverlappedRollback() : null;
    }

    /** Deletes the key's newest record at or before the start ts if it is an unprotected rollback. */
    static void collapsePrevRollback(final MvccTxn txn, final MvccReader reader, final byte[] key) {
        final WriteAt previous = reader.seekWrite(key, txn.startTs());
        if (previous != null && previous.write().type() == WriteType.ROLLBACK && !previous.write().isProtected()) {
            txn.deleteWrite(key, previous.commitTs());
        }
    }
}
