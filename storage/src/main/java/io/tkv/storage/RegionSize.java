package io.tkv.storage;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Range;
import org.rocksdb.RocksDBException;
import org.rocksdb.SizeApproximationFlag;
import org.rocksdb.Slice;

import java.util.List;

/**
 * A region's approximate size in the data column families, from RocksDB's metadata (SST files and memtables), without
 * reading the data: bytes as RocksDB estimates them for the range, and keys as the column family's estimated key count
 * in proportion to those bytes. What a region reports for splitting and balancing (TiKV's approximate size and keys);
 * cheap enough for any thread, and never exact.
 */
public final class RegionSize {
    /** Past every stored key: every key space begins with a byte below 0xFF. */
    private static final byte[] PAST_ALL_KEYS = {(byte)0xFF, (byte)0xFF};
    private static final byte[] FIRST_KEY = {};
    private static final ColumnFamily[] DATA_FAMILIES = {ColumnFamily.DEFAULT, ColumnFamily.LOCK, ColumnFamily.WRITE};

    private final StorageEngine engine;

    public RegionSize(final StorageEngine engine) {
        this.engine = engine;
    }

    /**
     * @param range the region's range.
     * @return {bytes, keys}, approximate.
     * @throws StorageException if RocksDB fails.
     */
    public long[] estimate(final KeyRange range) {
        long bytes = 0;
        long keys = 0;
        for (final ColumnFamily family : DATA_FAMILIES) {
            final ColumnFamilyHandle handle = engine.handle(family);
            try (Slice start = new Slice(range.startRef()); Slice end = new Slice(range.hasEnd() ? range.endRef()
                : PAST_ALL_KEYS); Slice first = new Slice(FIRST_KEY); Slice last = new Slice(PAST_ALL_KEYS)) {
                final long[] sizes = engine.db().getApproximateSizes(handle,
                    List.of(new Range(start, end), new Range(first, last)), SizeApproximationFlag.INCLUDE_FILES,
                    SizeApproximationFlag.INCLUDE_MEMTABLES);
                final long familyKeys = engine.db().getLongProperty(handle, "rocksdb.estimate-num-keys");
                bytes += sizes[0];
                keys += sizes[1] == 0 ? 0 : Math.round((double)familyKeys * sizes[0] / sizes[1]);
            } catch (final RocksDBException ex) {
                throw new StorageException("cannot estimate the size of " + range + ": " + ex.getMessage(), ex);
            }
        }
        return new long[] {bytes, keys};
    }
}
