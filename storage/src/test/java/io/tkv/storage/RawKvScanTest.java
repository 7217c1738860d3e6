package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;

class RawKvScanTest extends RawKvTestSupport {
    @BeforeEach
    void fill() {
        put("a", "1");
        put("b", "2");
        put("c", "3");
        put("d", "4");
        put("e", "5");
    }

    @Test
    void shouldScanForwardInKeyOrderWithinRange() {
        assertEquals(List.of("b=2", "c=3", "d=4"), scan("b", "e", 100, false, false));
    }

    @Test
    void shouldScanReverseFromLargestKeyBelowEnd() {
        assertEquals(List.of("d=4", "c=3", "b=2"), scan("b", "e", 100, true, false));
        assertEquals(List.of("d=4", "c=3", "b=2"), scan("b", "dd", 100, true, false));
    }

    @Test
    void shouldIncludeStartKeyAndExcludeEndKey() {
        assertEquals(List.of("c=3"), scan("c", "d", 100, false, false));
        assertEquals(List.of("c=3"), scan("c", "d", 100, true, false));
    }

    @Test
    void shouldStopAtLimit() {
        assertEquals(List.of("a=1", "b=2"), scan("", "", 2, false, false));
        assertEquals(List.of("e=5", "d=4"), scan("", "", 2, true, false));
        assertEquals(List.of(), scan("", "", 0, false, false));
    }

    @Test
    void shouldRejectNegativeLimit() {
        assertThrows(IllegalArgumentException.class, () -> scan("", "", -1, false, false));
    }

    @Test
    void shouldPassEmptyValueWhenKeyOnly() {
        assertEquals(List.of("a/0", "b/0"), scan("a", "c", 100, false, true));
        assertEquals(List.of("b/0", "a/0"), scan("a", "c", 100, true, true));
    }

    @Test
    void shouldScanToEndOfRawKeySpaceWhenEndIsEmpty() throws RocksDBException {
        // Neighbours of the raw key space in the shared default CF, as transactional data would be.
        engine.db().put(engine.handle(ColumnFamily.DEFAULT), bytes("q-before"), bytes("x"));
        engine.db().put(engine.handle(ColumnFamily.DEFAULT), bytes("s-after"), bytes("x"));
        engine.db().put(engine.handle(ColumnFamily.DEFAULT), new byte[] {'s'}, bytes("x"));
        put(new byte[] {(byte)0xFF, (byte)0xFF}, bytes("max"), 0);

        final List<String> forward = scan("c", "", 100, false, true);
        assertEquals(List.of("c/0", "d/0", "e/0", "\uFFFD\uFFFD/0"), forward);
        assertEquals(6, scan("", "", 100, true, true).size());
        assertEquals(6, scan("", "", 100, false, true).size());
    }

    @Test
    void shouldReturnNothingForEmptyOrInvertedRange() {
        assertEquals(List.of(), scan("c", "c", 100, false, false));
        assertEquals(List.of(), scan("d", "b", 100, false, false));
        assertEquals(List.of(), scan("d", "b", 100, true, false));
        assertEquals(List.of(), scan("f", "", 100, false, false));
        assertEquals(List.of(), scan("", "a", 100, true, false));
    }

    @Test
    void shouldStopScanWhenVisitorReturnsFalse() {
        final List<String> keys = new ArrayList<>();
        final int visited = store.scan(EMPTY, 0, 0, EMPTY, 0, 0, 100, false, false, (k, ko, kl, v, vo, vl) -> {
            keys.add(str(k, ko, kl));
            return keys.size() < 3;
        });
        assertEquals(3, visited);
        assertEquals(List.of("a", "b", "c"), keys);
    }

    @Test
    void shouldHideExpiredValueFromScan() {
        put("b", "short", 1);
        put("d", "long", 100);
        clock.advance(1_000);
        assertEquals(List.of("a=1", "c=3", "d=long", "e=5"), scanAll());
        assertEquals(List.of("e=5", "d=long", "c=3", "a=1"), scan("", "", 100, true, false));
        assertEquals(List.of("a/0", "c/0", "d/0", "e/0"), scan("", "", 100, false, true));
        // Expired pairs do not count against the limit.
        assertEquals(List.of("a=1", "c=3"), scan("", "", 2, false, false));
    }

