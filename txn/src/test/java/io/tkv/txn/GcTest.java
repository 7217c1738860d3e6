package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tkv.storage.ColumnFamily;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** GC of one key and of a range, after TiKV's {@code actions/gc.rs} tests, on a real RocksDB. */
class GcTest extends MvccTestSupport {
    private static final String LONG = "l".repeat(Lock.SHORT_VALUE_MAX_LENGTH + 1);

    void gc(final String key, final long safePoint) {
        assertTrue(runFlag(0, (txn, reader) -> Gc.gcKey(txn, reader, TxnKeys.encode(b(key)), safePoint,
            Gc.DEFAULT_MAX_WRITE_BYTES)));
    }

    GcBatch collect(final String start, final String end, final long safePoint, final int maxKeys,
        final int maxBytes) {
        return collectEncoded(start == null ? null : TxnKeys.encode(b(start)), end, safePoint, maxKeys, maxBytes);
    }

    GcBatch collectEncoded(final byte[] start, final String end, final long safePoint, final int maxKeys,
        final int maxBytes) {
        return run(0, (txn, reader) -> Gc.collect(txn, reader, start, end == null ? null : TxnKeys.encode(b(end)),
            safePoint, maxKeys, maxBytes));
    }

    void put(final String key, final String value, final long startTs, final long commitTs) {
        prewritePut(key, value, key, startTs);
        commit(key, startTs, commitTs);
    }

    void delete(final String key, final long startTs, final long commitTs) {
        prewrite(Mutation.delete(b(key)), key, startTs);
        commit(key, startTs, commitTs);
    }

    void lockRecord(final String key, final long startTs, final long commitTs) {
        prewrite(Mutation.lock(b(key)), key, startTs);
        commit(key, startTs, commitTs);
    }

    byte[] defaultValue(final String key, final long startTs) {
        return read((txn, reader) -> reader.snapshot().get(ColumnFamily.DEFAULT,
            TxnKeys.withTs(TxnKeys.encode(b(key)), startTs)));
    }

    /** TiKV's {@code test_gc_imp}: a key's history, collected under rising safe points. */
    private void shouldKeepWhatReadersAtTheSafePointSee(final String k, final String v1, final String v2,
        final String v3, final String v4) {
        put(k, v1, 5, 10);
        put(k, v2, 15, 20);
        delete(k, 25, 30);
        put(k, v3, 35, 40);
        lockRecord(k, 45, 50);
        prewritePut(k, v4, k, 55);
        rollback(k, 55);

        gc(k, 12);
        assertValue(v1, k, 12);
        gc(k, 22);
        assertValue(v2, k, 22);
        assertValue(null, k, 12);
        assertNull(writeAt(k, 10));
        gc(k, 32);
        assertValue(null, k, 22);
        assertValue(null, k, 35);
        // The delete went with everything older.
        assertNull(writeAt(k, 30));
        assertNull(writeAt(k, 20));
        gc(k, 60);
        assertValue(v3, k, 62);
        // The LOCK and ROLLBACK above the newest PUT are gone; the PUT stays.
        assertNull(writeAt(k, 50));
        assertNull(writeAt(k, 55));
        assertWritten(k, 35, 40, WriteType.PUT);
    }

    @Test
    void shouldCollectShortValues() {
        shouldKeepWhatReadersAtTheSafePointSee("k1", "v1", "v2", "v3", "v4");
    }

    @Test
    void shouldCollectLongValuesWithTheirDefaultCfValue() {
        shouldKeepWhatReadersAtTheSafePointSee("k2", "x" + LONG, "y" + LONG, "z" + LONG, "v" + LONG);
        assertNull(defaultValue("k2", 5));
        assertNull(defaultValue("k2", 15));
        assertNull(defaultValue("k2", 55));
        assertNotNull(defaultValue("k2", 35));
    }

