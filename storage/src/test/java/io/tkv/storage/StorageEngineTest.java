package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

class StorageEngineTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldCreateEveryColumnFamilyUnderDbDir() throws RocksDBException {
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir))) {
            assertEquals(dataDir.resolve("db"), engine.dbDir());
        }
        try (Options options = new Options()) {
            final List<byte[]> names = RocksDB.listColumnFamilies(options, dataDir.resolve("db").toString());
            assertEquals(List.of("default", "lock", "write", "raft"), names.stream().map(String::new).toList());
        }
    }

    @Test
    void shouldKeepWritesOfEveryColumnFamilyAcrossReopen() throws RocksDBException {
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir))) {
            for (final ColumnFamily family : ColumnFamily.values()) {
                engine.db().put(engine.handle(family), family.nameBytes(), new byte[] {1});
            }
            engine.syncWal();
        }
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir))) {
            for (final ColumnFamily family : ColumnFamily.values()) {
                assertArrayEquals(new byte[] {1}, engine.db().get(engine.handle(family), family.nameBytes()));
                assertTrue(engine.estimateKeyCount(family) >= 1);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void shouldOpenWithEveryCompression(final Compression compression) throws RocksDBException {
        final StorageConfig config = RawKvTestSupport.smallConfig(dataDir).compression(compression);
        try (StorageEngine engine = StorageEngine.open(config)) {
            final byte[] value = new byte[10_000];
            engine.db().put(engine.handle(ColumnFamily.DEFAULT), new byte[] {1}, value);
            // A flush writes an SST file, which is where compression applies.
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                engine.db().flush(flush, engine.handle(ColumnFamily.DEFAULT));
            }
            assertArrayEquals(value, engine.db().get(engine.handle(ColumnFamily.DEFAULT), new byte[] {1}));
        }
    }

    @Test
    void shouldFailToOpenMissingDatabaseWhenCreateIfMissingIsFalse() {
        final StorageConfig config = RawKvTestSupport.smallConfig(dataDir.resolve("absent")).createIfMissing(false);
        final StorageException ex = assertThrows(StorageException.class, () -> StorageEngine.open(config));
        assertTrue(ex.getMessage().contains("absent"), ex.getMessage());
        assertTrue(!Files.exists(dataDir.resolve("absent")));
    }

    @Test
    void shouldFailToOpenDatabaseHeldByAnotherEngine() {
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir))) {
            assertThrows(StorageException.class, () -> StorageEngine.open(RawKvTestSupport.smallConfig(dataDir)));
            engine.syncWal();
        }
        StorageEngine.open(RawKvTestSupport.smallConfig(dataDir)).close();
    }

    @Test
    void shouldCloseIdempotentlyAndRefuseUseAfterClose() {
        final StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir));
        engine.close();
        engine.close();
        assertThrows(StorageException.class, engine::syncWal);
        assertThrows(StorageException.class, () -> new RawKvStore(engine, () -> 0));
    }
}
