package io.tkv.storage;

import java.nio.file.Path;

/**
 * Configuration of a {@link StorageEngine}: every knob with its default and its unit in its name.
 * <p>
 * Fill it with the fluent setters, then {@link #conclude()} validates it (the engine calls it when it opens).
 * Not thread safe: build it on one thread before the engine exists.
 */
public final class StorageConfig {
    /** Default shared LRU block cache: 64 MiB. */
    public static final long DEFAULT_BLOCK_CACHE_BYTES = 64L * 1024 * 1024;
    /** Default memtable size per column family: 32 MiB. */
    public static final long DEFAULT_WRITE_BUFFER_BYTES = 32L * 1024 * 1024;
    /** Default number of memtables per column family (one active, the rest flushing). */
    public static final int DEFAULT_MAX_WRITE_BUFFERS = 3;
    /** Default SST block compression. */
    public static final Compression DEFAULT_COMPRESSION = Compression.LZ4;
    /** Default fsync policy: every acknowledged write is synced. */
    public static final FsyncPolicy DEFAULT_FSYNC_POLICY = FsyncPolicy.SYNC;
    /** Default WAL sync interval under {@link FsyncPolicy#PERIODIC}: 10 ms. */
    public static final long DEFAULT_SYNC_INTERVAL_MS = 10;
    /** Smallest memtable accepted; RocksDB silently raises smaller ones, which would hide a typo. */
    public static final long MIN_WRITE_BUFFER_BYTES = 64L * 1024;

    private Path dataDir;
    private long blockCacheBytes = DEFAULT_BLOCK_CACHE_BYTES;
    private long writeBufferBytes = DEFAULT_WRITE_BUFFER_BYTES;
    private int maxWriteBuffers = DEFAULT_MAX_WRITE_BUFFERS;
    private Compression compression = DEFAULT_COMPRESSION;
    private FsyncPolicy fsyncPolicy = DEFAULT_FSYNC_POLICY;
    private long syncIntervalMs = DEFAULT_SYNC_INTERVAL_MS;
    private boolean createIfMissing = true;

    /**
     * Validates the configuration. Calling it again is harmless.
     *
     * @return this.
     * @throws IllegalArgumentException naming the first invalid setting.
     */
    public StorageConfig conclude() {
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir must be set");
        }
        requirePositive("blockCacheBytes", blockCacheBytes);
        if (writeBufferBytes < MIN_WRITE_BUFFER_BYTES) {
            throw new IllegalArgumentException(
                "writeBufferBytes must be >= " + MIN_WRITE_BUFFER_BYTES + ", was " + writeBufferBytes);
        }
        // RocksDB raises max_write_buffer_number below 2 to 2 without a word; refuse it instead.
        if (maxWriteBuffers < 2) {
            throw new IllegalArgumentException("maxWriteBuffers must be >= 2, was " + maxWriteBuffers);
        }
        if (compression == null) {
            throw new IllegalArgumentException("compression must be set");
        }
        if (fsyncPolicy == null) {
            throw new IllegalArgumentException("fsyncPolicy must be set");
        }
        if (fsyncPolicy == FsyncPolicy.PERIODIC) {
            requirePositive("syncIntervalMs", syncIntervalMs);
        }
        return this;
    }

    private static void requirePositive(final String name, final long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
    }

    /**
     * @param dataDir the store's data directory; RocksDB lives in its {@code db} subdirectory.
     * @return this.
     */
    public StorageConfig dataDir(final Path dataDir) {
        this.dataDir = dataDir;
        return this;
    }

    /**
     * @return the store's data directory.
     */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * @param blockCacheBytes capacity of the LRU block cache shared by all column families.
     * @return this.
     */
    public StorageConfig blockCacheBytes(final long blockCacheBytes) {
        this.blockCacheBytes = blockCacheBytes;
        return this;
    }

    /**
     * @return capacity of the LRU block cache shared by all column families.
     */
    public long blockCacheBytes() {
        return blockCacheBytes;
    }

    /**
     * @param writeBufferBytes memtable size per column family.
     * @return this.
     */
    public StorageConfig writeBufferBytes(final long writeBufferBytes) {
        this.writeBufferBytes = writeBufferBytes;
        return this;
    }

    /**
     * @return memtable size per column family.
     */
    public long writeBufferBytes() {
        return writeBufferBytes;
    }

    /**
     * @param maxWriteBuffers memtables per column family, at least 2 so writes continue while one flushes.
     * @return this.
     */
    public StorageConfig maxWriteBuffers(final int maxWriteBuffers) {
        this.maxWriteBuffers = maxWriteBuffers;
        return this;
    }

    /**
     * @return memtables per column family.
     */
    public int maxWriteBuffers() {
        return maxWriteBuffers;
    }

    /**
     * @param compression SST block compression, applied to every column family.
     * @return this.
     */
    public StorageConfig compression(final Compression compression) {
        this.compression = compression;
        return this;
    }

    /**
     * @param compressionName {@code none}, {@code lz4}, {@code zstd} or {@code snappy}, as in a config file.
     * @return this.
     * @throws IllegalArgumentException if the name is unknown.
     */
    public StorageConfig compression(final String compressionName) {
        this.compression = Compression.fromConfigName(compressionName);
        return this;
    }

    /**
     * @return SST block compression.
     */
    public Compression compression() {
        return compression;
    }

    /**
     * @param fsyncPolicy when acknowledged writes are synced to disk.
     * @return this.
     */
    public StorageConfig fsyncPolicy(final FsyncPolicy fsyncPolicy) {
        this.fsyncPolicy = fsyncPolicy;
        return this;
    }

    /**
     * @return when acknowledged writes are synced to disk.
     */
    public FsyncPolicy fsyncPolicy() {
        return fsyncPolicy;
    }

    /**
     * @param syncIntervalMs WAL sync interval under {@link FsyncPolicy#PERIODIC}; ignored otherwise.
     * @return this.
     */
    public StorageConfig syncIntervalMs(final long syncIntervalMs) {
        this.syncIntervalMs = syncIntervalMs;
        return this;
    }

    /**
     * @return WAL sync interval under {@link FsyncPolicy#PERIODIC}.
     */
    public long syncIntervalMs() {
        return syncIntervalMs;
    }

    /**
     * @param createIfMissing create the data directory and database when absent; when false, opening a missing
     *                        database fails, which catches a mistyped path on a store that should have data.
     * @return this.
     */
    public StorageConfig createIfMissing(final boolean createIfMissing) {
        this.createIfMissing = createIfMissing;
        return this;
    }

    /**
     * @return whether a missing database is created.
     */
    public boolean createIfMissing() {
        return createIfMissing;
    }

    @Override
    public String toString() {
        return "StorageConfig{" +
            "dataDir=" + dataDir +
            ", blockCacheBytes=" + blockCacheBytes +
            ", writeBufferBytes=" + writeBufferBytes +
            ", maxWriteBuffers=" + maxWriteBuffers +
            ", compression=" + compression +
            ", fsyncPolicy=" + fsyncPolicy +
            ", syncIntervalMs=" + syncIntervalMs +
            ", createIfMissing=" + createIfMissing +
            '}';
    }
}