    @Test
    void shouldNotTouchVersionsAboveTheSafePoint() {
        put("k", LONG, 5, 10);
        put("k", "b", 15, 20);
        rollback("k", 25);
        delete("k", 30, 35);
        gc("k", 19);
        // Only the newest PUT at or below 19 and what is above remain.
        assertWritten("k", 5, 10, WriteType.PUT);
        assertWritten("k", 15, 20, WriteType.PUT);
        assertEquals(WriteType.ROLLBACK, writeAt("k", 25).type());
        assertWritten("k", 30, 35, WriteType.DELETE);
        assertValue(LONG, "k", 19);
        assertNotNull(defaultValue("k", 5));
    }

    @Test
    void shouldDeleteRollbacksAndLockRecordsButNotTheNewestPut() {
        put("k", "v", 5, 10);
        rollback("k", 12);
        // A protected rollback at or below the safe point guards nothing any more: deleted as TiKV does.
        run(13, (txn, reader) -> {
            Rollback.cleanup(txn, reader, b("k"), 0, true);
            return null;
        });
        assertTrue(writeAt("k", 13).isProtected());
        lockRecord("k", 14, 15);
        rollback("k", 30);
        gc("k", 20);
        assertNull(writeAt("k", 12));
        assertNull(writeAt("k", 13));
        assertNull(writeAt("k", 15));
        assertWritten("k", 5, 10, WriteType.PUT);
        // Above the safe point: kept.
        assertEquals(WriteType.ROLLBACK, writeAt("k", 30).type());
        assertValue("v", "k", 20);
    }

    @Test
    void shouldDeleteAKeyOfOnlyRollbacksAndLocks() {
        rollback("k", 5);
        lockRecord("k", 6, 7);
        gc("k", 10);
        assertNull(writeAt("k", 5));
        assertNull(writeAt("k", 7));
    }

    @Test
    void shouldKeepTheTombstoneUntilEverythingOlderIsGone() {
        for (int i = 0; i < 10; i++) {
            put("k", LONG + i, 10 * i + 1, 10 * i + 2);
        }
        delete("k", 101, 102);
        final byte[] key = TxnKeys.encode(b("k"));
        // A budget of one delete a step: the tombstone stays while older versions are left.
        int steps = 0;
        boolean complete = false;
        while (!complete) {
            complete = runFlag(0, (txn, reader) -> Gc.gcKey(txn, reader, key, 200, 1));
            steps++;
            if (!complete) {
                assertWritten("k", 101, 102, WriteType.DELETE);
                assertValue(null, "k", 200);
                assertValue(null, "k", 150);
            }
        }
        // One step per older version; the last also takes the tombstone.
        assertEquals(10, steps);
        assertNull(writeAt("k", 102));
        for (int i = 0; i < 10; i++) {
            assertNull(writeAt("k", 10 * i + 2));
            assertNull(defaultValue("k", 10 * i + 1));
        }
    }

    @Test
    void shouldResumeARangeWhereTheBatchStopped() {
        for (int k = 0; k < 7; k++) {
            final String key = "k" + k;
            put(key, "old" + k, 1, 2);
            put(key, LONG + k, 3, 4);
            put(key, "new" + k, 30, 31);
        }
        put("a", "outside", 1, 2);
        put("a", "outside2", 3, 4);
        put("z", "outside", 1, 2);
        put("z", "outside2", 3, 4);

        final List<Integer> keysPerBatch = new ArrayList<>();
        byte[] next = TxnKeys.encode(b("k"));
        int deleted = 0;
        while (next != null) {
            final GcBatch batch = collectEncoded(next, "m", 10, 3, Gc.DEFAULT_MAX_WRITE_BYTES);
            keysPerBatch.add(batch.keys());
            deleted += batch.deletedVersions();
            next = batch.nextKey();
        }
        assertEquals(List.of(3, 3, 1), keysPerBatch);
        assertEquals(7, deleted);
        for (int k = 0; k < 7; k++) {
            assertNull(writeAt("k" + k, 2));
            assertValue(LONG + k, "k" + k, 10);
            assertValue("new" + k, "k" + k, 40);
        }
        // Outside the range: untouched.
        assertWritten("a", 1, 2, WriteType.PUT);
        assertWritten("z", 1, 2, WriteType.PUT);
    }

