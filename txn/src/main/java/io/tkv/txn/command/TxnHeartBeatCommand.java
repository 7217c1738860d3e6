package io.tkv.txn.command;

import io.tkv.txn.TxnHeartBeat;

import java.util.List;

/**
 * A transaction's heartbeat, as TiKV's {@code commands/txn_heart_beat.rs}: raises its primary lock's ttl (never
 * lowers it); TXN_NOT_FOUND if the lock is gone. Latches the primary.
 *
 * @param primaryKey the primary user key.
 * @param startTs    the transaction's start ts.
 * @param adviseTtl  the ttl wanted, in milliseconds since the start ts's physical time.
 */
public record TxnHeartBeatCommand(byte[] primaryKey, long startTs, long adviseTtl) implements TxnCommand {
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
        final long ttl = TxnHeartBeat.heartBeat(context.newTxn(startTs), context.reader(), primaryKey, adviseTtl);
        return CommandResult.writeThenRespond(new TxnResponse.HeartBeat(ttl));
    }
}
