package io.tkv.txn;

import io.tkv.storage.ColumnFamily;
import io.tkv.storage.KvCursor;

import java.util.Arrays;

/**
 * MVCC garbage collection under a safe point, as TiKV's {@code actions/gc.rs}: deletes every version no reader at a
 * ts at or above the safe point can see, and stages the deletes in an {@link MvccTxn} (it never writes; the store
 * proposes them through Raft like any command's write batch).
 *
 * <p><b>The rule, per key</b>, over its write records at or below the safe point, newest first (records above it are
 * never touched):
 * <ul>
 * <li>LOCK and ROLLBACK records before the first PUT or DELETE are deleted: a reader skips them anyway, and a
 * transaction whose start ts is at or below the safe point cannot commit any more (its locks were resolved before
 * GC, and a prewrite that old must be refused), so a rollback there guards nothing, protected or not, and neither does
 * an overlapped-rollback flag on a record deleted.</li>
 * <li>The newest PUT is kept (a reader at the safe point sees it), and every record older than it is deleted.</li>
 * <li>A DELETE is deleted together with everything older, but <em>last</em>: if a batch stops in the middle of the
 * key, the DELETE still hides the older versions that are left, so no reader ever sees a deleted value come back.</li>
 * <li>A PUT deleted whose value is not inlined takes its {@code default} CF value at its start ts with it.</li>
 * </ul>
 * A reader at exactly the safe point (or later) reads the same before and after: it stops at the newest PUT or DELETE
 * at or below it, which is kept, or deleted with everything older (then it reads nothing, as before).
 *
 * <p><b>Bounded steps.</b> {@link #collect} takes at most {@code maxKeys} keys of a range and about
 * {@code maxWriteBytes} of deletes, and says where to go on ({@link GcBatch#nextKey()}): the key it stopped in (its
 * remaining versions are found again from the next snapshot, which has this batch applied; deleting a version twice
 * is harmless) or the key after the last one finished. Reads are bounded as well: the versions above the safe point
 * are skipped with one seek, and every other version read is deleted but for the newest PUT.
 */
public final class Gc {
    /** Keys one batch takes at most, as TiKV's {@code gc.batch-keys}. */
    public static final int DEFAULT_BATCH_KEYS = 512;
    /** Bytes of deletes one batch stages at most (about), as TiKV's {@code MAX_TXN_WRITE_SIZE}. */
    public static final int DEFAULT_MAX_WRITE_BYTES = 32 * 1024;
    /** Bytes a delete costs in a write batch beyond its key: op, CF and the key's length. */
    private static final int DELETE_OVERHEAD_BYTES = 4;

    private Gc() {
    }

    /** What a run over one key did. */
    private static final class KeyRun {
        private int writeBytes;
        private int deletedVersions;
        private boolean complete;
    }

    /**
     * Collects one key.
     *
     * @param key           the encoded key.
     * @param safePoint     the GC safe point; records at or below it are collected.
     * @param maxWriteBytes stop before a delete once this many bytes are staged (the first delete always goes).
     * @return whether the key is finished (false: stopped on the budget; run it again on a newer snapshot).
     */
    public static boolean gcKey(final MvccTxn txn, final MvccReader reader, final byte[] key, final long safePoint,
        final int maxWriteBytes) {
        return run(txn, reader, key, safePoint, 0, maxWriteBytes).complete;
    }

    private static KeyRun run(final MvccTxn txn, final MvccReader reader, final byte[] key, final long safePoint,
        final int usedBytes, final int maxWriteBytes) {
        final KeyRun out = new KeyRun();
        out.writeBytes = usedBytes;
        boolean removeAll = false;
        WriteAt pendingDelete = null;
        // Straight to the newest record at or below the safe point: what is above is kept and need not be read.
        for (WriteAt at = reader.seekWrite(key, safePoint); at != null;
            at = at.commitTs() == 0 ? null : reader.seekWrite(key, at.commitTs() - 1)) {
            if (out.writeBytes >= maxWriteBytes && out.writeBytes > usedBytes) {
                return out;
            }
            if (removeAll) {
                delete(txn, key, at, out);
                continue;
            }
            switch (at.write().type()) {
                case PUT -> removeAll = true;
                case DELETE -> {
                    removeAll = true;
                    pendingDelete = at;
                }
                case LOCK, ROLLBACK -> delete(txn, key, at, out);
                default -> throw new IllegalStateException("unknown write type " + at.write().type());
            }
        }
        if (pendingDelete != null) {
            delete(txn, key, pendingDelete, out);
        }
        out.complete = true;
        return out;
    }

