package io.tkv.storage;

import org.agrona.concurrent.UnsafeBuffer;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A hash over everything a region's state machine owns on a store — every key and value of its data range in every
 * data column family, and its band of the {@code raft} family (apply state and dedup records) — to compare replicas:
 * two replicas that applied the same log up to the same index must give the same hash, or the apply path is not a
 * pure function of the log. SHA-256 over {@code family, (keyLength, key, valueLength, value)*} in key order, the
 * first 8 bytes kept.
 *
 * <p>Reads a RocksDB snapshot, so it may run beside writes; it reads the whole region, so it is an admin tool.
 */
public final class RegionChecksum {
    /**
     * @param checksum     the first 8 bytes of the hash.
     * @param keys         how many keys it covered (every family).
     * @param appliedIndex the region's applied index in the state it hashed.
     */
    public record Result(long checksum, long keys, long appliedIndex) {
    }

    private RegionChecksum() {
    }

    /**
     * @param engine    the store's engine.
     * @param regionId  the region.
     * @param dataRange the region's data range.
     * @return the region's checksum.
     * @throws StorageException if RocksDB fails.
     */
    public static Result compute(final StorageEngine engine, final long regionId, final KeyRange dataRange) {
        final MessageDigest digest = sha256();
        final RocksDB db = engine.db();
        final Snapshot snapshot = db.getSnapshot();
        long keys = 0;
        final long appliedIndex;
        try (ReadOptions read = new ReadOptions().setSnapshot(snapshot)) {
            appliedIndex = RegionApplyState.decode(regionId,
                db.get(engine.handle(ColumnFamily.RAFT), read, applyStateKey(regionId))).appliedIndex();
            for (final ColumnFamily family : ColumnFamily.values()) {
                final boolean band = family == ColumnFamily.RAFT;
                final byte[] start = band ? RegionKeys.bandStart(regionId) : dataRange.startRef();
                final byte[] end = band ? RegionKeys.bandEnd(regionId) : dataRange.endRef();
                digest.update((byte)family.ordinal());
                keys += hashRange(db, engine, family, snapshot, start, end, digest);
            }
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot checksum region " + regionId + ": " + ex.getMessage(), ex);
        } finally {
            db.releaseSnapshot(snapshot);
        }
        return new Result(ByteBuffer.wrap(digest.digest()).getLong(), keys, appliedIndex);
    }

    private static long hashRange(
        final RocksDB db, final StorageEngine engine, final ColumnFamily family, final Snapshot snapshot,
        final byte[] start, final byte[] end, final MessageDigest digest) {
        long keys = 0;
        final ByteBuffer length = ByteBuffer.allocate(Integer.BYTES);
        try (Slice upper = end.length == 0 ? null : new Slice(end);
             ReadOptions read = new ReadOptions().setSnapshot(snapshot)) {
            if (upper != null) {
                read.setIterateUpperBound(upper);
            }
            try (RocksIterator it = db.newIterator(engine.handle(family), read)) {
                for (it.seek(start); it.isValid(); it.next()) {
                    final byte[] key = it.key();
                    final byte[] value = it.value();
                    digest.update(length.clear().putInt(key.length).array());
                    digest.update(key);
                    digest.update(length.clear().putInt(value.length).array());
                    digest.update(value);
                    keys++;
                }
            }
        }
        return keys;
    }

    private static byte[] applyStateKey(final long regionId) {
        final byte[] key = new byte[RegionKeys.APPLY_STATE_KEY_LENGTH];
        RegionKeys.applyStateKey(new UnsafeBuffer(key), regionId);
        return key;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 unavailable", ex);
        }
    }
}
