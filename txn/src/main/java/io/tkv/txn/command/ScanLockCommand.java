package io.tkv.txn.command;

import io.tkv.txn.ConcurrencyManager;
import io.tkv.txn.MvccReader;
import io.tkv.txn.TxnKeys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lists the locks of {@code [startKey, endKey)} that started at or before {@code maxTs}, as TiKV's
 * {@code kv_scan_lock} (what GC and lock resolvers use): max ts is raised to {@code maxTs} and the memory locks of
 * unapplied async-commit prewrites are read before the snapshot, then merged with the snapshot's locks, in key order,
 * at most {@code limit}. No latch.
 *
 * <p>Not a record: the memory locks read before the snapshot are kept for {@link #process}; used once, on one thread.
 */
public final class ScanLockCommand implements TxnCommand {
    private final byte[] startKey;
    private final byte[] endKey;
    private final long maxTs;
    private final int limit;
    private List<MvccReader.KeyLock> memoryLocks = List.of();

    /**
     * @param startKey the first user key.
     * @param endKey   the exclusive end; {@code null} for the end of the transactional space.
     * @param maxTs    only locks that started at or before it.
     * @param limit    the most locks (0: no limit).
     */
    public ScanLockCommand(final byte[] startKey, final byte[] endKey, final long maxTs, final int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("scan-lock limit must not be negative: " + limit);
        }
        this.startKey = startKey;
        this.endKey = endKey;
        this.maxTs = maxTs;
        this.limit = limit;
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
        concurrencyManager.updateMaxTs(maxTs);
        memoryLocks = concurrencyManager.scanLocks(TxnKeys.encode(startKey), encodedEnd(), maxTs, limit);
    }

    @Override
    public CommandResult process(final CommandContext context) {
        final TreeMap<byte[], MvccReader.KeyLock> merged = new TreeMap<>(Arrays::compareUnsigned);
        for (final MvccReader.KeyLock keyLock : memoryLocks) {
            merged.put(keyLock.key(), keyLock);
        }
        // A lock applied since the memory read is in both: the snapshot's copy is the one stored.
        for (final MvccReader.KeyLock keyLock :
            context.reader().scanLocks(TxnKeys.encode(startKey), encodedEnd(), maxTs, limit)) {
            merged.put(keyLock.key(), keyLock);
        }
        final List<TxnResponse.LockInfo> locks = new ArrayList<>();
        for (final Map.Entry<byte[], MvccReader.KeyLock> entry : merged.entrySet()) {
            if (limit != 0 && locks.size() >= limit) {
                break;
            }
            locks.add(new TxnResponse.LockInfo(TxnKeys.decode(entry.getKey()), entry.getValue().lock()));
        }
        return CommandResult.respond(new TxnResponse.Locks(locks));
    }

    private byte[] encodedEnd() {
        return endKey == null ? null : TxnKeys.encode(endKey);
    }
}
