package io.tkv.txn.command;

import io.tkv.txn.ConcurrencyManager;
import io.tkv.txn.TxnException;
import io.tkv.txn.TxnKeys;
import io.tkv.txn.TxnReader;

import java.util.ArrayList;
import java.util.List;

/**
 * Snapshot-isolation reads of several keys at one ts, as TiKV's {@code kv_batch_get}: one pair per key that has a
 * value; a key whose lock blocks the read gets its KEY_LOCKED in place of a value while the other keys are read. A
 * memory lock of an unapplied async-commit prewrite fails the whole read (it is checked before the snapshot, as in
 * TiKV). No latch.
 *
 * @param keys the user keys.
 * @param ts   the read's ts.
 */
public record BatchGetCommand(List<byte[]> keys, long ts) implements TxnCommand {
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
        concurrencyManager.updateMaxTs(ts);
        for (final byte[] key : keys) {
            concurrencyManager.checkKey(TxnKeys.encode(key), ts);
        }
    }

    @Override
    public CommandResult process(final CommandContext context) {
        final TxnReader reader = new TxnReader(context.reader(), context.concurrencyManager());
        final List<TxnResponse.KeyValue> pairs = new ArrayList<>(keys.size());
        for (final byte[] key : keys) {
            try {
                final byte[] value = reader.get(key, ts);
                if (value != null) {
                    pairs.add(new TxnResponse.KeyValue(key, value, null));
                }
            } catch (final TxnException.KeyLocked locked) {
                pairs.add(new TxnResponse.KeyValue(key, null, locked));
            }
        }
        return CommandResult.respond(new TxnResponse.Pairs(pairs));
    }
}
