package io.tkv.txn.command;

import io.tkv.txn.ConcurrencyManager;
import io.tkv.txn.TxnReader;

import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot-isolation scan of {@code [startKey, endKey)} at a ts, forward or reverse, as TiKV's {@code kv_scan}: at
 * most {@code limit} pairs in scan order; KEY_LOCKED with the first lock in scan order that blocks the read. No latch;
 * registers the read of the whole range before the snapshot.
 *
 * @param startKey the first user key of the range.
 * @param endKey   the exclusive end; {@code null} for the end of the transactional space.
 * @param ts       the read's ts.
 * @param limit    the most pairs (0: no limit).
 * @param reverse  whether to scan from the end down.
 */
public record ScanCommand(byte[] startKey, byte[] endKey, long ts, int limit, boolean reverse) implements TxnCommand {
    /** Checks the request. */
    public ScanCommand {
        if (limit < 0) {
            throw new IllegalArgumentException("scan limit must not be negative: " + limit);
        }
    }

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
        TxnReader.registerScan(concurrencyManager, startKey, endKey, ts);
    }

    @Override
    public CommandResult process(final CommandContext context) {
        final List<TxnReader.KvPair> found = new TxnReader(context.reader(), context.concurrencyManager())
            .scan(startKey, endKey, ts, limit, reverse);
        final List<TxnResponse.KeyValue> pairs = new ArrayList<>(found.size());
        for (final TxnReader.KvPair pair : found) {
            pairs.add(new TxnResponse.KeyValue(pair.key(), pair.value(), null));
        }
        return CommandResult.respond(new TxnResponse.Pairs(pairs));
    }
}
