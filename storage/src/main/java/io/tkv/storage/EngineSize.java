package io.tkv.storage;

import org.rocksdb.RocksDBException;

/**
 * How many bytes the store's RocksDB takes: its SST files and memtables in every column family, from RocksDB's
 * properties (no file walk). What a store reports to PD as its used size; cheap enough for any thread.
 */
public final class EngineSize {
    private final StorageEngine engine;

    public EngineSize(final StorageEngine engine) {
        this.engine = engine;
    }

    /**
     * @return bytes of SST files and memtables, all column families.
     * @throws StorageException if RocksDB fails.
     */
    public long usedBytes() {
        long bytes = 0;
        for (final ColumnFamily family : ColumnFamily.values()) {
            try {
                bytes += engine.db().getLongProperty(engine.handle(family), "rocksdb.total-sst-files-size");
                bytes += engine.db().getLongProperty(engine.handle(family), "rocksdb.cur-size-all-mem-tables");
            } catch (final RocksDBException ex) {
                throw new StorageException("cannot read the size of " + family.cfName() + ": " + ex.getMessage(), ex);
            }
        }
        return bytes;
    }
}
