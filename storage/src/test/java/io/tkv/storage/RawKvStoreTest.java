package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

class RawKvStoreTest extends RawKvTestSupport {
    @Test
    void shouldReturnValueAfterPut() {
        put("k1", "v1");
        assertEquals("v1", get("k1"));
    }

    @Test
    void shouldReturnMinusOneForAbsentKey() {
        final UnsafeBuffer key = buf("missing");
        valueOut.putStringWithoutLengthAscii(0, "untouched");
        assertEquals(-1, store.get(key, 0, key.capacity(), valueOut));
        assertEquals("untouched", valueOut.getStringWithoutLengthAscii(0, 9));
    }

    @Test
    void shouldOverwriteExistingValue() {
        put("k", "first");
        put("k", "second-and-longer");
        put("k", "3");
        assertEquals("3", get("k"));
    }

    @Test
    void shouldDeleteKey() {
        put("k", "v");
        delete("k");
        assertNull(get("k"));
    }

    @Test
    void shouldDeleteAbsentKeyWithoutError() {
        delete("never-written");
        assertNull(get("never-written"));
    }

    @Test
    void shouldStoreEmptyValueAsPresent() {
        put("k", "");
        assertEquals("", get("k"));
        assertEquals(List.of("k="), scanAll());
    }

    @Test
    void shouldStoreBinaryKeysAndValuesWithZeroAndFfBytes() {
        final byte[][] keys = {{0x00}, {0x00, 0x00}, {(byte)0xFF}, {(byte)0xFF, 0x00}, {0x01, (byte)0xFF, 0x00}};
        for (int i = 0; i < keys.length; i++) {
            put(keys[i], new byte[] {(byte)0xFF, 0x00, (byte)i}, 0);
        }
        for (int i = 0; i < keys.length; i++) {
            assertArrayEquals(new byte[] {(byte)0xFF, 0x00, (byte)i}, getBytes(keys[i]));
        }
        assertNull(getBytes(new byte[] {0x00, 0x00, 0x00}));
    }

    @Test
    void shouldAcceptKeyAndValueSlicesAtOffsetsOfHeapAndDirectBuffers() {
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        frame.putStringWithoutLengthAscii(0, "xxKEYyyVALUEzz");
        store.put(frame, 2, 3, frame, 7, 5, 0);
        assertEquals("VALUE", get("KEY"));

        final UnsafeBuffer heap = buf("--key2--value2");
        store.put(heap, 2, 4, heap, 8, 6, 0);
        assertEquals("value2", get("key2"));
        assertEquals(6, store.get(heap, 2, 4, valueOut));
    }

    @Test
    void shouldReadValuesLargerThanTheInternalBuffers() {
        final byte[] key = new byte[3000];
        final byte[] value = new byte[300_000];
        new Random(42).nextBytes(key);
        new Random(43).nextBytes(value);
        put(key, value, 0);
        assertArrayEquals(value, getBytes(key));

        final int[] seen = new int[2];
        store.scan(EMPTY, 0, 0, EMPTY, 0, 0, 10, false, false, (k, ko, kl, v, vo, vl) -> {
            seen[0] = kl;
            seen[1] = vl;
            return true;
        });
        assertArrayEquals(new int[] {key.length, value.length}, seen);
    }

    @Test
    void shouldHideExpiredValueFromGet() {
        put("k", "v", 10);
        clock.advance(9_999);
        assertEquals("v", get("k"));
        clock.advance(1);
        assertNull(get("k"));
    }

    @Test
    void shouldKeepValueWithoutTtlForever() {
        put("k", "v", 0);
        clock.update(Long.MAX_VALUE - 1);
        assertEquals("v", get("k"));
    }

    @Test
    void shouldClearTtlWhenOverwrittenWithoutTtl() {
        put("k", "v1", 1);
        put("k", "v2", 0);
        clock.advance(5_000);
        assertEquals("v2", get("k"));
    }

    @Test
    void shouldSaturateHugeTtlInsteadOfOverflowing() {
        put("k", "v", Long.MAX_VALUE);
        clock.advance(365L * 24 * 3600 * 1000);
        assertEquals("v", get("k"));
    }

    @Test
    void shouldRejectNegativeTtl() {
        assertThrows(IllegalArgumentException.class, () -> put("k", "v", -1));
        assertNull(get("k"));
    }

    @Test
    void shouldMakeBatchVisibleOnlyOnCommit() {
        store.beginBatch();
        stagePut("a", "1", 0);
        stagePut("b", "2", 0);
        stagePut("c", "3", 0);
        assertEquals(3, store.stagedCount());
        assertNull(get("a"));
        assertEquals(List.of(), scanAll());

        store.commitBatch();
        assertEquals(List.of("a=1", "b=2", "c=3"), scanAll());
        assertEquals(0, store.stagedCount());
    }

