package io.tkv.storage;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collection;
import java.util.Collections;
import java.util.TreeMap;

/**
 * The Placement Driver's replicated state as one PD member applied it, persisted in the {@code raft} column family of
 * the member's own RocksDB under one key, so every entry's effect and the applied index move in one write:
 *
 * <pre>
 *   key   0x00 'p' 'd' 's' 't' 'a' 't' 'e'
 *   value int64 appliedIndex, int64 appliedTerm, int64 tsoLimitMs, int64 idEnd, int64 clusterId  (big-endian)
 *
 *   key   0x00 'p' 'd' 's' 't' 'o' 'r' 'e' int64 storeId (big-endian)      one per registered store
 *   value a {@link PdStoreRecord}
 *
 *   key   0x00 'p' 'd' 'g' 'c' 's' 'p'                                 once a GC safe point was applied
 *   value the GC safe point's record, opaque here (its format and rules: {@code io.tkv.pd.gc.GcSafePoint})
 * </pre>
 *
 * {@code clusterId} is 0 until the cluster is bootstrapped. A store record and the applied index move in one write
 * batch. Writes are not synced: the Raft log is durable first, and a member replays it from the applied index after a
 * crash (every PD entry is idempotent: limits only grow, a store record is replaced by the same record). The store
 * records are held in memory too (loaded at start): PD holds at most its configured number of stores.
 */
public final class PdState implements AutoCloseable {
    /** The longest GC safe point record taken. */
    public static final int MAX_GC_SAFE_POINT_RECORD_BYTES = 64;
    private static final byte[] KEY = {0x00, 'p', 'd', 's', 't', 'a', 't', 'e'};
    private static final int VALUE_LENGTH = 5 * Long.BYTES;
    private static final byte[] STORE_PREFIX = {0x00, 'p', 'd', 's', 't', 'o', 'r', 'e'};
    private static final byte[] STORE_PREFIX_END = {0x00, 'p', 'd', 's', 't', 'o', 'r', 'f'};
    private static final byte[] GC_SAFE_POINT_KEY = {0x00, 'p', 'd', 'g', 'c', 's', 'p'};

    private final RocksDB db;
    private final ColumnFamilyHandle cf;
    private final WriteOptions writeOptions = new WriteOptions().setSync(false);
    private final byte[] value = new byte[VALUE_LENGTH];
    private final ByteBuffer view = ByteBuffer.wrap(value).order(ByteOrder.BIG_ENDIAN);
    private long appliedIndex;
    private long appliedTerm;
    private long tsoLimitMs;
    private long idEnd;
    private long clusterId;
    private final TreeMap<Long, PdStoreRecord> stores = new TreeMap<>();
    private byte[] gcSafePointRecord;

    /**
     * Loads the state the member applied last (all zero on a new member).
     *
     * @param engine the member's engine; must outlive this object.
     */
    public PdState(final StorageEngine engine) {
        this.db = engine.db();
        this.cf = engine.handle(ColumnFamily.RAFT);
        try {
            final byte[] stored = db.get(cf, KEY);
            if (stored != null) {
                if (stored.length != VALUE_LENGTH) {
                    throw new StorageException("PD state of " + stored.length + " bytes, expected " + VALUE_LENGTH);
                }
                final ByteBuffer in = ByteBuffer.wrap(stored).order(ByteOrder.BIG_ENDIAN);
                appliedIndex = in.getLong();
                appliedTerm = in.getLong();
                tsoLimitMs = in.getLong();
                idEnd = in.getLong();
                clusterId = in.getLong();
            }
            gcSafePointRecord = db.get(cf, GC_SAFE_POINT_KEY);
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot read the PD state: " + ex.getMessage(), ex);
        }
        loadStores();
    }

