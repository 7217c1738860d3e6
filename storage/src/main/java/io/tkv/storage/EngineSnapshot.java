package io.tkv.storage;

import java.util.ArrayList;
import java.util.List;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * A {@link KvSnapshot} over a RocksDB snapshot of a {@link StorageEngine}: the reads of one transaction command or
 * of one MVCC read. Closing it closes the cursors still open and releases the snapshot (RocksDB keeps the versions
 * it pins until then, so a snapshot must not outlive its command). One owner; close it before the engine.
 */
public final class EngineSnapshot implements KvSnapshot, AutoCloseable {
    private final StorageEngine engine;
    private final RocksDB db;
    private final Snapshot snapshot;
    private final ReadOptions readOptions;
    private final List<Cursor> openCursors = new ArrayList<>();
    private boolean closed;

    /**
     * Takes a snapshot of the engine's current state.
     *
     * @param engine the open engine.
     */
    public EngineSnapshot(final StorageEngine engine) {
        this.engine = engine;
        this.db = engine.db();
        this.snapshot = db.getSnapshot();
        this.readOptions = new ReadOptions().setSnapshot(snapshot);
    }

    @Override
    public byte[] get(final ColumnFamily family, final byte[] key) {
        ensureOpen();
        try {
            return db.get(engine.handle(family), readOptions, key);
        } catch (final RocksDBException ex) {
            throw new StorageException("snapshot read of CF " + family.cfName() + " failed: " + ex.getMessage(), ex);
        }
    }

    @Override
    public KvCursor cursor(final ColumnFamily family, final byte[] lowerInclusive, final byte[] upperExclusive) {
        ensureOpen();
        final Cursor cursor = new Cursor(family, lowerInclusive, upperExclusive);
        openCursors.add(cursor);
        return cursor;
    }

    /**
     * Closes the open cursors and releases the snapshot. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (final Cursor cursor : new ArrayList<>(openCursors)) {
            cursor.close();
        }
        readOptions.close();
        if (!engineClosed()) {
            db.releaseSnapshot(snapshot);
        }
    }

    private boolean engineClosed() {
        try {
            engine.ensureOpen();
            return false;
        } catch (final StorageException ex) {
            return true;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("engine snapshot is closed");
        }
        engine.ensureOpen();
    }

    /** One RocksDB iterator with its own bounds (bounds live in the read options, so one set per cursor). */
    private final class Cursor implements KvCursor {
        private final ColumnFamily family;
        private final Slice lower;
        private final Slice upper;
        private final ReadOptions options;
        private final RocksIterator iterator;
        private boolean cursorClosed;

        Cursor(final ColumnFamily family, final byte[] lowerInclusive, final byte[] upperExclusive) {
            this.family = family;
            this.lower = lowerInclusive == null ? null : new Slice(lowerInclusive);
            this.upper = upperExclusive == null ? null : new Slice(upperExclusive);
            this.options = new ReadOptions().setSnapshot(snapshot);
            if (lower != null) {
                options.setIterateLowerBound(lower);
            }
            if (upper != null) {
                options.setIterateUpperBound(upper);
            }
            this.iterator = db.newIterator(engine.handle(family), options);
        }

        @Override
        public void seek(final byte[] key) {
            iterator.seek(key);
        }

        @Override
        public void seekForPrev(final byte[] key) {
            iterator.seekForPrev(key);
        }

        @Override
        public void seekToFirst() {
            iterator.seekToFirst();
        }

        @Override
        public void seekToLast() {
            iterator.seekToLast();
        }

        @Override
        public boolean valid() {
            if (iterator.isValid()) {
                return true;
            }
            try {
                iterator.status();
            } catch (final RocksDBException ex) {
                throw new StorageException(
                    "snapshot scan of CF " + family.cfName() + " failed: " + ex.getMessage(), ex);
            }
            return false;
        }

        @Override
        public byte[] key() {
            return iterator.key();
        }

        @Override
        public byte[] value() {
            return iterator.value();
        }

        @Override
        public void next() {
            iterator.next();
        }

        @Override
        public void prev() {
            iterator.prev();
        }

        @Override
        public void close() {
            if (cursorClosed) {
                return;
            }
            cursorClosed = true;
            openCursors.remove(this);
            iterator.close();
            options.close();
            if (lower != null) {
                lower.close();
            }
            if (upper != null) {
                upper.close();
            }
        }
    }
}
