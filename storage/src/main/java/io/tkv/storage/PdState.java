package io.tkv.storage;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Placement Driver's replicated state as one PD member applied it, persisted in the {@code raft} column family of
 * the member's own RocksDB under one key, so every entry's effect and the applied index move in one write:
 *
 * <pre>
 *   key   0x00 'p' 'd' 's' 't' 'a' 't' 'e'
 *   value int64 appliedIndex, int64 appliedTerm, int64 tsoLimitMs, int64 idEnd, int64 clusterId  (big-endian)
 * </pre>
 *
 * {@code clusterId} is 0 until the cluster is bootstrapped. Writes are not synced: the Raft log is durable first, and a
 * member replays it from the applied index after a crash (every PD entry is idempotent: limits only grow).
 */
public final class PdState implements AutoCloseable {
    private static final byte[] KEY = {0x00, 'p', 'd', 's', 't', 'a', 't', 'e'};
    private static final int VALUE_LENGTH = 5 * Long.BYTES;

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
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot read the PD state: " + ex.getMessage(), ex);
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
