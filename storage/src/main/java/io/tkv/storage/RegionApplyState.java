package io.tkv.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.agrona.concurrent.UnsafeBuffer;
import org.rocksdb.RocksDBException;

/**
 * How far a region's state machine has got: the index and term of the last Raft entry applied to RocksDB.
 * <p>
 * Persisted in the {@code raft} column family (layout in {@link RegionKeys}) only by an {@link ApplyBatch}, in the
 * same write batch as the data of the entries it covers, and by {@link RegionSnapshot#ingest}; so what a restarted
 * store finds here always matches its data, and it replays the Raft log from {@code appliedIndex + 1}.
 * <p>
 * <b>Single owner:</b> the apply agent. An {@link ApplyBatch} advances this object when it commits.
 */
public final class RegionApplyState {
    private final long regionId;
    private long appliedIndex;
    private long appliedTerm;

    RegionApplyState(final long regionId, final long appliedIndex, final long appliedTerm) {
        this.regionId = regionId;
        this.appliedIndex = appliedIndex;
        this.appliedTerm = appliedTerm;
    }

    /**
     * Reads a region's apply state; a region never applied to is at (0, 0).
     *
     * @param engine   the open engine.
     * @param regionId the region.
     * @return the state as persisted.
     * @throws StorageException if the value is corrupt, RocksDB fails, or a snapshot ingest of the region was
     *                          interrupted: then the region's data is half replaced, and must be cleared with
     *                          {@link RegionSnapshot#discardInterruptedIngest} (or replaced by a new ingest) before
     *                          anything is applied to it.
     */
    public static RegionApplyState load(final StorageEngine engine, final long regionId) {
        final UnsafeBuffer key = new UnsafeBuffer(new byte[RegionKeys.APPLY_STATE_KEY_LENGTH]);
        RegionKeys.applyStateKey(key, regionId);
        try {
            if (engine.db().get(engine.handle(ColumnFamily.RAFT), RegionKeys.ingestMarkerKey(regionId)) != null) {
                throw new StorageException("region " + regionId + ": a snapshot ingest was interrupted, its data is " +
                    "half replaced; discard it (RegionSnapshot.discardInterruptedIngest) or ingest a snapshot again");
            }
            return decode(regionId, engine.db().get(engine.handle(ColumnFamily.RAFT), key.byteArray()));
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot read apply state of region " + regionId + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Decodes a persisted value; null means never applied.
     */
    static RegionApplyState decode(final long regionId, final byte[] value) {
        if (value == null) {
            return new RegionApplyState(regionId, 0, 0);
        }
        if (value.length != RegionKeys.TWO_LONGS_LENGTH) {
            throw new StorageException(
                "corrupt apply state of region " + regionId + ": " + value.length + " bytes instead of 16");
        }
        final ByteBuffer buffer = ByteBuffer.wrap(value).order(ByteOrder.BIG_ENDIAN);
        return new RegionApplyState(regionId, buffer.getLong(), buffer.getLong());
    }

    /**
     * @return the region.
     */
    public long regionId() {
        return regionId;
    }

    /**
     * @return index of the last entry whose effects are in RocksDB; 0 if none.
     */
    public long appliedIndex() {
        return appliedIndex;
    }

    /**
     * @return term of that entry; 0 if none.
     */
    public long appliedTerm() {
        return appliedTerm;
    }

    /** Called by a committed {@link ApplyBatch}, after the write that persisted the new state. */
    void advance(final long index, final long term) {
        appliedIndex = index;
        appliedTerm = term;
    }

    @Override
    public String toString() {
        return "RegionApplyState{regionId=" + regionId + ", appliedIndex=" + appliedIndex +
            ", appliedTerm=" + appliedTerm + '}';
    }
}
