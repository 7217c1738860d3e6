package io.tkv.storage;

import io.tkv.codec.keys.KeySpace;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

import java.util.Arrays;

/**
 * Finds where to split a region that grew too big, by reading its keys (TiKV's size and keys split checkers): from the
 * region's start, in key order, it sums each stored key and value, and the first key at which the sum reaches the split
 * size, or the count the split key count, is the split key — the new region starts there, so the region keeps less
 * than the split size. The key is strictly inside the region ({@link RegionDescriptor#canSplitAt}), or there is none.
 * Reads one RocksDB snapshot of the data column families, merged in key order (RawKV's keys and the transactional
 * locks, writes and values); a transactional version splits at its user key, so no split parts a key's versions.
 * Runs off the raft thread (it reads as much of the region as the split size). Not thread safe.
 */
public final class SplitKeyFinder {
    private final StorageEngine engine;

    public SplitKeyFinder(final StorageEngine engine) {
        this.engine = engine;
    }

    /**
     * @param splitBytes bytes of keys and values the region keeps at most.
     * @param splitKeys  keys the region keeps at most.
     * @return the split key, or null if the region holds less than that (or nothing it could be split at).
     */
    public byte[] find(final RegionDescriptor region, final long splitBytes, final long splitKeys) {
        return scan(region, splitBytes, splitKeys, false);
    }

    /**
     * The key that halves the region's bytes (PD asked for a split without a size): one pass to count, one to find.
     *
     * @return the split key, or null if the region has fewer than two keys.
     */
    public byte[] findHalf(final RegionDescriptor region) {
        final long[] total = new long[2];
        scanTotal(region, total);
        if (total[1] < 2) {
            return null;
        }
        // The first key past half the bytes: the region keeps half of them (as near as the keys allow).
        return scan(region, total[0] / 2 + 1, Long.MAX_VALUE, true);
    }

    private byte[] scan(final RegionDescriptor region, final long splitBytes, final long splitKeys,
        final boolean lastOneOk) {
        final Snapshot snapshot = engine.db().getSnapshot();
        try (ReadOptions read = new ReadOptions().setSnapshot(snapshot).setFillCache(false);
            Slice upper = region.end().length == 0 ? null : new Slice(region.end())) {
            if (upper != null) {
                read.setIterateUpperBound(upper);
            }
            long bytes = 0;
            long keys = 0;
            byte[] last = null;
            try (Merged it = new Merged(read, region.start())) {
                for (; it.isValid(); it.next()) {
                    final byte[] key = it.splitKey();
                    bytes += it.key().length + it.value().length;
                    keys++;
                    last = key;
                    if ((bytes >= splitBytes || keys >= splitKeys) && region.canSplitAt(key)) {
                        return key;
                    }
                }
            }
            return lastOneOk && last != null && region.canSplitAt(last) ? last : null;
        } finally {
            engine.db().releaseSnapshot(snapshot);
        }
    }

    private void scanTotal(final RegionDescriptor region, final long[] total) {
        final Snapshot snapshot = engine.db().getSnapshot();
        try (ReadOptions read = new ReadOptions().setSnapshot(snapshot).setFillCache(false);
            Slice upper = region.end().length == 0 ? null : new Slice(region.end())) {
            if (upper != null) {
                read.setIterateUpperBound(upper);
            }
            try (Merged it = new Merged(read, region.start())) {
                for (; it.isValid(); it.next()) {
                    total[0] += it.key().length + it.value().length;
                    total[1]++;
                }
            }
        } finally {
            engine.db().releaseSnapshot(snapshot);
        }
    }

    /**
     * The data column families read as one sequence in key order: RawKV's keys (in {@code default}) and the
     * transactional ones (versions in {@code default} and {@code write}, locks in {@code lock}). A transactional
     * version key ({@code 'x' mc(k) ~ts}) splits as its user key's {@code 'x' mc(k)} ({@link #splitKey}), so a split
     * never parts a key's versions, its lock and its values: they all sort at or after that key.
     */
    private final class Merged implements AutoCloseable {
        private final ColumnFamily[] families = {ColumnFamily.DEFAULT, ColumnFamily.LOCK, ColumnFamily.WRITE};
        private final RocksIterator[] iterators = new RocksIterator[families.length];
        private int current = -1;

        Merged(final ReadOptions read, final byte[] start) {
            for (int i = 0; i < families.length; i++) {
                iterators[i] = engine.db().newIterator(engine.handle(families[i]), read);
                iterators[i].seek(start);
            }
            pick();
        }

        boolean isValid() {
            return current >= 0;
        }

        byte[] key() {
            return iterators[current].key();
        }

        byte[] value() {
            return iterators[current].value();
        }

        /** @return where the region could split to keep the current key with all of its user key's data. */
        byte[] splitKey() {
            final byte[] key = key();
            final boolean version = families[current] != ColumnFamily.LOCK && key.length > 1 + Long.BYTES
                && key[0] == KeySpace.TXN;
            return version ? Arrays.copyOf(key, key.length - Long.BYTES) : key;
        }

        void next() {
            iterators[current].next();
            pick();
        }

        private void pick() {
            current = -1;
            byte[] smallest = null;
            for (int i = 0; i < iterators.length; i++) {
                if (iterators[i].isValid()) {
                    final byte[] key = iterators[i].key();
                    if (smallest == null || Arrays.compareUnsigned(key, smallest) < 0) {
                        smallest = key;
                        current = i;
                    }
                }
            }
        }

        @Override
        public void close() {
            for (final RocksIterator iterator : iterators) {
                if (iterator != null) {
                    iterator.close();
                }
            }
        }
    }
}
