package io.tkv.txn.command;

import io.tkv.txn.CheckTxnStatus;
import io.tkv.txn.TxnStatus;

import java.util.List;

/**
 * Check-txn-status on a transaction's primary key, as TiKV's {@code commands/check_txn_status.rs}: reports the
 * transaction's state and rolls it back if its primary lock expired (see {@link CheckTxnStatus}). Latches the
 * primary.
 *
 * @param primaryKey               the primary user key.
 * @param lockTs                   the start ts of the transaction checked.
 * @param callerStartTs            the start ts of the caller that met the lock (0: none).
 * @param currentTs                a fresh ts to judge the ttl.
 * @param rollbackIfNotExist       write a rollback if no trace of the transaction is found.
 * @param forceSyncCommit          treat an async-commit lock as an ordinary one.
 * @param resolvingPessimisticLock the caller met a pessimistic lock.
 */
public record CheckTxnStatusCommand(
    byte[] primaryKey,
    long lockTs,
    long callerStartTs,
    long currentTs,
    boolean rollbackIfNotExist,
    boolean forceSyncCommit,
    boolean resolvingPessimisticLock) implements TxnCommand {

    @Override
    public boolean isRead() {
        return false;
    }

    @Override
    public List<byte[]> latchKeys() {
        return List.of(primaryKey);
    }

    @Override
    public CommandResult process(final CommandContext context) {
        final TxnStatus status = CheckTxnStatus.check(context.newTxn(lockTs), context.reader(), primaryKey,
            callerStartTs, currentTs, rollbackIfNotExist, forceSyncCommit, resolvingPessimisticLock);
        return CommandResult.writeThenRespond(new TxnResponse.Status(status));
    }
}
