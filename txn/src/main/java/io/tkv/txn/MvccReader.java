package io.tkv.txn;

import io.tkv.storage.ColumnFamily;
import io.tkv.storage.KvCursor;
import io.tkv.storage.KvSnapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads MVCC data from one {@link KvSnapshot}, as TiKV's {@code MvccReader}: a key's lock, its versions by commit
 * ts, the value visible at a ts, and the record one transaction left. Keys are encoded keys ({@link TxnKeys}).
 * Keeps one write-CF cursor for the snapshot's life; one owner; close it before the snapshot.
 */
public final class MvccReader implements AutoCloseable {
    private final KvSnapshot snapshot;
    private KvCursor writeCursor;

    /**
     * @param snapshot the consistent view to read.
     */
    public MvccReader(final KvSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    /** @return the snapshot read. */
    public KvSnapshot snapshot() {
        return snapshot;
    }

    /**
     * @return the key's lock, or {@code null}.
     * @throws MalformedRecordException if the stored lock cannot be read.
     */
    public Lock loadLock(final byte[] key) {
        final byte[] bytes = snapshot.get(ColumnFamily.LOCK, key);
        return bytes == null ? null : Lock.decode(bytes);
    }

    /**
     * @return the newest write record of the key with commit ts {@code <= ts}, or {@code null}.
     */
    public WriteAt seekWrite(final byte[] key, final long ts) {
        final KvCursor cursor = writeCursor();
        cursor.seek(TxnKeys.withTs(key, ts));
        return currentWriteOf(cursor, key);
    }

    /**
     * Finds the data version visible at {@code ts}: skips LOCK and ROLLBACK records to the newest PUT or DELETE.
     *
     * @return the PUT or DELETE record, or {@code null} if there is none at or before {@code ts}.
     */
    public WriteAt getWrite(final byte[] key, final long ts) {
        final KvCursor cursor = writeCursor();
        cursor.seek(TxnKeys.withTs(key, ts));
        for (WriteAt at = currentWriteOf(cursor, key); at != null; at = currentWriteOf(cursor, key)) {
            if (at.write().type().isDataChange()) {
                return at;
            }
            cursor.next();
        }
        return null;
    }

    /**
     * @return the value of the key visible at {@code ts}, or {@code null} if none (never written, or deleted).
     * @throws IllegalStateException if a PUT's value is missing from the default CF (corruption).
     */
    public byte[] get(final byte[] key, final long ts) {
        final WriteAt at = getWrite(key, ts);
        if (at == null || at.write().type() == WriteType.DELETE) {
            return null;
        }
        return loadValue(key, at.write());
    }

    /**
     * @return the value a PUT record stands for: inline, or in the default CF at its start ts.
     */
    public byte[] loadValue(final byte[] key, final Write put) {
        if (put.shortValue() != null) {
            return put.shortValue();
        }
        final byte[] value = snapshot.get(ColumnFamily.DEFAULT, TxnKeys.withTs(key, put.startTs()));
        if (value == null) {
            throw new IllegalStateException(
                "value of " + put + " missing from the default CF for key " + java.util.Arrays.toString(key));
        }
        return value;
    }

    /**
     * Looks for the record the transaction that started at {@code startTs} left on the key: the versions with a
     * commit ts at or above {@code startTs}, newest first, as TiKV's {@code get_txn_commit_record}.
     */
    public TxnCommitRecord getTxnCommitRecord(final byte[] key, final long startTs) {
        final KvCursor cursor = writeCursor();
        cursor.seek(TxnKeys.withTs(key, Long.MAX_VALUE));
        WriteAt overlapped = null;
        for (WriteAt at = currentWriteOf(cursor, key); at != null && at.commitTs() >= startTs;
            at = currentWriteOf(cursor, key)) {
            if (at.write().startTs() == startTs) {
                return new TxnCommitRecord(TxnCommitRecord.Kind.SINGLE_RECORD, at, null);
            }
            if (at.commitTs() == startTs) {
                if (at.write().hasOverlappedRollback()) {
                    return new TxnCommitRecord(TxnCommitRecord.Kind.OVERLAPPED_ROLLBACK, at, null);
                }
                overlapped = at;
            }
            cursor.next();
        }
        return new TxnCommitRecord(TxnCommitRecord.Kind.NONE, null, overlapped);
    }

    /**
     * Lists the locks in {@code [startKey, endKey)} that started at or before {@code maxTs}, as TiKV's
     * {@code scan_locks}.
     *
     * @param endKey exclusive; {@code null} for the end of the transactional space.
     * @param limit  the most locks to return (0: no limit).
     * @return pairs of encoded key and lock, in key order.
     */
    public List<KeyLock> scanLocks(final byte[] startKey, final byte[] endKey, final long maxTs, final int limit) {
        final List<KeyLock> locks = new ArrayList<>();
        try (KvCursor cursor = snapshot.cursor(
            ColumnFamily.LOCK, startKey, endKey == null ? TxnKeys.SPACE_END : endKey)) {
            for (cursor.seekToFirst(); cursor.valid() && (limit == 0 || locks.size() < limit); cursor.next()) {
                final Lock lock = Lock.decode(cursor.value());
                if (lock.startTs() <= maxTs) {
                    locks.add(new KeyLock(cursor.key(), lock));
                }
            }
        }
        return locks;
    }

    /**
     * An encoded key and its lock.
     *
     * @param key  the encoded key.
     * @param lock its lock.
     */
    public record KeyLock(byte[] key, Lock lock) {
    }

    private static WriteAt currentWriteOf(final KvCursor cursor, final byte[] key) {
        if (!cursor.valid()) {
            return null;
        }
        final byte[] versionKey = cursor.key();
        if (!TxnKeys.isVersionOf(versionKey, key)) {
            return null;
        }
        return new WriteAt(TxnKeys.ts(versionKey), Write.decode(cursor.value()));
    }

    private KvCursor writeCursor() {
        if (writeCursor == null) {
            writeCursor = snapshot.cursor(ColumnFamily.WRITE, TxnKeys.SPACE_START, TxnKeys.SPACE_END);
        }
        return writeCursor;
    }

    @Override
    public void close() {
        if (writeCursor != null) {
            writeCursor.close();
            writeCursor = null;
        }
    }
}
