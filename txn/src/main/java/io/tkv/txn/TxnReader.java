package io.tkv.txn;

import io.tkv.storage.ColumnFamily;
import io.tkv.storage.KvCursor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Snapshot-isolation reads at a ts, as TiKV's point getter and scanner: the newest PUT at or before the ts, past
 * LOCK and ROLLBACK records; a DELETE hides the key. A lock that may commit at or before the ts blocks the read with
 * KEY_LOCKED and the lock's details (see {@link LockCheck}); the client resolves it and retries.
 * <p>
 * Every read must first raise the concurrency manager's max ts and check its memory locks ({@link #registerRead},
 * {@link #registerScan}), and only then take the snapshot it reads: the order the async-commit argument of
 * {@link ConcurrencyManager} rests on (a snapshot taken earlier could miss a lock applied and released in between).
 * {@link #get} and {@link #scan} register again, which is harmless, but cannot make up for a snapshot taken first.
 */
public final class TxnReader {
    private final MvccReader reader;
    private final ConcurrencyManager concurrencyManager;

    /**
     * @param reader             the snapshot to read, taken after the read was registered.
     * @param concurrencyManager the store's concurrency manager.
     */
    public TxnReader(final MvccReader reader, final ConcurrencyManager concurrencyManager) {
        this.reader = reader;
        this.concurrencyManager = concurrencyManager;
    }

    /**
     * Raises max ts and checks the memory lock of a key: call before taking the snapshot this reader reads.
     *
     * @throws TxnException.KeyLocked if an unapplied async-commit prewrite blocks the read.
     */
    public static void registerRead(final ConcurrencyManager cm, final byte[] userKey, final long ts) {
        cm.updateMaxTs(ts);
        cm.checkKey(TxnKeys.encode(userKey), ts);
    }

    /**
     * Raises max ts and checks the memory locks of a range: call before taking the snapshot this reader reads.
     *
     * @param endUserKey exclusive; {@code null} for no end.
     */
    public static void registerScan(
        final ConcurrencyManager cm, final byte[] startUserKey, final byte[] endUserKey, final long ts) {
        cm.updateMaxTs(ts);
        cm.checkRange(TxnKeys.encode(startUserKey), endUserKey == null ? null : TxnKeys.encode(endUserKey), ts);
    }

    /**
     * @return the value of the key at {@code ts}, or {@code null}.
     * @throws TxnException.KeyLocked if a lock blocks the read.
     */
    public byte[] get(final byte[] userKey, final long ts) {
        registerRead(concurrencyManager, userKey, ts);
        final byte[] key = TxnKeys.encode(userKey);
        final Lock lock = reader.loadLock(key);
        if (lock != null) {
            LockCheck.checkForRead(key, lock, ts);
        }
        return reader.get(key, ts);
    }

    /**
     * Scans {@code [startUserKey, endUserKey)} at {@code ts}.
     *
     * @param endUserKey exclusive; {@code null} for the end of the transactional space.
     * @param limit      the most pairs to return (0: no limit).
     * @param reverse    whether to scan from the end down.
     * @return pairs in scan order.
     * @throws TxnException.KeyLocked on the first key in scan order whose lock blocks the read.
     */
    public List<KvPair> scan(
        final byte[] startUserKey, final byte[] endUserKey, final long ts, final int limit, final boolean reverse) {
        registerScan(concurrencyManager, startUserKey, endUserKey, ts);
        final byte[] lower = TxnKeys.encode(startUserKey);
        final byte[] upper = endUserKey == null ? TxnKeys.SPACE_END : TxnKeys.encode(endUserKey);
        final List<KvPair> out = new ArrayList<>();
        try (KvCursor locks = reader.snapshot().cursor(ColumnFamily.LOCK, lower, upper);
            KvCursor writes = reader.snapshot().cursor(ColumnFamily.WRITE, lower, upper)) {
            if (reverse) {
                locks.seekToLast();
                writes.seekToLast();
            } else {
                locks.seekToFirst();
                writes.seekToFirst();
            }
            while (limit == 0 || out.size() < limit) {
                final byte[] lockKey = locks.valid() ? locks.key() : null;
                final byte[] writeKey = writes.valid() ? TxnKeys.stripTs(writes.key()) : null;
                if (lockKey == null && writeKey == null) {
                    break;
                }
                final byte[] key = pick(lockKey, writeKey, reverse);
                if (lockKey != null && Arrays.equals(lockKey, key)) {
                    LockCheck.checkForRead(key, Lock.decode(locks.value()), ts);
                    step(locks, reverse);
                }
                if (writeKey != null && Arrays.equals(writeKey, key)) {
                    final byte[] value = reader.get(key, ts);
                    if (value != null) {
                        out.add(new KvPair(TxnKeys.decode(key), value));
                    }
                    skipVersions(writes, key, reverse);
                }
            }
        }
        return out;
    }

    private static byte[] pick(final byte[] lockKey, final byte[] writeKey, final boolean reverse) {
        if (lockKey == null) {
            return writeKey;
        }
        if (writeKey == null) {
            return lockKey;
        }
        final int cmp = Arrays.compareUnsigned(lockKey, writeKey);
        return (reverse ? cmp >= 0 : cmp <= 0) ? lockKey : writeKey;
    }

    private static void step(final KvCursor cursor, final boolean reverse) {
        if (reverse) {
            cursor.prev();
        } else {
            cursor.next();
        }
    }

    /** Moves the write cursor past every version of {@code key}, in scan direction. */
    private static void skipVersions(final KvCursor writes, final byte[] key, final boolean reverse) {
        if (reverse) {
            // key ~(-1) = key 00*8 sorts before every version of key (timestamps are not negative).
            writes.seekForPrev(TxnKeys.withTs(key, -1));
        } else {
            // key ~0 = key FF*8 is the last possible version of key.
            writes.seek(TxnKeys.withTs(key, 0));
            if (writes.valid() && TxnKeys.isVersionOf(writes.key(), key)) {
                writes.next();
            }
        }
    }

    /**
     * A key and its value.
     *
     * @param key   the user key.
     * @param value the value.
     */
    public record KvPair(byte[] key, byte[] value) {
    }
}
