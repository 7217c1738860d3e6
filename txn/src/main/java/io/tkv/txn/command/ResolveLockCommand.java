package io.tkv.txn.command;

import io.tkv.txn.MvccTxn;
import io.tkv.txn.ResolveLock;

import java.util.List;

/**
 * Resolve-lock of one transaction on a list of keys, as TiKV's {@code commands/resolve_lock_lite.rs}: once the
 * resolver knows the transaction's fate from its primary, each key is committed at {@code commitTs}, or rolled back if
 * it is 0. A contradiction (commit of a rolled-back key) fails the command as a whole. Latches every key. For the
 * locks of many transactions over a key range, see {@link ResolveLockScanCommand}.
 *
 * @param keys     the user keys, at least one.
 * @param startTs  the transaction's start ts.
 * @param commitTs its commit ts, or 0 to roll it back.
 */
public record ResolveLockCommand(List<byte[]> keys, long startTs, long commitTs) implements TxnCommand {
    /** Checks the request. */
    public ResolveLockCommand {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("resolve-lock of no keys");
        }
        ResolveLockScanCommand.checkOutcome(startTs, commitTs);
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
            ResolveLock.resolve(txn, context.reader(), key, commitTs);
        }
        return CommandResult.writeThenRespond(TxnResponse.DONE);
    }
}
