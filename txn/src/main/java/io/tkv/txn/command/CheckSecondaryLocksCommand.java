package io.tkv.txn.command;

import io.tkv.txn.CheckSecondaryLocks;

import java.util.List;

/**
 * Check-secondary-locks of an async-commit transaction, as TiKV's {@code commands/check_secondary_locks.rs} (see
 * {@link CheckSecondaryLocks}): reports the keys' locks, or the commit ts, or that the transaction is rolled back
 * (writing protected rollbacks where its prewrite never arrived). Latches every key.
 *
 * @param keys    the user keys, at least one.
 * @param startTs the transaction's start ts.
 */
public record CheckSecondaryLocksCommand(List<byte[]> keys, long startTs) implements TxnCommand {
    /** Checks the request. */
    public CheckSecondaryLocksCommand {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("check-secondary-locks of no keys");
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
        final CheckSecondaryLocks.Result result =
            CheckSecondaryLocks.check(context.newTxn(startTs), context.reader(), keys);
        return CommandResult.writeThenRespond(new TxnResponse.SecondaryLocks(result));
    }
}
