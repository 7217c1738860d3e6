package io.tkv.storage;

import java.nio.ByteBuffer;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.EpochClock;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RawKV state machine: plain keys and values with an optional time to live, over the {@code default} column
 * family of a {@link StorageEngine} (layout in {@link RawFormat}).
 * <p>
 * <b>Single-threaded:</b> owned by one apply agent. It reuses its buffers, write batch and options across calls
 * so the hot paths allocate nothing per call, which makes it unsafe to share; use one store per owning thread.
 * <p>
 * Keys and values are passed as slices of Agrona buffers, so a caller can hand in the bytes of a received frame
 * without copying them into arrays. Every mutating call is one atomic RocksDB write batch written with
 * {@code sync=false}; durability comes from the owner calling {@link StorageEngine#syncWal()} as its
 * {@link FsyncPolicy} says before it acknowledges.
 * <p>
 * The replicated apply path writes through an {@link ApplyBatch} instead, with time taken from the Raft entries;
 * this store's reads (gets and scans served to clients) stay as they are, and its writes remain for a store
 * without replication and for tests.
 * <p>
 * Expiry is judged by the injected clock at each call: a value whose expiry is at or before now is invisible to
 * every read, and counts as absent for compare-and-swap. Expired values stay on disk until overwritten or deleted.
 */
public final class RawKvStore implements AutoCloseable {
    private static final int INITIAL_KEY_CAPACITY = 256;
    private static final int INITIAL_VALUE_CAPACITY = 4096;
    /**
     * How much of a value a scan copies before it knows whether the value expired: the header and, in the same JNI
     * call, the whole of a small value. A larger value is copied again whole only if it is live, so skipping an
     * expired one never costs a copy of it.
     */
    private static final int SCAN_FIRST_READ_BYTES = 1024;

    private final StorageEngine engine;
    private final RocksDB db;
    private final ColumnFamilyHandle cf;
    private final EpochClock clock;
    private final WriteOptions writeOptions;
    private final ReadOptions getOptions;
    private final WriteBatch batch;
    private final ScanBounds scanBounds;
    private final CasResult casResult = new CasResult();

    // Encoded key and value of point operations, handed to RocksDB as direct ByteBuffers.
    private final ExpandableDirectByteBuffer keyScratch = new ExpandableDirectByteBuffer(INITIAL_KEY_CAPACITY);
    private final ExpandableDirectByteBuffer valueScratch = new ExpandableDirectByteBuffer(INITIAL_VALUE_CAPACITY);
    // Separate buffers for scans, so a visitor may call get or put without clobbering the pair it was given.
    private final ExpandableDirectByteBuffer scanKey = new ExpandableDirectByteBuffer(INITIAL_KEY_CAPACITY);
    private final ExpandableDirectByteBuffer scanValue = new ExpandableDirectByteBuffer(INITIAL_VALUE_CAPACITY);

    // Header length of the value found by the last lookup, so callers find the user value in valueScratch.
    private int lookupHeaderLength;
    private boolean batchOpen;
    private long batchNowMs;
    private int batchStaged;
    private boolean scanning;

    /**
     * @param engine the open engine; must outlive this store (stop the owning agent before closing the engine).
     * @param clock  epoch milliseconds, for TTL (inject a manual clock in tests).
     * @throws StorageException if the engine is closed.
     */
    public RawKvStore(final StorageEngine engine, final EpochClock clock) {
        this.engine = engine;
        this.db = engine.db();
        this.cf = engine.handle(ColumnFamily.DEFAULT);
        this.clock = clock;
        // Native objects last, so a closed engine fails above without leaking them.
        this.writeOptions = new WriteOptions().setSync(false);
        this.getOptions = new ReadOptions();
        this.batch = new WriteBatch();
        this.scanBounds = new ScanBounds();
    }

    /**
     * Reads the value of a key.
     *
     * @param key       buffer holding the key.
     * @param keyOffset offset of the key.
     * @param keyLength length of the key.
     * @param valueOut  receives the value at offset 0, growing as needed; untouched when absent.
     * @return the value length, or -1 when the key is absent or its value expired.
     */
    public int get(
        final DirectBuffer key, final int keyOffset, final int keyLength, final ExpandableDirectByteBuffer valueOut) {
        final int valueLength = lookup(key, keyOffset, keyLength, clock.time());
        if (valueLength >= 0) {
            valueOut.putBytes(0, valueScratch, lookupHeaderLength, valueLength);
        }
        return valueLength;
    }

    /**
     * Writes a key's value, replacing any previous value and TTL.
     *
     * @param ttlSeconds time to live from now, 0 for none.
     * @throws IllegalStateException if a batch is open.
     */
    public void put(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength,
        final long ttlSeconds) {
        ensureNoBatch();
        final long expiryMs = RawFormat.expiryMs(clock.time(), ttlSeconds);
        try {
            batchPut(key, keyOffset, keyLength, value, valueOffset, valueLength, expiryMs);
            writeBatch("put");
        } finally {
            batch.clear();
        }
    }

    /**
     * Deletes a key; deleting an absent key is not an error.
     *
     * @throws IllegalStateException if a batch is open.
     */
    public void delete(final DirectBuffer key, final int keyOffset, final int keyLength) {
        ensureNoBatch();
        try {
            batchDelete(key, keyOffset, keyLength);
            writeBatch("delete");
        } finally {
            batch.clear();
        }
    }

    /**
     * Opens a batch of puts and deletes to be written atomically by {@link #commitBatch()}. Nothing staged is
     * visible, to this store or any reader, before the commit; {@link #abortBatch()} discards it. TTLs of staged
     * puts are counted from the clock as read here, so one TTL gives every pair of the batch the same expiry.
     *
     * @throws IllegalStateException if a batch is already open.
     */
    public void beginBatch() {
        ensureNoBatch();
        batch.clear();
        batchOpen = true;
        batchStaged = 0;
        batchNowMs = clock.time();
    }

    /**
     * Stages a put in the open batch; a later stage of the same key in the batch wins. If staging fails (a
     * negative TTL, a RocksDB error) the whole batch is aborted before the exception propagates.
     *
     * @param ttlSeconds time to live from {@link #beginBatch()}, 0 for none.
     * @throws IllegalStateException if no batch is open.
     */
    public void stagePut(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength,
        final long ttlSeconds) {
        ensureBatch();
        try {
            final long expiryMs = RawFormat.expiryMs(batchNowMs, ttlSeconds);
            batchPut(key, keyOffset, keyLength, value, valueOffset, valueLength, expiryMs);
        } catch (final RuntimeException ex) {
            // Half a batch must never be committable: a request with one bad pair fails as a whole.
            closeBatch();
            throw ex;
        }
        batchStaged++;
    }

    /**
     * Stages a delete in the open batch. If staging fails the whole batch is aborted.
     *
     * @throws IllegalStateException if no batch is open.
     */
    public void stageDelete(final DirectBuffer key, final int keyOffset, final int keyLength) {
        ensureBatch();
        try {
            batchDelete(key, keyOffset, keyLength);
        } catch (final RuntimeException ex) {
            closeBatch();
            throw ex;
        }
        batchStaged++;
    }

    /**
     * @return the number of operations staged in the open batch, 0 when none is open.
     */
    public int stagedCount() {
        return batchOpen ? batchStaged : 0;
    }

    /**
     * Writes the open batch atomically and closes it. On failure nothing of it was written and it is closed.
     *
     * @throws IllegalStateException if no batch is open.
     */
    public void commitBatch() {
        ensureBatch();
        try {
            writeBatch("batch write");
        } finally {
            closeBatch();
        }
    }

    /**
     * Discards the open batch, if any.
     */
    public void abortBatch() {
        closeBatch();
    }

    /**
     * Deletes every raw key in {@code [start, end)}, expired or not, with one range tombstone.
     *
     * @param endLength 0 for no end: delete to the end of the raw key space.
     * @throws IllegalStateException if a batch is open.
     */
    public void deleteRange(
        final DirectBuffer start, final int startOffset, final int startLength,
        final DirectBuffer end, final int endOffset, final int endLength) {
        ensureNoBatch();
        if (RawFormat.isEmptyRange(start, startOffset, startLength, end, endOffset, endLength)) {
            return;
        }
        // A cold path: plain arrays, as WriteBatch.deleteRange takes no ByteBuffers.
        final byte[] begin = RawFormat.keyArray(start, startOffset, startLength);
        final byte[] limit = RawFormat.rangeEndArray(end, endOffset, endLength);
        engine.ensureOpen();
        try {
            batch.deleteRange(cf, begin, limit);
            writeBatch("deleteRange");
        } catch (final RocksDBException ex) {
            throw new StorageException("raw deleteRange failed: " + ex.getMessage(), ex);
        } finally {
            batch.clear();
        }
    }

    /**
     * Visits the unexpired pairs of {@code [start, end)}: ascending from {@code start}, or descending from the
     * largest key below {@code end} when {@code reverse}. Sees a consistent snapshot taken at the start; the
     * visitor may call {@link #get}, {@link #put} and the like, but not start another scan. Skips expired values
     * however many there are: see the other {@code scan} to bound that.
     *
     * @param endLength 0 for no end: scan to the end of the raw key space.
     * @param limit     the most pairs to visit; 0 visits none.
     * @param keyOnly   pass an empty value to the visitor (values are still read far enough to check expiry).
     * @param visitor   receives each pair; returning false stops the scan.
     * @return the number of pairs passed to the visitor.
     * @throws IllegalStateException if called from within a scan's visitor.
     */
    public int scan(
        final DirectBuffer start, final int startOffset, final int startLength,
        final DirectBuffer end, final int endOffset, final int endLength,
        final int limit, final boolean reverse, final boolean keyOnly, final ScanVisitor visitor) {
        return scan(start, startOffset, startLength, end, endOffset, endLength, limit, Integer.MAX_VALUE, reverse,
            keyOnly, visitor);
    }

    /**
     * As the other {@code scan}, examining at most {@code maxSkipped} expired values: expired values stay on disk
     * until overwritten or deleted, so a range full of them would otherwise make one scan walk all of them before
     * it finds {@code limit} live pairs. When the budget is spent before the limit and before the end of the range,
     * the scan stops and tells the visitor where to go on ({@link ScanVisitor#onSkipBudgetSpent}). So a scan examines
     * at most {@code limit + maxSkipped + 1} entries (the last to find where to resume).
     *
     * @param maxSkipped the most expired values to skip, at least 1.
     * @return the number of pairs passed to the visitor.
     * @throws IllegalArgumentException if {@code limit < 0} or {@code maxSkipped < 1}.
     * @throws IllegalStateException    if called from within a scan's visitor.
     */
    public int scan(
        final DirectBuffer start, final int startOffset, final int startLength,
        final DirectBuffer end, final int endOffset, final int endLength,
        final int limit, final int maxSkipped, final boolean reverse, final boolean keyOnly,
        final ScanVisitor visitor) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        if (maxSkipped < 1) {
            throw new IllegalArgumentException("maxSkipped must be >= 1, was " + maxSkipped);
        }
        if (scanning) {
            throw new IllegalStateException("nested scan: the store's scan buffers are in use");
        }
        if (limit == 0 || RawFormat.isEmptyRange(start, startOffset, startLength, end, endOffset, endLength)) {
            return 0;
        }
        engine.ensureOpen();
        scanning = true;
        try {
            scanBounds.setRawRange(start, startOffset, startLength, end, endOffset, endLength);
            return iterate(clock.time(), limit, maxSkipped, reverse, keyOnly, visitor);
        } finally {
            scanning = false;
        }
    }

    private int iterate(
        final long nowMs, final int limit, final int maxSkipped, final boolean reverse, final boolean keyOnly,
        final ScanVisitor visitor) {
        try (RocksIterator it = db.newIterator(cf, scanBounds.readOptions())) {
            // With bounds set, seekToFirst seeks to the lower bound and seekToLast to the last key below the upper.
            if (reverse) {
                it.seekToLast();
            } else {
                it.seekToFirst();
            }
            int visited = 0;
            int skipped = 0;
            final int firstRead = keyOnly ? RawFormat.HEADER_LENGTH_TTL : SCAN_FIRST_READ_BYTES;
            while (it.isValid() && visited < limit) {
                final int keyLength = readIteratorKey(it);
                final int storedLength = readIteratorValue(it, firstRead);
                final int headerLength = RawFormat.headerLength(scanValue, storedLength);
                if (!RawFormat.isExpired(scanValue, nowMs)) {
                    visited++;
                    if (!keyOnly && storedLength > firstRead) {
                        readIteratorValue(it, storedLength);
                    }
                    final int valueLength = keyOnly ? 0 : storedLength - headerLength;
                    final boolean more = visitor.onPair(
                        scanKey, RawFormat.KEY_PREFIX_LENGTH, keyLength - RawFormat.KEY_PREFIX_LENGTH,
                        scanValue, headerLength, valueLength);
                    if (!more) {
                        break;
                    }
                } else if (++skipped == maxSkipped) {
                    stopOnSkipBudget(it, keyLength, reverse, visitor);
                    break;
                }
                step(it, reverse);
            }
            // An iterator that stops being valid may have stopped on an I/O error rather than the end.
            it.status();
            return visited;
        } catch (final RocksDBException ex) {
            throw new StorageException("raw scan failed: " + ex.getMessage(), ex);
        }
    }

    /**
     * The skip budget is spent on the entry just examined, whose raw key is in {@link #scanKey}: tells the visitor
     * where to resume, unless that entry was the last of the range.
     */
    private void stopOnSkipBudget(
        final RocksIterator it, final int lastKeyLength, final boolean reverse, final ScanVisitor visitor) {
        step(it, reverse);
        if (!it.isValid()) {
            return;
        }
        // Forward: the first key not examined, the next start (inclusive). Reverse: the last key examined, the next
        // end (exclusive), already in scanKey.
        final int keyLength = reverse ? lastKeyLength : readIteratorKey(it);
        visitor.onSkipBudgetSpent(scanKey, RawFormat.KEY_PREFIX_LENGTH, keyLength - RawFormat.KEY_PREFIX_LENGTH);
    }

    private static void step(final RocksIterator it, final boolean reverse) {
        if (reverse) {
            it.prev();
        } else {
            it.next();
        }
    }

    /**
     * Writes {@code newValue} if the key's current value is as expected: absent (or expired) when
     * {@code expectAbsent}, else present and equal to {@code expected}. Either way, reports the previous value.
     *
     * @param expected    ignored when {@code expectAbsent}.
     * @param ttlSeconds  time to live of the new value, 0 for none.
     * @param previousOut receives the previous unexpired value at offset 0, when there is one.
     * @return the outcome; the same instance is reused by the next call.
     * @throws IllegalStateException if a batch is open.
     */
    public CasResult compareAndSwap(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final boolean expectAbsent, final DirectBuffer expected, final int expectedOffset, final int expectedLength,
        final DirectBuffer newValue, final int newValueOffset, final int newValueLength,
        final long ttlSeconds, final ExpandableDirectByteBuffer previousOut) {
        ensureNoBatch();
        final long nowMs = clock.time();
        final long expiryMs = RawFormat.expiryMs(nowMs, ttlSeconds);
        final int previousLength = lookup(key, keyOffset, keyLength, nowMs);
        final boolean previousExists = previousLength >= 0;
        final boolean swap;
        if (previousExists) {
            previousOut.putBytes(0, valueScratch, lookupHeaderLength, previousLength);
            swap = !expectAbsent && Bytes.equals(
                valueScratch, lookupHeaderLength, previousLength, expected, expectedOffset, expectedLength);
        } else {
            swap = expectAbsent;
        }
        if (swap) {
            try {
                batchPut(key, keyOffset, keyLength, newValue, newValueOffset, newValueLength, expiryMs);
                writeBatch("compareAndSwap");
            } finally {
                batch.clear();
            }
        }
        return casResult.set(swap, previousExists, previousLength);
    }

    /**
     * Releases the store's native options and batch; the engine stays open.
     */
    @Override
    public void close() {
        scanBounds.close();
        batch.close();
        getOptions.close();
        writeOptions.close();
    }

    /**
     * Reads a key's stored value into {@link #valueScratch} and checks its header and expiry.
     *
     * @return the user value length, which starts at {@link #lookupHeaderLength}; -1 when absent or expired.
     */
    private int lookup(final DirectBuffer key, final int keyOffset, final int keyLength, final long nowMs) {
        engine.ensureOpen();
        final ByteBuffer rawKey = encodedKey(key, keyOffset, keyLength);
        try {
            int storedLength = db.get(cf, getOptions, rawKey, valueBuffer(valueScratch.capacity()));
            if (storedLength > valueScratch.capacity()) {
                // RocksDB copied a prefix and reported the full length: grow and read again.
                valueScratch.checkLimit(storedLength);
                rawKey.position(0);
                storedLength = db.get(cf, getOptions, rawKey, valueBuffer(storedLength));
            }
            if (storedLength == RocksDB.NOT_FOUND) {
                return -1;
            }
            final int headerLength = RawFormat.headerLength(valueScratch, storedLength);
            if (RawFormat.isExpired(valueScratch, nowMs)) {
                return -1;
            }
            lookupHeaderLength = headerLength;
            return storedLength - headerLength;
        } catch (final RocksDBException ex) {
            throw new StorageException("raw get failed: " + ex.getMessage(), ex);
        }
    }

    private void batchPut(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength,
        final long expiryMs) {
        engine.ensureOpen();
        final ByteBuffer rawKey = encodedKey(key, keyOffset, keyLength);
        final int storedLength = RawFormat.encodeValue(valueScratch, value, valueOffset, valueLength, expiryMs);
        try {
            batch.put(cf, rawKey, valueBuffer(storedLength));
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot stage raw put: " + ex.getMessage(), ex);
        }
    }

    private void batchDelete(final DirectBuffer key, final int keyOffset, final int keyLength) {
        engine.ensureOpen();
        try {
            batch.delete(cf, encodedKey(key, keyOffset, keyLength));
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot stage raw delete: " + ex.getMessage(), ex);
        }
    }

    private void writeBatch(final String what) {
        engine.ensureOpen();
        try {
            db.write(writeOptions, batch);
        } catch (final RocksDBException ex) {
            throw new StorageException("raw " + what + " failed: " + ex.getMessage(), ex);
        }
    }

    /** Encodes {@code 'r' + key} into {@link #keyScratch} and returns it as a ByteBuffer over exactly those bytes. */
    private ByteBuffer encodedKey(final DirectBuffer key, final int keyOffset, final int keyLength) {
        final int length = RawFormat.encodeKey(keyScratch, key, keyOffset, keyLength);
        // Fetched after encoding: growing the expandable buffer replaces its ByteBuffer.
        final ByteBuffer buffer = keyScratch.byteBuffer();
        buffer.clear().limit(length);
        return buffer;
    }

    private ByteBuffer valueBuffer(final int length) {
        final ByteBuffer buffer = valueScratch.byteBuffer();
        buffer.clear().limit(length);
        return buffer;
    }

    private int readIteratorKey(final RocksIterator it) {
        ByteBuffer buffer = scanKey.byteBuffer();
        buffer.clear();
        final int length = it.key(buffer);
        if (length > buffer.capacity()) {
            scanKey.checkLimit(length);
            buffer = scanKey.byteBuffer();
            buffer.clear();
            it.key(buffer);
        }
        return length;
    }

    /**
     * Copies at most {@code maxBytes} of the iterator's stored value into {@link #scanValue} (RocksDB copies what fits
     * and reports the full length), growing it for a full read.
     *
     * @return the full stored length.
     */
    private int readIteratorValue(final RocksIterator it, final int maxBytes) {
        scanValue.checkLimit(maxBytes);
        final ByteBuffer buffer = scanValue.byteBuffer();
        buffer.clear().limit(maxBytes);
        return it.value(buffer);
    }

    private void ensureNoBatch() {
        if (batchOpen) {
            throw new IllegalStateException("a batch is open: commit or abort it first");
        }
    }

    private void ensureBatch() {
        if (!batchOpen) {
            throw new IllegalStateException("no batch is open: call beginBatch first");
        }
    }

    private void closeBatch() {
        batch.clear();
        batchOpen = false;
        batchStaged = 0;
    }
}
