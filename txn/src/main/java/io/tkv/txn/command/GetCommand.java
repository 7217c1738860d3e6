package io.tkv.txn.command;

import io.tkv.txn.ConcurrencyManager;
import io.tkv.txn.TxnReader;

import java.util.List;

/**
 * A snapshot-isolation read of one key at a ts, as TiKV's {@code kv_get}: the value, or KEY_LOCKED with the lock that
 * may commit at or before the ts. No latch; registers the read before the snapshot.
 *
 * @param key the user key.
 * @param ts  the read's ts (the transaction's start ts).
 */
public record GetCommand(byte[] key, long ts) implements TxnCommand {
    @Override
    public boolean isRead() {
        return true;
    }

    @Override
    public List<byte[]> latchKeys() {
        return List.of();
    }

    @Override
    public void beforeSnapshot(final ConcurrencyManager concurrencyManager) {
        TxnReader.registerRead(concurrencyManager, key, ts);
    }

    @Override
    public CommandResult process(final CommandContext context) {
        final byte[] value = new TxnReader(context.reader(), context.concurrencyManager()).get(key, ts);
        return CommandResult.respond(new TxnResponse.Value(value));
    }
}
