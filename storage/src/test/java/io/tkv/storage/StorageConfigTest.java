package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class StorageConfigTest {
    private final StorageConfig config = new StorageConfig().dataDir(Path.of("/tmp/tkv-never-opened"));

    @Test
    void shouldHaveDocumentedDefaults() {
        final StorageConfig defaults = new StorageConfig();
        assertEquals(64L * 1024 * 1024, defaults.blockCacheBytes());
        assertEquals(32L * 1024 * 1024, defaults.writeBufferBytes());
        assertEquals(3, defaults.maxWriteBuffers());
        assertEquals(Compression.LZ4, defaults.compression());
        assertEquals(FsyncPolicy.SYNC, defaults.fsyncPolicy());
        assertEquals(10, defaults.syncIntervalMs());
        assertTrue(defaults.createIfMissing());
    }

    @Test
    void shouldAcceptDefaultsWithDataDir() {
        assertSame(config, config.conclude());
    }

    @Test
    void shouldRequireDataDir() {
        assertThrows(IllegalArgumentException.class, () -> new StorageConfig().conclude());
    }

    @Test
    void shouldRejectInvalidSizes() {
        assertThrows(IllegalArgumentException.class, () -> config.blockCacheBytes(0).conclude());
        config.blockCacheBytes(StorageConfig.DEFAULT_BLOCK_CACHE_BYTES);
        assertThrows(IllegalArgumentException.class, () -> config.writeBufferBytes(1024).conclude());
        config.writeBufferBytes(StorageConfig.DEFAULT_WRITE_BUFFER_BYTES);
        assertThrows(IllegalArgumentException.class, () -> config.maxWriteBuffers(1).conclude());
        config.maxWriteBuffers(StorageConfig.DEFAULT_MAX_WRITE_BUFFERS);
    }

    @Test
    void shouldRequirePositiveIntervalOnlyForPeriodicSync() {
        config.syncIntervalMs(0);
        config.conclude();
        assertThrows(IllegalArgumentException.class, () -> config.fsyncPolicy(FsyncPolicy.PERIODIC).conclude());
    }

    @Test
    void shouldParseCompressionNamesIgnoringCase() {
        assertEquals(Compression.ZSTD, config.compression("ZStd").compression());
        assertEquals(Compression.NONE, config.compression(" none ").compression());
        assertEquals(Compression.SNAPPY, Compression.fromConfigName("snappy"));
        assertEquals(Compression.LZ4, Compression.fromConfigName("lz4"));
        assertThrows(IllegalArgumentException.class, () -> config.compression("gzip"));
    }
}
