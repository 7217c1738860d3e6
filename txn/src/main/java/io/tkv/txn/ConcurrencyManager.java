package io.tkv.txn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's memory of reads, as async commit needs it (TiKV's {@code ConcurrencyManager}): the largest timestamp
 * any read has used ({@code max_ts}), and the locks of async-commit and 1PC prewrites that are computed but not yet
 * applied to RocksDB. Shared by the threads that read and the one that runs commands; every method is thread safe.
 *
 * <p><b>Why a reader never misses a committed async write.</b> An async-commit transaction's commit ts is not taken
 * from the TSO: it is the largest {@code min_commit_ts} of its locks, and each is {@code max(max_ts, start_ts,
 * for_update_ts) + 1}, computed in {@link #lockKey}. A reader at {@code ts} first {@link #updateMaxTs raises max_ts}
 * to {@code ts}, then {@link #checkKey checks the memory locks}, then reads its snapshot. The writer first publishes
 * its memory lock, then reads max_ts. Both are single operations on linearizable objects (an {@link AtomicLong} and a
 * {@link ConcurrentSkipListMap}), so one of two orders holds: either the writer's publish precedes the reader's check,
 * and the reader meets the lock and waits (KEY_LOCKED) until it is committed or resolved; or the reader's check
 * precedes the publish, then the reader's max_ts update precedes the writer's read of max_ts, so
 * {@code min_commit_ts > ts} and the write, committed later, is after the reader's snapshot by its timestamp too.
 * Until the writer's computed lock replaces it, the published lock has {@code min_commit_ts = 0}, which blocks every
 * reader at or after its start ts: never a wrong answer, at worst a retry. The memory lock stays until the command's
 * write is applied (and so visible in the lock CF to every later snapshot); then {@link KeyGuard#release} drops it.
 */
public final class ConcurrencyManager {
    private final AtomicLong maxTs;
    private final ConcurrentSkipListMap<byte[], Lock> memoryLocks =
        new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    /**
     * @param initialMaxTs a timestamp at least as large as any read served before (a new leader takes one from the
     *                     TSO so that reads served by the previous leader are covered).
     */
    public ConcurrencyManager(final long initialMaxTs) {
        this.maxTs = new AtomicLong(initialMaxTs);
    }

    /** @return the largest timestamp a read has used. */
    public long maxTs() {
        return maxTs.get();
    }

    /**
     * Records a read at {@code ts}: no async commit computed from now on commits at or below it.
     *
     * @param ts the read's timestamp; {@link Long#MAX_VALUE} (a read of the latest data) is not recorded, as in TiKV,
     *           since it would push every later commit ts to the end of time.
     */
    public void updateMaxTs(final long ts) {
        if (ts == Long.MAX_VALUE) {
            return;
        }
        maxTs.accumulateAndGet(ts, Math::max);
    }

    /**
     * Publishes a blocking memory lock on a key, then computes the lock's min commit ts against max_ts, and publishes
     * the final lock. The caller holds the key's latch, so no other command locks the same key meanwhile.
     *
     * @param encodedKey   the key.
     * @param lock         the lock being prewritten.
     * @param forUpdateTs  the transaction's for-update ts (0 if optimistic).
     * @return a guard holding the computed lock; release it once the prewrite is applied or abandoned.
     */
    public KeyGuard lockKey(final byte[] encodedKey, final Lock lock, final long forUpdateTs) {
        final Lock blocking = lock.withMinCommitTs(0);
        memoryLocks.put(encodedKey, blocking);
        final long minCommitTs =
            Math.max(lock.minCommitTs(), Math.max(maxTs.get(), Math.max(lock.startTs(), forUpdateTs)) + 1);
        final Lock computed = lock.withMinCommitTs(minCommitTs);
        memoryLocks.replace(encodedKey, blocking, computed);
        return new KeyGuard(encodedKey, computed);
    }

    /**
     * Checks the memory lock of a key for a read at {@code ts} (call {@link #updateMaxTs} first).
     *
     * @throws TxnException.KeyLocked if a memory lock blocks the read.
     */
    public void checkKey(final byte[] encodedKey, final long ts) {
        final Lock lock = memoryLocks.get(encodedKey);
        if (lock != null) {
            LockCheck.checkForRead(encodedKey, lock, ts);
        }
    }

    /**
     * Checks the memory locks of {@code [startKey, endKey)} for a read at {@code ts} (call {@link #updateMaxTs}
     * first).
     *
     * @param endKey exclusive; {@code null} for no end.
     * @throws TxnException.KeyLocked if a memory lock blocks the read.
     */
    public void checkRange(final byte[] startKey, final byte[] endKey, final long ts) {
        final Map<byte[], Lock> range =
            endKey == null ? memoryLocks.tailMap(startKey, true) : memoryLocks.subMap(startKey, true, endKey, false);
        for (final Map.Entry<byte[], Lock> entry : range.entrySet()) {
            LockCheck.checkForRead(entry.getKey(), entry.getValue(), ts);
        }
    }

    /**
     * Lists the memory locks of {@code [startKey, endKey)} that started at or before {@code maxTs}, as TiKV's scan-lock
     * reads its lock table too: a lock computed but not yet applied is invisible in the snapshot. Call
     * {@link #updateMaxTs} first.
     *
     * @param endKey exclusive; {@code null} for no end.
     * @param limit  the most locks to return (0: no limit).
     * @return pairs of encoded key and lock, in key order.
     */
    public List<MvccReader.KeyLock> scanLocks(
        final byte[] startKey, final byte[] endKey, final long maxTs, final int limit) {
        final Map<byte[], Lock> range =
            endKey == null ? memoryLocks.tailMap(startKey, true) : memoryLocks.subMap(startKey, true, endKey, false);
        final List<MvccReader.KeyLock> out = new ArrayList<>();
        for (final Map.Entry<byte[], Lock> entry : range.entrySet()) {
            if (limit != 0 && out.size() >= limit) {
                break;
            }
            if (entry.getValue().startTs() <= maxTs) {
                out.add(new MvccReader.KeyLock(entry.getKey(), entry.getValue()));
            }
        }
        return out;
    }

    /** @return the number of memory locks held (for tests and metrics). */
    public int memoryLockCount() {
        return memoryLocks.size();
    }

    /**
     * A memory lock held by a prewrite until its write is applied.
     */
    public final class KeyGuard {
        private final byte[] encodedKey;
        private final Lock lock;

        private KeyGuard(final byte[] encodedKey, final Lock lock) {
            this.encodedKey = encodedKey;
            this.lock = lock;
        }

        /** @return the lock with its computed min commit ts. */
        public Lock lock() {
            return lock;
        }

        /** Drops the memory lock (if still this guard's). Idempotent. */
        public void release() {
            memoryLocks.remove(encodedKey, lock);
        }
    }
}
