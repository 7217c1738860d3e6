package io.tkv.txn.command;

import io.tkv.txn.MvccTxn;
import io.tkv.txn.Rollback;

import java.util.List;

/**
 * Cleanup of one key, as TiKV's {@code commands/cleanup.rs}: rolls the transaction back on the key unless its lock is
 * still alive at {@code currentTs} (KEY_LOCKED) or the transaction committed (Committed, with the commit ts). The
 * rollback is protected, and the start ts raises max ts so that no async commit can later commit at it. Latches the
 * key.
 *
 * @param key       the user key.
 * @param startTs   the transaction's start ts.
 * @param currentTs a fresh ts to judge the lock's ttl; 0 rolls back whatever the ttl.
 */
public record CleanupCommand(byte[] key, long startTs, long currentTs) implements TxnCommand {
    @Override
    public boolean isRead() {
        return false;
    }

    @Override
    public List<byte[]> latchKeys() {
        return List.of(key);
    }

    @Override
    public CommandResult process(final CommandContext context) {
        context.concurrencyManager().updateMaxTs(startTs);
        final MvccTxn txn = context.newTxn(startTs);
        Rollback.cleanup(txn, context.reader(), key, currentTs, true);
        return CommandResult.writeThenRespond(TxnResponse.DONE);
    }
}
