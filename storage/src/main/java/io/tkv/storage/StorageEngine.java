package io.tkv.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store's RocksDB: opened in {@code dataDir/db} with the column families of {@link ColumnFamily}, tuned from a
 * {@link StorageConfig}.
 * <p>
 * RocksDB itself is thread safe, so {@link #syncWal()} may be called from another agent than the one writing;
 * each reader or writer class built on the engine has its own single owner. Every {@link RocksDBException} comes
 * out as an unchecked {@link StorageException}.
 */
public final class StorageEngine implements AutoCloseable {
    /** Subdirectory of the data directory holding RocksDB's files. */
    public static final String DB_DIR_NAME = "db";
    /** Bloom filter bits per key: about 1% false positives, so a get of an absent key rarely reads a block. */
    private static final double BLOOM_BITS_PER_KEY = 10;
    /** RocksDB keeps one info LOG per open; without a cap restarts pile them up in the db directory. */
    private static final long KEEP_INFO_LOG_FILES = 5;

    private static final Logger LOG = LoggerFactory.getLogger(StorageEngine.class);

    private final StorageConfig config;
    private final Path dbDir;
    private final LRUCache blockCache;
    private final BloomFilter bloomFilter;
    private final ColumnFamilyOptions cfOptions;
    private final DBOptions dbOptions;
    private final RocksDB db;
    private final Map<ColumnFamily, ColumnFamilyHandle> handles;
    private boolean closed;

    private StorageEngine(
        final StorageConfig config,
        final Path dbDir,
        final LRUCache blockCache,
        final BloomFilter bloomFilter,
        final ColumnFamilyOptions cfOptions,
        final DBOptions dbOptions,
        final RocksDB db,
        final Map<ColumnFamily, ColumnFamilyHandle> handles) {
        this.config = config;
        this.dbDir = dbDir;
        this.blockCache = blockCache;
        this.bloomFilter = bloomFilter;
        this.cfOptions = cfOptions;
        this.dbOptions = dbOptions;
        this.db = db;
        this.handles = handles;
    }

    /**
     * Opens (or creates, if the config allows) the store's RocksDB. Concludes the config first.
     *
     * @param config the storage configuration.
     * @return the open engine; close it to release the database lock and native memory.
     * @throws StorageException if RocksDB cannot open the database (missing, locked by another engine, corrupt).
     */
    public static StorageEngine open(final StorageConfig config) {
        config.conclude();
        NativeLibrary.ensureLoaded();
        final Path dbDir = config.dataDir().resolve(DB_DIR_NAME);
        if (config.createIfMissing()) {
            createDirectories(dbDir);
        }

        // Created one by one so that a failure half way closes exactly what exists, in reverse order.
        LRUCache blockCache = null;
        BloomFilter bloomFilter = null;
        ColumnFamilyOptions cfOptions = null;
        DBOptions dbOptions = null;
        try {
            blockCache = new LRUCache(config.blockCacheBytes());
            bloomFilter = new BloomFilter(BLOOM_BITS_PER_KEY, false);
            cfOptions = columnFamilyOptions(config, blockCache, bloomFilter);
            dbOptions = new DBOptions()
                .setCreateIfMissing(config.createIfMissing())
                .setCreateMissingColumnFamilies(true)
                .setKeepLogFileNum(KEEP_INFO_LOG_FILES);

            final ColumnFamily[] families = ColumnFamily.values();
            final List<ColumnFamilyDescriptor> descriptors = new ArrayList<>(families.length);
            for (final ColumnFamily family : families) {
                descriptors.add(new ColumnFamilyDescriptor(family.nameBytes(), cfOptions));
            }
            final List<ColumnFamilyHandle> handleList = new ArrayList<>(families.length);
            final RocksDB db = RocksDB.open(dbOptions, dbDir.toString(), descriptors, handleList);

            // RocksDB returns the handles in the order of the descriptors.
            final Map<ColumnFamily, ColumnFamilyHandle> handles = new EnumMap<>(ColumnFamily.class);
            for (int i = 0; i < families.length; i++) {
                handles.put(families[i], handleList.get(i));
            }
            LOG.info("opened RocksDB {} with {}", dbDir, config);
            return new StorageEngine(config, dbDir, blockCache, bloomFilter, cfOptions, dbOptions, db, handles);
        } catch (final RocksDBException ex) {
            closeOptions(dbOptions, cfOptions, bloomFilter, blockCache);
            throw new StorageException("cannot open RocksDB at " + dbDir + ": " + ex.getMessage(), ex);
        } catch (final RuntimeException ex) {
            closeOptions(dbOptions, cfOptions, bloomFilter, blockCache);
            throw ex;
        }
    }

    private static ColumnFamilyOptions columnFamilyOptions(
        final StorageConfig config, final LRUCache blockCache, final BloomFilter bloomFilter) {
        final BlockBasedTableConfig tableConfig = new BlockBasedTableConfig()
            .setBlockCache(blockCache)
            .setFilterPolicy(bloomFilter)
            // Keep index and filter blocks of recent files in the cache too, so memory stays within the budget.
            .setCacheIndexAndFilterBlocks(true)
            .setPinL0FilterAndIndexBlocksInCache(true);
        return new ColumnFamilyOptions()
            .setWriteBufferSize(config.writeBufferBytes())
            .setMaxWriteBufferNumber(config.maxWriteBuffers())
            .setCompressionType(config.compression().rocksType())
            .setTableFormatConfig(tableConfig);
    }

    private static void createDirectories(final Path dbDir) {
        try {
            Files.createDirectories(dbDir);
        } catch (final IOException ex) {
            throw new StorageException("cannot create " + dbDir + ": " + ex.getMessage(), ex);
        }
    }

    private static void closeOptions(
        final DBOptions dbOptions,
        final ColumnFamilyOptions cfOptions,
        final BloomFilter bloomFilter,
        final LRUCache blockCache) {
        if (dbOptions != null) {
            dbOptions.close();
        }
        if (cfOptions != null) {
            cfOptions.close();
        }
        if (bloomFilter != null) {
            bloomFilter.close();
        }
        if (blockCache != null) {
            blockCache.close();
        }
    }

    /**
     * @return the configuration the engine was opened with.
     */
    public StorageConfig config() {
        return config;
    }

    /**
     * @return the directory holding RocksDB's files.
     */
    public Path dbDir() {
        return dbDir;
    }

    /**
     * Writes the WAL to disk ({@code fsync}), making every write made so far durable. Called by the owner of the
     * write path according to the {@link FsyncPolicy}; cheap to skip when nothing was written since the last sync,
     * which the caller knows and RocksDB does not.
     *
     * @throws StorageException if the sync fails: the writes since the last sync may not be durable, so they must
     *                          not be acknowledged.
     */
    public void syncWal() {
        ensureOpen();
        try {
            db.syncWal();
        } catch (final RocksDBException ex) {
            throw new StorageException(
                "WAL sync failed in " + dbDir + ", writes since the last sync may not be durable: " + ex.getMessage(),
                ex);
        }
    }

    /**
     * RocksDB's estimate of the number of keys in a column family (counts overwritten and deleted keys until
     * compaction merges them). Cheap: read from table properties and memtable counters.
     *
     * @param family the column family.
     * @return the estimated number of keys.
     */
    public long estimateKeyCount(final ColumnFamily family) {
        ensureOpen();
        try {
            return db.getLongProperty(handles.get(family), "rocksdb.estimate-num-keys");
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot read key estimate of CF " + family.cfName(), ex);
        }
    }

    RocksDB db() {
        ensureOpen();
        return db;
    }

    ColumnFamilyHandle handle(final ColumnFamily family) {
        ensureOpen();
        return handles.get(family);
    }

    /**
     * Fails fast instead of letting a call reach freed native memory: RocksDB's JNI does not check its handles.
     */
    void ensureOpen() {
        if (closed) {
            throw new StorageException("storage engine at " + dbDir + " is closed");
        }
    }

    /**
     * Closes the database, then the options and cache it used. Writes not yet synced are in the OS page cache and
     * survive; call {@link #syncWal()} first to survive an OS crash too. Idempotent.
     *
     * @throws StorageException if RocksDB reports an error while closing (everything is released anyway).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Handles go before the database (RocksDB asserts no handle outlives it); options, filter and cache go
        // last because the open database still refers to them.
        for (final ColumnFamilyHandle handle : handles.values()) {
            handle.close();
        }
        try {
            db.closeE();
        } catch (final RocksDBException ex) {
            throw new StorageException("error closing RocksDB at " + dbDir + ": " + ex.getMessage(), ex);
        } finally {
            closeOptions(dbOptions, cfOptions, bloomFilter, blockCache);
            LOG.info("closed RocksDB {}", dbDir);
        }
    }

    /** Loads the RocksDB native library once per class loader (about 0.25 s), on first use. */
    private static final class NativeLibrary {
        static {
            RocksDB.loadLibrary();
        }

        private NativeLibrary() {
        }

        static void ensureLoaded() {
            // Touching the class runs the static initialiser exactly once; the JVM makes it thread safe.
        }
    }
}