    @Test
    void shouldDiscardAbortedBatch() {
        store.beginBatch();
        stagePut("a", "1", 0);
        store.abortBatch();
        put("b", "2");
        assertEquals(List.of("b=2"), scanAll());
    }

    @Test
    void shouldApplyOneTtlToEveryPairOfBatch() {
        store.beginBatch();
        stagePut("a", "1", 5);
        clock.advance(2_000);
        stagePut("b", "2", 5);
        store.commitBatch();
        clock.advance(2_999);
        assertEquals(List.of("a=1", "b=2"), scanAll());
        clock.advance(1);
        assertEquals(List.of(), scanAll());
    }

    @Test
    void shouldDeleteKeysInBatch() {
        put("a", "1");
        put("b", "2");
        put("c", "3");
        store.beginBatch();
        stageDelete("a");
        stageDelete("c");
        stageDelete("absent");
        assertEquals(List.of("a=1", "b=2", "c=3"), scanAll());
        store.commitBatch();
        assertEquals(List.of("b=2"), scanAll());
    }

    @Test
    void shouldApplyBatchOperationsInStagedOrder() {
        put("x", "old");
        store.beginBatch();
        stagePut("x", "new", 0);
        stageDelete("x");
        stageDelete("y");
        stagePut("y", "kept", 0);
        store.commitBatch();
        assertNull(get("x"));
        assertEquals("kept", get("y"));
    }

    @Test
    void shouldRejectMisuseOfBatches() {
        assertThrows(IllegalStateException.class, () -> stagePut("a", "1", 0));
        assertThrows(IllegalStateException.class, () -> store.commitBatch());
        store.beginBatch();
        assertThrows(IllegalStateException.class, () -> store.beginBatch());
        assertThrows(IllegalStateException.class, () -> put("b", "2"));
        assertThrows(IllegalStateException.class, () -> delete("b"));
        assertThrows(IllegalStateException.class, () -> deleteRange("a", "z"));
        store.abortBatch();
        put("b", "2");
        assertEquals("2", get("b"));
    }

    @Test
    void shouldAbortWholeBatchWhenStagingFails() {
        store.beginBatch();
        stagePut("a", "1", 0);
        assertThrows(IllegalArgumentException.class, () -> stagePut("b", "2", -1));
        assertEquals(0, store.stagedCount());
        assertThrows(IllegalStateException.class, () -> store.commitBatch());
        assertEquals(List.of(), scanAll());
        put("c", "3");
        assertEquals(List.of("c=3"), scanAll());
    }

    @Test
    void shouldStoreRawKeysUnderPrefixInDefaultColumnFamily() throws RocksDBException {
        put("k", "v", 0);
        final byte[] stored = engine.db().get(engine.handle(ColumnFamily.DEFAULT), bytes("rk"));
        assertArrayEquals(new byte[] {0, 'v'}, stored);
        assertNull(engine.db().get(engine.handle(ColumnFamily.DEFAULT), bytes("k")));
    }

    @Test
    void shouldNotExposeRawDataInOtherColumnFamilies() {
        put("k", "v");
        for (final ColumnFamily family : List.of(ColumnFamily.LOCK, ColumnFamily.WRITE, ColumnFamily.RAFT)) {
            try (RocksIterator it = engine.db().newIterator(engine.handle(family))) {
                it.seekToFirst();
                assertTrue(!it.isValid(), "no raw data in CF " + family.cfName());
            }
        }
    }

    @Test
    void shouldKeepDataAcrossReopenAfterSyncWal() {
        put("a", "1");
        put("b", "2", 10);
        delete("a");
        engine.syncWal();
        reopen();
        assertNull(get("a"));
        assertEquals("2", get("b"));
        clock.advance(10_000);
        assertNull(get("b"));
    }

    @Test
    void shouldKeepDataAcrossReopenWithoutExplicitSync() {
        put("a", "1");
        reopen();
        assertEquals("1", get("a"));
    }

    @Test
    void shouldFailCleanlyWhenUsedAfterEngineClosed() {
        put("k", "v");
        engine.close();
        assertThrows(StorageException.class, () -> get("k"));
        assertThrows(StorageException.class, () -> put("k", "v2"));
        assertThrows(StorageException.class, () -> scanAll());
        assertThrows(StorageException.class, () -> delete("k"));
        assertThrows(StorageException.class, () -> deleteRange("a", ""));
        store.beginBatch();
        assertThrows(StorageException.class, () -> stagePut("k", "v", 0));
        assertEquals(0, store.stagedCount());
    }

    @Test
    void shouldRefuseValueWithUnknownFlags() throws RocksDBException {
        engine.db().put(engine.handle(ColumnFamily.DEFAULT), bytes("rk"), new byte[] {(byte)0x80, 'v'});
        assertThrows(StorageException.class, () -> get("k"));
    }
}