    private void loadStores() {
        try (Slice lower = new Slice(STORE_PREFIX);
            Slice upper = new Slice(STORE_PREFIX_END);
            ReadOptions options = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
            RocksIterator it = db.newIterator(cf, options)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                final PdStoreRecord record;
                try {
                    record = PdStoreRecord.decode(ByteBuffer.wrap(it.value()).order(ByteOrder.BIG_ENDIAN));
                } catch (final IllegalArgumentException ex) {
                    throw new StorageException("unreadable PD store record: " + ex.getMessage(), ex);
                }
                stores.put(record.storeId(), record);
            }
        }
    }

    /**
     * Records one applied entry and what it changed, in one write. Limits only grow: a lower value keeps the current
     * one, so replaying an entry after a crash, or a save that lost a race, changes nothing.
     *
     * @param index      the entry's index.
     * @param term       the entry's term.
     * @param tsoLimitMs a TSO limit the entry saves, or 0.
     * @param idEnd      an id range end the entry saves, or 0.
     * @param clusterId  the cluster id a bootstrap entry records, or 0.
     */
    public void apply(
        final long index, final long term, final long tsoLimitMs, final long idEnd, final long clusterId) {
        appliedIndex = index;
        appliedTerm = term;
        this.tsoLimitMs = Math.max(this.tsoLimitMs, tsoLimitMs);
        this.idEnd = Math.max(this.idEnd, idEnd);
        if (this.clusterId == 0 && clusterId != 0) {
            this.clusterId = clusterId;
        }
        view.clear();
        view.putLong(appliedIndex).putLong(appliedTerm).putLong(this.tsoLimitMs).putLong(this.idEnd)
            .putLong(this.clusterId);
        try {
            db.put(cf, writeOptions, KEY, value);
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot write the PD state at index " + index + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Records one applied entry that registers or updates a store, with the applied index, in one write batch.
     *
     * @param index  the entry's index.
     * @param term   the entry's term.
     * @param record the store as the entry records it (replaces what was recorded for its id).
     */
    public void applyStore(final long index, final long term, final PdStoreRecord record) {
        appliedIndex = index;
        appliedTerm = term;
        view.clear();
        view.putLong(appliedIndex).putLong(appliedTerm).putLong(tsoLimitMs).putLong(idEnd).putLong(clusterId);
        final byte[] storeKey = ByteBuffer.allocate(STORE_PREFIX.length + Long.BYTES).order(ByteOrder.BIG_ENDIAN)
            .put(STORE_PREFIX).putLong(record.storeId()).array();
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(cf, storeKey, record.encode());
            batch.put(cf, KEY, value);
            db.write(writeOptions, batch);
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot write PD store " + record.storeId() + " at index " + index + ": "
                + ex.getMessage(), ex);
        }
        stores.put(record.storeId(), record);
    }

    /**
     * Records one applied entry that sets the GC safe point, with the applied index, in one write batch.
     *
     * @param index  the entry's index.
     * @param term   the entry's term.
     * @param record the safe point's record after the entry (the caller applied its rules).
     */
    public void applyGcSafePoint(final long index, final long term, final byte[] record) {
        if (record.length > MAX_GC_SAFE_POINT_RECORD_BYTES) {
            throw new IllegalArgumentException("GC safe point record of " + record.length + " bytes");
        }
        appliedIndex = index;
        appliedTerm = term;
        view.clear();
        view.putLong(appliedIndex).putLong(appliedTerm).putLong(tsoLimitMs).putLong(idEnd).putLong(clusterId);
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(cf, GC_SAFE_POINT_KEY, record);
            batch.put(cf, KEY, value);
            db.write(writeOptions, batch);
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot write the GC safe point at index " + index + ": " + ex.getMessage(), ex);
        }
        gcSafePointRecord = record.clone();
    }

    /** @return the GC safe point's record as last applied, or null if none was. */
    public byte[] gcSafePointRecord() {
        return gcSafePointRecord == null ? null : gcSafePointRecord.clone();
    }

    /** @return the store recorded under this id, or null. */
    public PdStoreRecord store(final long storeId) {
        return stores.get(storeId);
    }

    /** @return every recorded store, in id order (read-only). */
    public Collection<PdStoreRecord> stores() {
        return Collections.unmodifiableCollection(stores.values());
    }

    /** @return the index of the last entry applied (0: none). */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** @return the term of the last entry applied. */
    public long appliedTerm() {
        return appliedTerm;
    }

    /** @return the highest TSO limit saved (physical ms), 0 if none. */
    public long tsoLimitMs() {
        return tsoLimitMs;
    }

    /** @return the highest id range end saved, 0 if none. */
    public long idEnd() {
        return idEnd;
    }

    /** @return the cluster id the cluster was bootstrapped with, 0 if not bootstrapped. */
    public long clusterId() {
        return clusterId;
    }

    /** Releases the native write options; the engine is the caller's. */
    @Override
    public void close() {
        writeOptions.close();
    }
}