    private static void delete(final MvccTxn txn, final byte[] key, final WriteAt at, final KeyRun out) {
        txn.deleteWrite(key, at.commitTs());
        out.writeBytes += key.length + TxnKeys.TS_LENGTH + DELETE_OVERHEAD_BYTES;
        if (at.write().type() == WriteType.PUT && at.write().shortValue() == null) {
            txn.deleteValue(key, at.write().startTs());
            out.writeBytes += key.length + TxnKeys.TS_LENGTH + DELETE_OVERHEAD_BYTES;
        }
        out.deletedVersions++;
    }

    /**
     * Collects one bounded batch of a range: the keys with write records in {@code [startKey, endKey)} (stored keys, as
     * a region's bounds; clipped to the transactional space), in key order, from {@code startKey}.
     *
     * @param txn           where the deletes are staged.
     * @param reader        the reader over a snapshot of the range.
     * @param startKey      where to start (a region's start key, or the previous batch's {@link GcBatch#nextKey()}).
     * @param endKey        the exclusive end; empty or {@code null} for no end.
     * @param safePoint     the GC safe point.
     * @param maxKeys       the most keys to look at, at least 1.
     * @param maxWriteBytes about the most bytes of deletes to stage, at least 1.
     * @return what was staged, and where to go on.
     */
    public static GcBatch collect(final MvccTxn txn, final MvccReader reader, final byte[] startKey,
        final byte[] endKey, final long safePoint, final int maxKeys, final int maxWriteBytes) {
        if (maxKeys < 1 || maxWriteBytes < 1) {
            throw new IllegalArgumentException("GC batch of " + maxKeys + " keys, " + maxWriteBytes + " bytes");
        }
        final byte[] lower = max(startKey, TxnKeys.SPACE_START);
        final byte[] upper = endKey == null || endKey.length == 0 ? TxnKeys.SPACE_END : min(endKey, TxnKeys.SPACE_END);
        if (Arrays.compareUnsigned(lower, upper) >= 0) {
            return new GcBatch(0, 0, null);
        }
        int keys = 0;
        int deleted = 0;
        int bytes = 0;
        try (KvCursor cursor = reader.snapshot().cursor(ColumnFamily.WRITE, lower, upper)) {
            cursor.seek(lower);
            while (cursor.valid()) {
                final byte[] versionKey = cursor.key();
                if (versionKey.length <= TxnKeys.TS_LENGTH + 1) {
                    // Not a version key: nothing GC can reason about.
                    cursor.next();
                    continue;
                }
                final byte[] key = TxnKeys.stripTs(versionKey);
                if (keys == maxKeys || bytes >= maxWriteBytes) {
                    return new GcBatch(keys, deleted, key);
                }
                final KeyRun run = run(txn, reader, key, safePoint, bytes, maxWriteBytes);
                keys++;
                deleted += run.deletedVersions;
                bytes = run.writeBytes;
                if (!run.complete) {
                    return new GcBatch(keys, deleted, key);
                }
                // Past this key's oldest possible version (ts 0 sorts last), onto the next key's newest.
                cursor.seek(TxnKeys.withTs(key, 0));
                if (cursor.valid() && TxnKeys.isVersionOf(cursor.key(), key)) {
                    cursor.next();
                }
            }
        }
        return new GcBatch(keys, deleted, null);
    }

    private static byte[] max(final byte[] a, final byte[] b) {
        return a == null || Arrays.compareUnsigned(a, b) < 0 ? b : a;
    }

    private static byte[] min(final byte[] a, final byte[] b) {
        return Arrays.compareUnsigned(a, b) < 0 ? a : b;
    }
}
