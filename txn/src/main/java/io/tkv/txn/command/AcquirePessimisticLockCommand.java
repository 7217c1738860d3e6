package io.tkv.txn.command;

import io.tkv.txn.MvccTxn;
import io.tkv.txn.PessimisticLock;

import java.util.List;

/**
 * Pessimistic locks on keys of one transaction, as TiKV's {@code commands/acquire_pessimistic_lock.rs}: every key is
 * locked or the command fails as a whole (KEY_LOCKED, WRITE_CONFLICT, ...) and writes nothing; the client retries.
 * Latches every key. With a wait timeout, a lock of another transaction does not answer at once: the scheduler parks
 * the request in its {@link io.tkv.txn.lockwait.WaiterManager} until the lock is released (then it runs again on a
 * fresh snapshot), the wait times out (KEY_LOCKED) or a deadlock is found (Deadlock).
 *
 * @param keys          the user keys, at least one.
 * @param primary       the transaction's primary user key.
 * @param startTs       the transaction's start ts.
 * @param forUpdateTs   this statement's for-update ts.
 * @param lockTtl       the locks' ttl in milliseconds.
 * @param minCommitTs   the locks' min commit ts (0: none).
 * @param waitTimeoutMs how long to wait for a lock of another transaction, in milliseconds; 0 answers KEY_LOCKED at
 *                      once. The store caps it ({@link io.tkv.txn.lockwait.LockWaitConfig#maxWaitTimeoutMs}).
 */
public record AcquirePessimisticLockCommand(
    List<byte[]> keys, byte[] primary, long startTs, long forUpdateTs, long lockTtl, long minCommitTs,
    long waitTimeoutMs) implements TxnCommand {

    /** A request that does not wait: a locked key answers KEY_LOCKED at once. */
    public AcquirePessimisticLockCommand(
        final List<byte[]> keys, final byte[] primary, final long startTs, final long forUpdateTs, final long lockTtl,
        final long minCommitTs) {
        this(keys, primary, startTs, forUpdateTs, lockTtl, minCommitTs, 0);
    }

    /** Checks the request. */
    public AcquirePessimisticLockCommand {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("pessimistic lock of no keys");
        }
        if (forUpdateTs < startTs) {
            throw new IllegalArgumentException("for-update ts " + forUpdateTs + " is below start ts " + startTs);
        }
        if (waitTimeoutMs < 0) {
            throw new IllegalArgumentException("negative wait timeout " + waitTimeoutMs);
        }
    }

    @Override
    public boolean isRead() {
        return false;
    }

    @Override
    public List<byte[]> latchKeys() {
        return keys;
    }

    @Override
    public CommandResult process(final CommandContext context) {
        final MvccTxn txn = context.newTxn(startTs);
        for (final byte[] key : keys) {
            PessimisticLock.acquire(txn, context.reader(), key, primary, forUpdateTs, lockTtl, minCommitTs);
        }
        return CommandResult.writeThenRespond(TxnResponse.DONE);
    }
}
