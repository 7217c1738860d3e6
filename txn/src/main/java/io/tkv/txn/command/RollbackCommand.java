package io.tkv.txn.command;

import io.tkv.txn.MvccTxn;
import io.tkv.txn.Rollback;

import java.util.List;

/**
 * Batch rollback of keys of one transaction, as TiKV's {@code commands/rollback.rs}: the client knows the transaction
 * failed, so each key is rolled back whatever its lock's ttl (an unprotected rollback, collapsed with the previous
 * one); a committed key fails the command as a whole (Committed). Latches every key.
 *
 * @param keys    the user keys, at least one.
 * @param startTs the transaction's start ts.
 */
public record RollbackCommand(List<byte[]> keys, long startTs) implements TxnCommand {
    /** Checks the request. */
    public RollbackCommand {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("rollback of no keys");
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
            Rollback.rollback(txn, context.reader(), key);
        }
        return CommandResult.writeThenRespond(TxnResponse.DONE);
    }
}
