package io.tkv.txn.command;

import io.tkv.txn.MvccTxn;
import io.tkv.txn.PessimisticLock;

import java.util.List;

/**
 * Pessimistic locks on keys of one transaction, as TiKV's {@code commands/acquire_pessimistic_lock.rs}: every key is
 * locked or the command fails as a whole (KEY_LOCKED, WRITE_CONFLICT, ...) and writes nothing; the client retries.
 * tkv has no lock-wait queue yet: a locked key answers at once. Latches every key.
 *
 * @param keys        the user keys, at least one.
 * @param primary     the transaction's primary user key.
 * @param startTs     the transaction's start ts.
 * @param forUpdateTs this statement's for-update ts.
 * @param lockTtl     the locks' ttl in milliseconds.
 * @param minCommitTs the locks' min commit ts (0: none).
 */
public record AcquirePessimisticLockCommand(
    List<byte[]> keys, byte[] primary, long startTs, long forUpdateTs, long lockTtl, long minCommitTs)
    implements TxnCommand {

    /** Checks the request. */
    public AcquirePessimisticLockCommand {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("pessimistic lock of no keys");
        }
        if (forUpdateTs < startTs) {
            throw new IllegalArgumentException("for-update ts " + forUpdateTs + " is below start ts " + startTs);
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
