package io.tkv.txn.command;

import io.tkv.txn.MvccReader;
import io.tkv.txn.MvccTxn;
import io.tkv.txn.ResolveLock;
import io.tkv.txn.TxnKeys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolve-lock over a key range for the transactions whose fate is known, as TiKV's {@code resolve_lock.rs} with its
 * read phase: how a resolver (or GC, under its safe point) clears the locks of many transactions at once.
 *
 * <p>This read phase takes no latch: it scans at most {@code batchSize} locks from {@code startKey} and continues with
 * a {@link WritePhase} that latches the keys whose lock belongs to a transaction in {@code txnStatus}, commits or
 * rolls back each (one staged transaction per start ts, all in one write batch) and, if the scan stopped at its
 * limit, continues with a new read phase after the last key scanned. The client gets one answer, after the last
 * batch is applied. A lock found in the read phase may be gone by the write phase: resolving it again is harmless.
 *
 * @param txnStatus start ts to commit ts (0: roll back) of each transaction to resolve.
 * @param startKey  the first user key to scan.
 * @param endKey    the exclusive end of the scan; {@code null} for the end of the transactional space.
 * @param batchSize the most locks one batch scans, at least 1.
 */
public record ResolveLockScanCommand(Map<Long, Long> txnStatus, byte[] startKey, byte[] endKey, int batchSize)
    implements TxnCommand {

    /** TiKV's {@code RESOLVE_LOCK_BATCH_SIZE}. */
    public static final int DEFAULT_BATCH_SIZE = 256;

    /** Checks the request. */
    public ResolveLockScanCommand {
        if (txnStatus.isEmpty()) {
            throw new IllegalArgumentException("resolve-lock of no transactions");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("resolve-lock batch size must be positive: " + batchSize);
        }
        for (final Map.Entry<Long, Long> entry : txnStatus.entrySet()) {
            checkOutcome(entry.getKey(), entry.getValue());
        }
        txnStatus = Map.copyOf(txnStatus);
    }

    static void checkOutcome(final long startTs, final long commitTs) {
        if (commitTs != 0 && commitTs <= startTs) {
            throw new IllegalArgumentException("commit ts " + commitTs + " is not above start ts " + startTs);
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
    public CommandResult process(final CommandContext context) {
        final List<MvccReader.KeyLock> scanned = context.reader().scanLocks(
            TxnKeys.encode(startKey), endKey == null ? null : TxnKeys.encode(endKey), Long.MAX_VALUE, batchSize);
        final List<byte[]> keys = new ArrayList<>();
        final List<Long> lockTs = new ArrayList<>();
        for (final MvccReader.KeyLock keyLock : scanned) {
            if (txnStatus.containsKey(keyLock.lock().startTs())) {
                keys.add(TxnKeys.decode(keyLock.key()));
                lockTs.add(keyLock.lock().startTs());
            }
        }
        ResolveLockScanCommand next = null;
        if (scanned.size() == batchSize) {
            final byte[] last = TxnKeys.decode(scanned.get(scanned.size() - 1).key());
            // The smallest user key after the last one scanned.
            next = new ResolveLockScanCommand(txnStatus, Arrays.copyOf(last, last.length + 1), endKey, batchSize);
        }
        if (keys.isEmpty()) {
            return next == null ? CommandResult.respond(TxnResponse.DONE) : CommandResult.writeThenContinue(next);
        }
        return CommandResult.writeThenContinue(new WritePhase(txnStatus, keys, lockTs, next));
    }

    /**
     * The write phase of one batch: resolves the locks the read phase found.
     *
     * @param txnStatus start ts to commit ts (0: roll back).
     * @param keys      the user keys found locked by a transaction to resolve.
     * @param lockTs    per key, the start ts of its lock.
     * @param next      the read phase of the next batch, or {@code null} if this is the last.
     */
    public record WritePhase(Map<Long, Long> txnStatus, List<byte[]> keys, List<Long> lockTs,
        ResolveLockScanCommand next) implements TxnCommand {

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
            final Map<Long, MvccTxn> txns = new HashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                final long startTs = lockTs.get(i);
                final MvccTxn txn = txns.computeIfAbsent(startTs, context::newTxn);
                ResolveLock.resolve(txn, context.reader(), keys.get(i), txnStatus.get(startTs));
            }
            return next == null ? CommandResult.writeThenRespond(TxnResponse.DONE)
                : CommandResult.writeThenContinue(next);
        }
    }
}
