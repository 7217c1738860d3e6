package io.tkv.txn.command;

import io.tkv.txn.Commit;
import io.tkv.txn.MvccTxn;

import java.util.List;

/**
 * Commit of keys of one transaction at a commit ts, as TiKV's {@code commands/commit.rs}: every key commits or the
 * command fails as a whole (CommitTsExpired, TxnLockNotFound) and writes nothing. Latches every key.
 *
 * @param keys     the user keys, at least one.
 * @param startTs  the transaction's start ts.
 * @param commitTs its commit ts, above the start ts.
 */
public record CommitCommand(List<byte[]> keys, long startTs, long commitTs) implements TxnCommand {
    /** Checks the request. */
    public CommitCommand {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("commit of no keys");
        }
        if (commitTs <= startTs) {
            throw new IllegalArgumentException("commit ts " + commitTs + " is not above start ts " + startTs);
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
            Commit.commit(txn, context.reader(), key, commitTs);
        }
        return CommandResult.writeThenRespond(TxnResponse.DONE);
    }
}
