package io.tkv.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * The store's identity, persisted in the {@code raft} column family: the id of the cluster the data belongs to
 * and the store's own id. A server compares them at start-up so a data directory of another cluster is refused
 * rather than mixed in.
 * <p>
 * Keys start with {@code 0x00}, the store-level part of the {@code raft} column family, ahead of any per-region
 * keys. Values are 8 bytes big-endian. Writes are synced at once: they are rare and everything else relies on them.
 */
public final class StoreMeta {
    /** Returned for an id never written; PD never hands out 0. */
    public static final long NOT_SET = 0;

    private static final byte[] CLUSTER_ID_KEY = {0x00, 'c', 'l', 'u', 's', 't', 'e', 'r'};
    private static final byte[] STORE_ID_KEY = {0x00, 's', 't', 'o', 'r', 'e'};
    private static final byte[] INCARNATION_KEY = {0x00, 'i', 'n', 'c', 'a', 'r', 'n', 'a', 't', 'i', 'o', 'n'};

    private final RocksDB db;
    private final ColumnFamilyHandle cf;

    /**
     * @param engine the open engine; must outlive this object.
     */
    public StoreMeta(final StorageEngine engine) {
        this.db = engine.db();
        this.cf = engine.handle(ColumnFamily.RAFT);
    }

    /**
     * @return the persisted cluster id, or {@link #NOT_SET}.
     */
    public long clusterId() {
        return read(CLUSTER_ID_KEY, "cluster id");
    }

    /**
     * Persists the cluster id, synced.
     *
     * @param clusterId the cluster id, not {@link #NOT_SET}.
     */
    public void putClusterId(final long clusterId) {
        write(CLUSTER_ID_KEY, clusterId, "cluster id");
    }

    /**
     * @return the persisted store id, or {@link #NOT_SET}.
     */
    public long storeId() {
        return read(STORE_ID_KEY, "store id");
    }

    /**
     * Persists the store id, synced.
     *
     * @param storeId the store id, not {@link #NOT_SET}.
     */
    public void putStoreId(final long storeId) {
        write(STORE_ID_KEY, storeId, "store id");
    }

    /**
     * Raises the store's start count and persists it, synced, before returning it: every frame the store sends to
     * another store carries it, and receivers accept a frame only if it is newer than the last they saw from this
     * store, so each start must count higher than every earlier one.
     *
     * @return the new incarnation, from 1.
     */
    public long nextIncarnation() {
        final long next = read(INCARNATION_KEY, "incarnation") + 1;
        write(INCARNATION_KEY, next, "incarnation");
        return next;
    }

    private long read(final byte[] key, final String what) {
        try {
            final byte[] value = db.get(cf, key);
            if (value == null) {
                return NOT_SET;
            }
            if (value.length != Long.BYTES) {
                throw new StorageException("corrupt " + what + ": " + value.length + " bytes instead of 8");
            }
            return ByteBuffer.wrap(value).order(ByteOrder.BIG_ENDIAN).getLong();
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot read " + what + ": " + ex.getMessage(), ex);
        }
    }

    private void write(final byte[] key, final long id, final String what) {
        if (id == NOT_SET) {
            throw new IllegalArgumentException(what + " must not be " + NOT_SET);
        }
        final byte[] value = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.BIG_ENDIAN).putLong(id).array();
        try (WriteOptions synced = new WriteOptions().setSync(true)) {
            db.put(cf, synced, key, value);
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot write " + what + ": " + ex.getMessage(), ex);
        }
    }
}
