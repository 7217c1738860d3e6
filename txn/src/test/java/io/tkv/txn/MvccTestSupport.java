package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tkv.codec.keys.Timestamps;
import io.tkv.storage.EngineSnapshot;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real RocksDB in a temporary directory and TiKV-style {@code must...} helpers: each runs one action on a fresh
 * snapshot and applies what it staged in one write batch, as the server will through Raft.
 */
abstract class MvccTestSupport {
    @TempDir
    Path dataDir;

    StorageEngine engine;
    ConcurrencyManager cm;

    /** One action over a snapshot, staging into a txn. */
    interface Action<T> {
        T run(MvccTxn txn, MvccReader reader);
    }

    @BeforeEach
    void openEngine() {
        engine = StorageEngine.open(new StorageConfig()
            .dataDir(dataDir)
            .blockCacheBytes(8L * 1024 * 1024)
            .writeBufferBytes(4L * 1024 * 1024));
        cm = new ConcurrencyManager(1);
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    <T> T run(final long startTs, final Action<T> action) {
        try (EngineSnapshot snapshot = new EngineSnapshot(engine); MvccReader reader = new MvccReader(snapshot)) {
            final MvccTxn txn = new MvccTxn(startTs, cm);
            final T result = action.run(txn, reader);
            txn.applyTo(engine);
            return result;
        }
    }

    boolean runFlag(final long startTs, final Action<Boolean> action) {
        return run(startTs, action);
    }

    <E extends TxnException> E fail(final Class<E> type, final long startTs, final Action<?> action) {
        try (EngineSnapshot snapshot = new EngineSnapshot(engine); MvccReader reader = new MvccReader(snapshot)) {
            final MvccTxn txn = new MvccTxn(startTs, cm);
            try {
                return assertThrows(type, () -> action.run(txn, reader));
            } finally {
                txn.releaseGuards();
            }
        }
    }

    <T> T read(final Action<T> action) {
        try (EngineSnapshot snapshot = new EngineSnapshot(engine); MvccReader reader = new MvccReader(snapshot)) {
            return action.run(new MvccTxn(0, cm), reader);
        }
    }

    // ---- prewrite and commit

    void prewritePut(final String key, final String value, final String primary, final long ts) {
        prewrite(Mutation.put(b(key), b(value)), primary, ts);
    }

    void prewrite(final Mutation mutation, final String primary, final long ts) {
        run(ts, (txn, reader) -> Prewrite.prewrite(txn, reader, props(primary, ts), mutation, null, false));
    }

    static TxnProps props(final String primary, final long ts) {
        return TxnProps.optimistic(b(primary), ts, 3_000);
    }

    <E extends TxnException> E prewriteFails(
        final Class<E> type, final Mutation mutation, final String primary, final long ts) {
        return fail(type, ts,
            (txn, reader) -> Prewrite.prewrite(txn, reader, props(primary, ts), mutation, null, false));
    }

    void commit(final String key, final long startTs, final long commitTs) {
        run(startTs, (txn, reader) -> Commit.commit(txn, reader, b(key), commitTs));
    }

    <E extends TxnException> E commitFails(
        final Class<E> type, final String key, final long startTs, final long commitTs) {
        return fail(type, startTs, (txn, reader) -> Commit.commit(txn, reader, b(key), commitTs));
    }

    void rollback(final String key, final long startTs) {
        run(startTs, (txn, reader) -> {
            Rollback.rollback(txn, reader, b(key));
            return null;
        });
    }

    // ---- reads and checks

    byte[] get(final String key, final long ts) {
        TxnReader.registerRead(cm, b(key), ts);
        return read((txn, reader) -> new TxnReader(reader, cm).get(b(key), ts));
    }

    void assertValue(final String expected, final String key, final long ts) {
        final byte[] value = get(key, ts);
        if (expected == null) {
            assertNull(value, key + "@" + ts);
        } else {
            assertNotNull(value, key + "@" + ts);
            assertEquals(expected, s(value), key + "@" + ts);
        }
    }

    List<TxnReader.KvPair> scan(final String start, final String end, final long ts, final boolean reverse) {
        final byte[] endKey = end == null ? null : b(end);
        TxnReader.registerScan(cm, b(start), endKey, ts);
        return read((txn, reader) -> new TxnReader(reader, cm).scan(b(start), endKey, ts, 0, reverse));
    }

    Lock lockOf(final String key) {
        return read((txn, reader) -> reader.loadLock(TxnKeys.encode(b(key))));
    }

    Lock assertLocked(final String key, final long startTs) {
        final Lock lock = lockOf(key);
        assertNotNull(lock, key + " not locked");
        assertEquals(startTs, lock.startTs());
        return lock;
    }

    void assertUnlocked(final String key) {
        assertNull(lockOf(key), key + " locked");
    }

    Write writeAt(final String key, final long commitTs) {
        final WriteAt at = read((txn, reader) -> reader.seekWrite(TxnKeys.encode(b(key)), commitTs));
        return at != null && at.commitTs() == commitTs ? at.write() : null;
    }

    void assertWritten(final String key, final long startTs, final long commitTs, final WriteType type) {
        final Write write = writeAt(key, commitTs);
        assertNotNull(write, key + " has no write at " + commitTs);
        assertEquals(type, write.type());
        assertEquals(startTs, write.startTs());
    }

    void assertRolledBack(final String key, final long startTs) {
        final TxnCommitRecord record =
            read((txn, reader) -> reader.getTxnCommitRecord(TxnKeys.encode(b(key)), startTs));
        assertEquals(true, record.isRolledBack(), key + " not rolled back at " + startTs + ": " + record);
    }

    static long ts(final long physicalMs, final long logical) {
        return Timestamps.compose(physicalMs, logical);
    }

    static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(final byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static void assertBytes(final String expected, final byte[] actual) {
        assertArrayEquals(b(expected), actual);
    }
}
