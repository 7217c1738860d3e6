package io.tkv.storage;

import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Puts and deletes over several column families, written to a {@link StorageEngine} atomically. For code outside
 * the apply path that must land a set of MVCC modifications together (tests of the transaction actions, tools); the
 * store's own writes go through {@link ApplyBatch}, with the applied index in the same batch.
 */
public final class EngineWriteBatch implements AutoCloseable {
    private final StorageEngine engine;
    private final WriteBatch batch = new WriteBatch();

    /**
     * @param engine the open engine the batch will be written to.
     */
    public EngineWriteBatch(final StorageEngine engine) {
        this.engine = engine;
    }

    /**
     * Stages a put.
     *
     * @return this batch.
     */
    public EngineWriteBatch put(final ColumnFamily family, final byte[] key, final byte[] value) {
        try {
            batch.put(engine.handle(family), key, value);
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot stage a put in CF " + family.cfName() + ": " + ex.getMessage(), ex);
        }
        return this;
    }

    /**
     * Stages a delete.
     *
     * @return this batch.
     */
    public EngineWriteBatch delete(final ColumnFamily family, final byte[] key) {
        try {
            batch.delete(engine.handle(family), key);
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot stage a delete in CF " + family.cfName() + ": " + ex.getMessage(), ex);
        }
        return this;
    }

    /**
     * @return the number of staged puts and deletes.
     */
    public int count() {
        return batch.count();
    }

    /**
     * Writes every staged change atomically (WAL not synced: see {@link StorageEngine#syncWal()}) and empties the
     * batch.
     */
    public void write() {
        try (WriteOptions options = new WriteOptions()) {
            engine.db().write(options, batch);
            batch.clear();
        } catch (final RocksDBException ex) {
            throw new StorageException("batch write to " + engine.dbDir() + " failed: " + ex.getMessage(), ex);
        }
    }

    @Override
    public void close() {
        batch.close();
    }
}