    @Test
    void shouldFindNothingInARegionOutsideTheTransactionalSpace() {
        put("k", "old", 1, 2);
        put("k", "new", 3, 4);
        // A RawKV region ['r', 's'): no transactional key there.
        final GcBatch raw = run(0, (txn, reader) -> Gc.collect(txn, reader, new byte[] {'r'}, new byte[] {'s'}, 10,
            10, 1024));
        assertTrue(raw.done());
        assertEquals(0, raw.keys());
        // A region spanning both spaces takes the transactional part.
        final GcBatch all = run(0, (txn, reader) -> Gc.collect(txn, reader, new byte[0], new byte[0], 10, 10, 1024));
        assertTrue(all.done());
        assertEquals(1, all.keys());
        assertNull(writeAt("k", 2));
    }

    @Test
    void shouldStopABatchOnItsWriteBudgetAndGoOnInTheSameKey() {
        for (int i = 0; i < 20; i++) {
            put("k", LONG + i, 10 * i + 1, 10 * i + 2);
        }
        put("m", "v", 1, 2);
        put("m", "w", 3, 4);
        final GcBatch first = collect("k", null, 1_000, 100, 100);
        assertFalse(first.done());
        assertEquals(1, first.keys());
        assertEquals(TxnKeys.encode(b("k")).length, first.nextKey().length);
        int batches = 1;
        GcBatch batch = first;
        while (!batch.done()) {
            batch = collectEncoded(batch.nextKey(), null, 1_000, 100, 100);
            batches++;
        }
        assertTrue(batches > 2, "batches " + batches);
        assertValue(LONG + 19, "k", 1_000);
        assertNull(writeAt("k", 2));
        assertNull(writeAt("m", 2));
        assertValue("w", "m", 1_000);
    }

    @Test
    void shouldLeaveReadsAtOrAboveTheSafePointUnchanged() {
        final SplittableRandom random = new SplittableRandom(42);
        final String[] keys = {"a", "b", "c", "d", "e", "f"};
        long ts = 1;
        for (int i = 0; i < 120; i++) {
            final String key = keys[random.nextInt(keys.length)];
            final long startTs = ts++;
            switch (random.nextInt(5)) {
                case 0, 1 -> put(key, (random.nextBoolean() ? LONG : "s") + i, startTs, ts++);
                case 2 -> delete(key, startTs, ts++);
                case 3 -> lockRecord(key, startTs, ts++);
                default -> rollback(key, startTs);
            }
        }
        final long maxTs = ts + 1;
        for (final long safePoint : new long[] {maxTs / 4, maxTs / 2, maxTs - 10, maxTs}) {
            final Map<String, String> before = new HashMap<>();
            for (final String key : keys) {
                for (long at = safePoint; at <= maxTs; at++) {
                    final byte[] value = get(key, at);
                    before.put(key + "@" + at, value == null ? null : s(value));
                }
            }
            byte[] next = TxnKeys.SPACE_START;
            while (next != null) {
                next = collectEncoded(next, null, safePoint, 2, 300).nextKey();
            }
            for (final String key : keys) {
                for (long at = safePoint; at <= maxTs; at++) {
                    assertValue(before.get(key + "@" + at), key, at);
                }
                // At most one data version at or below the safe point survives, and nothing else there.
                final int kept = read((txn, reader) -> {
                    int count = 0;
                    for (WriteAt w = reader.seekWrite(TxnKeys.encode(b(key)), safePoint); w != null;
                        w = w.commitTs() == 0 ? null : reader.seekWrite(TxnKeys.encode(b(key)), w.commitTs() - 1)) {
                        assertEquals(WriteType.PUT, w.write().type(), key + " keeps " + w);
                        count++;
                    }
                    return count;
                });
                assertTrue(kept <= 1, key + " keeps " + kept + " versions at or below " + safePoint);
            }
        }
    }
}
