package io.tkv.storage;

import org.agrona.concurrent.UnsafeBuffer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Stages the state of a region a split creates, in the write batch of the split entry
 * ({@link ApplyBatch#createSplitRegion}): its descriptor, its apply state at the split's initial point, and a copy of
 * the parent's dedup records under the new region's band — what the parent remembers of each client's writes goes
 * with the keys to both sides, so a retry of a write that reaches either region after the split is answered from its
 * record instead of applied again. The records copied are the parent's committed ones (the split entry is alone in
 * its batch), the same on every replica.
 */
final class SplitStaging {
    private SplitStaging() {
    }

    /** @return how many dedup keys were copied. */
    static int stage(
        final StorageEngine engine, final WriteBatch batch, final long parentId, final RegionDescriptor region,
        final long index, final long term) {
        final ColumnFamilyHandle raft = engine.handle(ColumnFamily.RAFT);
        int copied = 0;
        try (Slice lower = new Slice(RegionKeys.bandStart(parentId));
            Slice upper = new Slice(RegionKeys.bandEnd(parentId));
            ReadOptions options = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
            RocksIterator it = engine.db().newIterator(raft, options)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                final byte[] key = it.key();
                if (RegionKeys.kind(new UnsafeBuffer(key), key.length) != RegionKeys.KIND_DEDUP) {
                    continue;
                }
                final byte[] copy = key.clone();
                ByteBuffer.wrap(copy, 1, Long.BYTES).order(ByteOrder.BIG_ENDIAN).putLong(region.id());
                batch.put(raft, copy, it.value());
                copied++;
            }
            it.status();
            final byte[] state = new byte[RegionKeys.TWO_LONGS_LENGTH];
            ByteBuffer.wrap(state).order(ByteOrder.BIG_ENDIAN).putLong(index).putLong(term);
            final UnsafeBuffer stateKey = new UnsafeBuffer(new byte[RegionKeys.APPLY_STATE_KEY_LENGTH]);
            RegionKeys.applyStateKey(stateKey, region.id());
            batch.put(raft, stateKey.byteArray(), state);
            batch.put(raft, RegionKeys.regionKey(region.id()), region.encode());
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot stage region " + region.id() + " split from " + parentId + ": "
                + ex.getMessage(), ex);
        }
        return copied;
    }
}