    @Test
    void shouldOrderKeyBeforeLongerKeysItPrefixes() {
        deleteRange("", "");
        put(new byte[] {'a', 0x00}, bytes("a0"), 0);
        put("ab", "ab");
        put("a", "a");
        put(new byte[] {'a', (byte)0xFF}, bytes("aFF"), 0);
        put("b", "b");
        put("aa", "aa");
        final List<String> values = new ArrayList<>();
        store.scan(EMPTY, 0, 0, EMPTY, 0, 0, 100, false, false, (k, ko, kl, v, vo, vl) -> {
            values.add(str(v, vo, vl));
            return true;
        });
        assertEquals(List.of("a", "a0", "aa", "ab", "aFF", "b"), values);

        final UnsafeBuffer start = buf("a");
        final UnsafeBuffer end = new UnsafeBuffer(new byte[] {'a', (byte)0xFF});
        values.clear();
        store.scan(start, 0, 1, end, 0, 2, 100, true, false, (k, ko, kl, v, vo, vl) -> {
            values.add(str(v, vo, vl));
            return true;
        });
        assertEquals(List.of("ab", "aa", "a0", "a"), values);
    }

    @Test
    void shouldMoveBoundsBetweenScansOfDifferentLengths() {
        final String longKey = "c" + "x".repeat(1_000);
        put(longKey, "long");
        assertEquals(List.of("c=3", longKey + "=long"), scan("c", "c" + "y".repeat(600), 100, false, false));
        assertEquals(List.of("b=2"), scan("b", "c", 100, false, false));
        assertEquals(List.of(longKey + "=long", "c=3"), scan("c", "d", 100, true, false));
        assertEquals(List.of("a=1"), scan("", "b", 100, true, false));
    }

    @Test
    void shouldRejectNestedScanButAllowPointReadsInVisitor() {
        final List<String> seen = new ArrayList<>();
        store.scan(EMPTY, 0, 0, EMPTY, 0, 0, 2, false, false, (k, ko, kl, v, vo, vl) -> {
            final String key = str(k, ko, kl);
            final String value = str(v, vo, vl);
            seen.add(key + "=" + get(key) + "/" + value);
            assertThrows(IllegalStateException.class, () -> scanAll());
            return true;
        });
        assertEquals(List.of("a=1/1", "b=2/2"), seen);
    }

    @Test
    void shouldSeeSnapshotFromScanStartWhenVisitorWrites() {
        final List<String> seen = new ArrayList<>();
        store.scan(EMPTY, 0, 0, EMPTY, 0, 0, 100, false, false, (k, ko, kl, v, vo, vl) -> {
            final String key = str(k, ko, kl);
            seen.add(key + "=" + str(v, vo, vl));
            if (key.equals("a")) {
                delete("c");
                put("bb", "new");
            }
            return true;
        });
        assertEquals(List.of("a=1", "b=2", "c=3", "d=4", "e=5"), seen);
        assertEquals(List.of("a=1", "b=2", "bb=new", "d=4", "e=5"), scanAll());
    }

    @Test
    void shouldDeleteBoundedRange() {
        deleteRange("b", "d");
        assertEquals(List.of("a=1", "d=4", "e=5"), scanAll());
    }

    @Test
    void shouldDeleteToEndOfRawKeySpaceWhenEndIsEmpty() throws RocksDBException {
        engine.db().put(engine.handle(ColumnFamily.DEFAULT), bytes("s-txn"), bytes("x"));
        put(new byte[] {(byte)0xFF}, bytes("max"), 0);
        deleteRange("c", "");
        assertEquals(List.of("a=1", "b=2"), scanAll());
        deleteRange("", "");
        assertEquals(List.of(), scanAll());
        assertEquals("x", new String(engine.db().get(engine.handle(ColumnFamily.DEFAULT), bytes("s-txn"))));
    }

    @Test
    void shouldIgnoreEmptyOrInvertedDeleteRange() {
        deleteRange("c", "c");
        deleteRange("d", "b");
        assertEquals(5, scanAll().size());
    }

    @Test
    void shouldAllowWritesAfterDeleteRange() {
        deleteRange("", "");
        put("c", "again");
        assertEquals(List.of("c=again"), scanAll());
    }
}
