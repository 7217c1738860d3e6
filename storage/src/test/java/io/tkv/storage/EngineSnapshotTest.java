package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineSnapshotTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldNotSeeWritesMadeAfterTheSnapshot() {
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir))) {
            try (EngineWriteBatch batch = new EngineWriteBatch(engine)) {
                batch.put(ColumnFamily.LOCK, b("a"), b("1")).put(ColumnFamily.WRITE, b("a"), b("w")).write();
            }
            try (EngineSnapshot snapshot = new EngineSnapshot(engine);
                EngineWriteBatch batch = new EngineWriteBatch(engine)) {
                batch.put(ColumnFamily.LOCK, b("a"), b("2")).put(ColumnFamily.LOCK, b("b"), b("3")).write();
                assertArrayEquals(b("1"), snapshot.get(ColumnFamily.LOCK, b("a")));
                assertNull(snapshot.get(ColumnFamily.LOCK, b("b")));
                assertNull(snapshot.get(ColumnFamily.DEFAULT, b("a")));
            }
            try (EngineSnapshot snapshot = new EngineSnapshot(engine)) {
                assertArrayEquals(b("3"), snapshot.get(ColumnFamily.LOCK, b("b")));
            }
        }
    }

    @Test
    void shouldScanBothWaysWithinBounds() {
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir))) {
            try (EngineWriteBatch batch = new EngineWriteBatch(engine)) {
                for (final String key : List.of("a", "b", "c", "d", "e")) {
                    batch.put(ColumnFamily.WRITE, b(key), b(key));
                }
                assertEquals(5, batch.count());
                batch.write();
            }
            try (EngineSnapshot snapshot = new EngineSnapshot(engine)) {
                final KvCursor cursor = snapshot.cursor(ColumnFamily.WRITE, b("b"), b("e"));
                final List<String> forward = new ArrayList<>();
                for (cursor.seek(b("a")); cursor.valid(); cursor.next()) {
                    forward.add(s(cursor.key()));
                }
                assertEquals(List.of("b", "c", "d"), forward);
                final List<String> reverse = new ArrayList<>();
                for (cursor.seekForPrev(b("z")); cursor.valid(); cursor.prev()) {
                    reverse.add(s(cursor.value()));
                }
                assertEquals(List.of("d", "c", "b"), reverse);
                cursor.seekToLast();
                assertEquals("d", s(cursor.key()));
                // Left open on purpose: closing the snapshot closes it.
                snapshot.cursor(ColumnFamily.DEFAULT, null, null).seekToFirst();
                final KvCursor unbounded = snapshot.cursor(ColumnFamily.WRITE, null, null);
                unbounded.seekToFirst();
                assertEquals("a", s(unbounded.key()));
                unbounded.close();
                cursor.close();
            }
        }
    }

    @Test
    void shouldRefuseUseAfterClose() {
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir))) {
            final EngineSnapshot snapshot = new EngineSnapshot(engine);
            snapshot.close();
            snapshot.close();
            assertThrows(StorageException.class, () -> snapshot.get(ColumnFamily.LOCK, b("a")));
            assertThrows(StorageException.class, () -> snapshot.cursor(ColumnFamily.LOCK, null, null));
        }
    }

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(final byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
