package io.tkv.storage;

import io.tkv.codec.keys.KeySpace;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Stages a transactional command's modifications in an {@link ApplyBatch}'s write batch: puts and deletes of keys of
 * the transactional space ({@code 'x'} prefix) in the three data column families ({@code default}, {@code lock},
 * {@code write}). The keys and values are what the transaction layer encoded (its versioned write batch); this class
 * only refuses what would reach outside that space — a RawKV key, the {@code raft} column family — so a bad command
 * cannot touch the region state kept beside the data.
 */
final class TxnWrites {
    private final StorageEngine engine;
    private final ColumnFamilyHandle defaultCf;
    private final ColumnFamilyHandle lockCf;
    private final ColumnFamilyHandle writeCf;

    TxnWrites(final StorageEngine engine) {
        this.engine = engine;
        this.defaultCf = engine.handle(ColumnFamily.DEFAULT);
        this.lockCf = engine.handle(ColumnFamily.LOCK);
        this.writeCf = engine.handle(ColumnFamily.WRITE);
    }

    /**
     * @param value the value to put, or {@code null} to delete the key.
     * @throws IllegalArgumentException if the key is not transactional or the family is not a data family.
     * @throws StorageException         if RocksDB refuses.
     */
    void stage(final WriteBatch batch, final ColumnFamily family, final byte[] key, final byte[] value) {
        if (key.length == 0 || key[0] != KeySpace.TXN) {
            throw new IllegalArgumentException("a transactional write outside the transactional key space");
        }
        final ColumnFamilyHandle handle = switch (family) {
            case DEFAULT -> defaultCf;
            case LOCK -> lockCf;
            case WRITE -> writeCf;
            default -> throw new IllegalArgumentException("a transactional write to CF " + family.cfName());
        };
        engine.ensureOpen();
        try {
            if (value == null) {
                batch.delete(handle, key);
            } else {
                batch.put(handle, key, value);
            }
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot stage a transactional write: " + ex.getMessage(), ex);
        }
    }
}
