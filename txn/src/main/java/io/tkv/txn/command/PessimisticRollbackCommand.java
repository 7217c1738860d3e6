package io.tkv.txn.command;

import io.tkv.txn.MvccTxn;
import io.tkv.txn.PessimisticLock;

import java.util.List;

/**
 * Pessimistic rollback, as TiKV's {@code commands/pessimistic_rollback.rs}: removes the transaction's pessimistic
 * locks on the keys taken at or before {@code forUpdateTs}; writes no rollback record, leaves prewrite locks alone.
 * Latches every key.
 *
 * @param keys        the user keys, at least one.
 * @param startTs     the transaction's start ts.
 * @param forUpdateTs the for-update ts of the statement being undone.
 */
public record PessimisticRollbackCommand(List<byte[]> keys, long startTs, long forUpdateTs) implements TxnCommand {
    /** Checks the request. */
    public PessimisticRollbackCommand {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("pessimistic rollback of no keys");
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
            PessimisticLock.rollback(txn, context.reader(), key, forUpdateTs);
        }
        return CommandResult.writeThenRespond(TxnResponse.DONE);
    }
}
