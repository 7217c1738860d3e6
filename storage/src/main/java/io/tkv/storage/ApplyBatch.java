package io.tkv.storage;

import java.nio.ByteBuffer;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Applies committed Raft entries of one region to RocksDB as ONE atomic write batch, together with the region's
 * applied index and term and its dedup records.
 * <p>
 * Use: {@link #begin(RegionApplyState)}; for every committed entry, in log order, {@link #beginEntry} then its
 * operations ({@link #checkRequest}, the RawKV writes, {@link #recordReply}); then {@link #commit()}. A batch put
 * or batch delete is several puts or deletes in one entry. Call {@link #beginEntry} for every entry the region
 * applies, empty and configuration entries too (without a time: {@link #beginEntry(long, long)}): the index must
 * follow the applied index without a gap, and dedup expiry runs per timed entry, which keeps replicas that cut their
 * batches differently in step.
 * <p>
 * The commit is written with {@code sync=false}: the Raft log is the durable copy, and after a crash the store
 * replays it from the applied index found here, which is consistent with the data because both were written
 * together. (Before the Raft log is compacted past an index, make RocksDB durable up to it with
 * {@link StorageEngine#syncWal()}.)
 * <p>
 * <b>Deterministic:</b> TTLs count from the entry's time (the leader's proposal time, given per entry), and a
 * compare-and-swap judges expiry by it too, so every replica writes and decides the same; no local clock is read.
 * Reads of the apply path see what earlier entries of the same batch staged ({@link StagedWrites}); nothing staged
 * is visible to other readers before the commit.
 * <p>
 * <b>All or nothing:</b> if any call fails, the whole batch is aborted before the exception propagates: no entry
 * of it reaches RocksDB, the region's apply state stays, and its dedup records are reloaded from RocksDB. If the
 * caller fails between calls, it must {@link #abort()} itself. A state machine must not skip an entry, so an
 * entry that could fail on a bad argument (a negative TTL) should be rejected before it is proposed.
 * <p>
 * <b>Single owner:</b> the apply agent. One batch object serves every region in turn and reuses its buffers, so
 * the hot path allocates nothing beyond the dedup reply copies; while the replicated path is in use, write to the
 * store only through it ({@link RawKvStore}'s writes are not seen by its staged reads).
 */
public final class ApplyBatch implements AutoCloseable {
    private static final int INITIAL_KEY_CAPACITY = 256;
    private static final int INITIAL_VALUE_CAPACITY = 4096;
    /** The time of an entry that carries none. */
    private static final long NO_TIME = Long.MIN_VALUE;

    private final StorageEngine engine;
    private final RocksDB db;
    private final ColumnFamilyHandle dataCf;
    private final ColumnFamilyHandle raftCf;
    private final DedupTable dedup;
    private final StagedWrites staged = new StagedWrites();
    private final LongArrayList createdRegions = new LongArrayList();
    private final CasResult casResult = new CasResult();
    private final TxnWrites txnWrites;
    private final ExpandableDirectByteBuffer keyScratch = new ExpandableDirectByteBuffer(INITIAL_KEY_CAPACITY);
    private final ExpandableDirectByteBuffer valueScratch = new ExpandableDirectByteBuffer(INITIAL_VALUE_CAPACITY);
    private final WriteOptions writeOptions;
    private final ReadOptions getOptions;
    private final WriteBatch batch;

    private RegionApplyState region;
    private RegionDedup regionDedup;
    private long dedupChangesAtBegin;
    private int entryCount;
    private long entryIndex;
    private long entryTerm;
    private long entryTimeMs;
    // Where the last lookup found its value: the staged arena or valueScratch.
    private DirectBuffer lookupBuffer;
    private int lookupValueOffset;

    /**
     * @param engine the open engine; must outlive the batch.
     * @param dedup  the store's dedup table.
     * @throws StorageException if the engine is closed.
     */
    public ApplyBatch(final StorageEngine engine, final DedupTable dedup) {
        this.engine = engine;
        this.db = engine.db();
        this.dataCf = engine.handle(ColumnFamily.DEFAULT);
        this.raftCf = engine.handle(ColumnFamily.RAFT);
        this.dedup = dedup;
        this.txnWrites = new TxnWrites(engine);
        // Native objects last, so a closed engine fails above without leaking them.
        this.writeOptions = new WriteOptions().setSync(false);
        this.getOptions = new ReadOptions();
        this.batch = new WriteBatch();
    }

    /**
     * Opens a batch for a region.
     *
     * @param region the region's apply state, as loaded at start-up or returned by a snapshot ingest; advanced by
     *               {@link #commit()}.
     * @throws IllegalStateException if a batch is open, here or on another batch object for the same region.
     */
    public void begin(final RegionApplyState region) {
        if (this.region != null) {
            throw new IllegalStateException("a batch is open for region " + this.region.regionId());
        }
        engine.ensureOpen();
        final RegionDedup records = dedup.region(region.regionId());
        if (records.batchOpen) {
            throw new IllegalStateException("another batch is open for region " + region.regionId());
        }
        records.batchOpen = true;
        this.region = region;
        this.regionDedup = records;
        this.dedupChangesAtBegin = records.changes;
        this.entryIndex = region.appliedIndex();
        this.entryTerm = region.appliedTerm();
        this.entryCount = 0;
    }

    /**
     * Starts the next committed entry: later operations belong to it, and take their time from it. Forgets dedup
     * clients that expired as of the entry's time.
     *
     * @param index       the entry's index: the last applied or begun index + 1.
     * @param term        the entry's term, not below the previous entry's.
     * @param entryTimeMs the leader's proposal time of the entry, epoch milliseconds, as carried in the entry.
     * @throws IllegalArgumentException if the index or term does not follow (the batch is aborted).
     */
    public void beginEntry(final long index, final long term, final long entryTimeMs) {
        startEntry(index, term, entryTimeMs);
        try {
            dedup.expire(regionDedup, entryTimeMs, batch);
        } catch (final RuntimeException ex) {
            throw abortOn(ex);
        }
    }

    /**
     * Starts the next committed entry of one that carries no time (a leader's no-op, a configuration change): it
     * advances the index and nothing else, and operations that need a time refuse it. Such entries forget no dedup
     * client: with no time in the entry, a replica could only use one from its own memory (the last write's, which a
     * replica that restarted does not have), and replicas would then forget different clients.
     *
     * @param index the entry's index: the last applied or begun index + 1.
     * @param term  the entry's term, not below the previous entry's.
     * @throws IllegalArgumentException if the index or term does not follow (the batch is aborted).
     */
    public void beginEntry(final long index, final long term) {
        startEntry(index, term, NO_TIME);
    }

    private void startEntry(final long index, final long term, final long timeMs) {
        ensureOpen();
        if (index != entryIndex + 1) {
            throw abortOn(new IllegalArgumentException(
                "region " + region.regionId() + ": entry " + index + " does not follow entry " + entryIndex));
        }
        if (term < entryTerm) {
            throw abortOn(new IllegalArgumentException(
                "region " + region.regionId() + ": entry term " + term + " is below the previous term " + entryTerm));
        }
        entryIndex = index;
        entryTerm = term;
        this.entryTimeMs = timeMs;
        entryCount++;
    }

    /**
     * Classifies the current entry's write by the rules of {@link DedupTable}: apply it only if NEW.
     *
     * @param clientId  the client's id, 0 for a client without deduplication.
     * @param requestId the request's correlation id.
     * @return NEW, DUPLICATE (answer with {@link #duplicateReply()}), STALE or REFUSED.
     */
    public DedupStatus checkRequest(final long clientId, final long requestId) {
        ensureEntry();
        try {
            return dedup.check(regionDedup, clientId, requestId, entryTimeMs, batch);
        } catch (final RuntimeException ex) {
            throw abortOn(ex);
        }
    }

    /**
     * @return the recorded reply frame after {@link #checkRequest} answered DUPLICATE; the buffer is reused by the
     *         next check, so send or copy it first.
     */
    public DirectBuffer duplicateReply() {
        return dedup.duplicateReply();
    }

    /**
     * Records the reply of the current entry's NEW write, once it was applied, so a retry is answered with it.
     * Nothing for client id 0.
     *
     * @param firstIncompleteId the client's promise: it has seen every outcome below it.
     * @param reply             buffer holding the encoded reply frame; copied.
     * @throws IllegalStateException if the write was not NEW (the batch is aborted).
     */
    public void recordReply(
        final long clientId, final long requestId, final long firstIncompleteId,
        final DirectBuffer reply, final int offset, final int length) {
        ensureEntry();
        try {
            dedup.record(regionDedup, clientId, requestId, firstIncompleteId, reply, offset, length, entryTimeMs,
                batch);
        } catch (final RuntimeException ex) {
            throw abortOn(ex);
        }
    }

    /**
     * Stages a put of a raw key, replacing any previous value and TTL.
     *
     * @param ttlSeconds time to live from the entry's time, 0 for none.
     */
    public void put(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength,
        final long ttlSeconds) {
        ensureEntry();
        try {
            stagePut(key, keyOffset, keyLength, value, valueOffset, valueLength,
                RawFormat.expiryMs(entryTimeMs, ttlSeconds));
        } catch (final RuntimeException ex) {
            throw abortOn(ex);
        }
    }

    /**
     * Stages a put (or, for a {@code null} value, a delete) of a transactional key in a data column family, for the
     * current entry ({@link TxnWrites}).
     */
    public void stageTxn(final ColumnFamily family, final byte[] key, final byte[] value) {
        ensureEntry();
        try {
            txnWrites.stage(batch, family, key, value);
        } catch (final RuntimeException ex) {
            throw abortOn(ex);
        }
    }

    /**
     * Stages a delete of a raw key; deleting an absent key is not an error.
     */
    public void delete(final DirectBuffer key, final int keyOffset, final int keyLength) {
        ensureEntry();
        try {
            engine.ensureOpen();
            final int rawLength = RawFormat.encodeKey(keyScratch, key, keyOffset, keyLength);
            batch.delete(dataCf, slice(keyScratch, rawLength));
            staged.delete(keyScratch, 0, rawLength);
        } catch (final RocksDBException ex) {
            throw abortOn(new StorageException("cannot stage raw delete: " + ex.getMessage(), ex));
        } catch (final RuntimeException ex) {
            throw abortOn(ex);
        }
    }

    /**
     * Stages a delete of every raw key in {@code [start, end)}, expired or not, as one range tombstone.
     *
     * @param endLength 0 for no end: to the end of the raw key space.
     */
    public void deleteRange(
        final DirectBuffer start, final int startOffset, final int startLength,
        final DirectBuffer end, final int endOffset, final int endLength) {
        ensureEntry();
        if (RawFormat.isEmptyRange(start, startOffset, startLength, end, endOffset, endLength)) {
            return;
        }
        try {
            engine.ensureOpen();
            // A cold path: plain arrays, as WriteBatch.deleteRange takes no ByteBuffers.
            final byte[] begin = RawFormat.keyArray(start, startOffset, startLength);
            final byte[] limit = RawFormat.rangeEndArray(end, endOffset, endLength);
            batch.deleteRange(dataCf, begin, limit);
            staged.deleteRange(new UnsafeBuffer(begin), 0, begin.length, new UnsafeBuffer(limit), 0, limit.length);
        } catch (final RocksDBException ex) {
            throw abortOn(new StorageException("cannot stage raw deleteRange: " + ex.getMessage(), ex));
        } catch (final RuntimeException ex) {
            throw abortOn(ex);
        }
    }

    /**
     * Stages {@code newValue} if the key's current value, as of the entry's time and the writes staged before it,
     * is as expected: absent (or expired) when {@code expectAbsent}, else present and equal to {@code expected}.
     * Either way, reports the previous value. Same contract as {@link RawKvStore#compareAndSwap}.
     *
     * @param ttlSeconds  time to live of the new value from the entry's time, 0 for none.
     * @param previousOut receives the previous unexpired value at offset 0, when there is one.
     * @return the outcome; the same instance is reused by the next call.
     */
    public CasResult compareAndSwap(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final boolean expectAbsent, final DirectBuffer expected, final int expectedOffset, final int expectedLength,
        final DirectBuffer newValue, final int newValueOffset, final int newValueLength,
        final long ttlSeconds, final ExpandableDirectByteBuffer previousOut) {
        ensureEntry();
        try {
            final long expiryMs = RawFormat.expiryMs(entryTimeMs, ttlSeconds);
            final int previousLength = lookup(key, keyOffset, keyLength);
            final boolean previousExists = previousLength >= 0;
            final boolean swap;
            if (previousExists) {
                previousOut.putBytes(0, lookupBuffer, lookupValueOffset, previousLength);
                swap = !expectAbsent && Bytes.equals(
                    lookupBuffer, lookupValueOffset, previousLength, expected, expectedOffset, expectedLength);
            } else {
                swap = expectAbsent;
            }
            // Staging reuses the buffers the previous value was found in: it comes after the last use of them.
            if (swap) {
                stagePut(key, keyOffset, keyLength, newValue, newValueOffset, newValueLength, expiryMs);
            }
            return casResult.set(swap, previousExists, previousLength);
        } catch (final RuntimeException ex) {
            throw abortOn(ex);
        }
    }

    /**
     * @return whether a batch is open.
     */
    public boolean isOpen() {
        return region != null;
    }

    /**
     * @return the number of entries begun in the open batch, 0 when none is open.
     */
    public int entryCount() {
        return entryCount;
    }

    /**
     * @return the index of the last entry begun, or the region's applied index before the first one.
     * @throws IllegalStateException if no batch is open.
     */
    public long lastIndex() {
        ensureOpen();
        return entryIndex;
    }

    /**
     * Stages the region's new descriptor (after a split or a membership change), written in the same write batch as
     * the entry that made it and the applied index.
     *
     * @throws IllegalArgumentException if it describes another region than the batch's.
     * @throws IllegalStateException    if no entry was begun.
     * @throws StorageException         if RocksDB fails (the batch is aborted).
     */
    public void putRegion(final RegionDescriptor descriptor) {
        ensureOpen();
        if (descriptor.id() != region.regionId()) {
            throw new IllegalArgumentException("descriptor of region " + descriptor.id() + " in a batch of region "
                + region.regionId());
        }
        if (entryCount == 0) {
            throw new IllegalStateException("a region descriptor belongs to an entry: begin one first");
        }
        try {
            batch.put(raftCf, RegionKeys.regionKey(descriptor.id()), descriptor.encode());
        } catch (final RocksDBException ex) {
            throw abortOn(new StorageException("cannot stage the descriptor of region " + descriptor.id() + ": "
                + ex.getMessage(), ex));
        }
    }

    /**
     * Creates the region a split of the batch's region makes, in the same write as the split entry: its descriptor,
     * its apply state at {@code (index, term)}, and a copy of the batch's region's dedup records
     * ({@link SplitStaging}).
     * The split entry must be alone in the batch (the region's earlier entries committed), so the records copied are
     * those every replica has committed; the new region's records are loaded when the batch commits.
     *
     * @return the new region's apply state, valid once the batch committed.
     * @throws IllegalStateException if the batch holds other entries than the split's, or changed dedup records.
     */
    public RegionApplyState createSplitRegion(final RegionDescriptor created, final long index, final long term) {
        ensureOpen();
        if (entryCount != 1 || regionDedup.changes != dedupChangesAtBegin) {
            throw new IllegalStateException("a split of region " + region.regionId() + " must be alone in its batch");
        }
        if (created.id() == region.regionId()) {
            throw new IllegalArgumentException("a split cannot create region " + created.id() + " from itself");
        }
        SplitStaging.stage(engine, batch, region.regionId(), created, index, term);
        createdRegions.add(created.id());
        return new RegionApplyState(created.id(), index, term);
    }

    /**
     * Writes everything staged, and the region's apply state as of the last entry, in one write batch
     * ({@code sync=false}), then advances the {@link RegionApplyState} and closes the batch. A batch without
     * entries writes nothing. On failure nothing was written and the batch is aborted.
     *
     * @throws StorageException if RocksDB fails.
     */
    public void commit() {
        ensureOpen();
        if (entryCount == 0) {
            finish();
            return;
        }
        try {
            engine.ensureOpen();
            final int keyLength = RegionKeys.applyStateKey(keyScratch, region.regionId());
            final int valueLength = RegionKeys.putTwoLongs(valueScratch, entryIndex, entryTerm);
            batch.put(raftCf, slice(keyScratch, keyLength), slice(valueScratch, valueLength));
            db.write(writeOptions, batch);
        } catch (final RocksDBException ex) {
            throw abortOn(new StorageException(
                "apply batch of region " + region.regionId() + " failed: " + ex.getMessage(), ex));
        } catch (final RuntimeException ex) {
            throw abortOn(ex);
        }
        region.advance(entryIndex, entryTerm);
        for (int i = 0; i < createdRegions.size(); i++) {
            dedup.reload(createdRegions.getLong(i));
        }
        finish();
    }

    /**
     * Discards the open batch, if any: nothing of it reaches RocksDB, and the region's dedup records are reloaded
     * if the batch had changed them.
     *
     * @throws StorageException if reloading the dedup records fails.
     */
    public void abort() {
        if (region == null) {
            return;
        }
        final long regionId = region.regionId();
        final boolean reload = regionDedup.changes != dedupChangesAtBegin;
        finish();
        if (reload) {
            dedup.reload(regionId);
        }
    }

    /**
     * Aborts an open batch and releases the native batch and options; the engine stays open.
     */
    @Override
    public void close() {
        try {
            abort();
        } finally {
            batch.close();
            getOptions.close();
            writeOptions.close();
        }
    }

    private void stagePut(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength,
        final long expiryMs) {
        engine.ensureOpen();
        final int rawLength = RawFormat.encodeKey(keyScratch, key, keyOffset, keyLength);
        final int storedLength = RawFormat.encodeValue(valueScratch, value, valueOffset, valueLength, expiryMs);
        try {
            batch.put(dataCf, slice(keyScratch, rawLength), slice(valueScratch, storedLength));
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot stage raw put: " + ex.getMessage(), ex);
        }
        staged.put(keyScratch, 0, rawLength, valueScratch, 0, storedLength);
    }

    /**
     * Finds a key's stored value as the batch would leave it so far, and checks its header and expiry at the
     * entry's time.
     *
     * @return the user value length, the value being at {@link #lookupValueOffset} of {@link #lookupBuffer};
     *         -1 when absent, deleted or expired.
     */
    private int lookup(final DirectBuffer key, final int keyOffset, final int keyLength) {
        engine.ensureOpen();
        final int rawLength = RawFormat.encodeKey(keyScratch, key, keyOffset, keyLength);
        int storedLength = staged.find(keyScratch, 0, rawLength);
        if (storedLength == StagedWrites.DELETED) {
            return -1;
        }
        final DirectBuffer stored;
        final int storedOffset;
        if (storedLength == StagedWrites.NOT_STAGED) {
            storedLength = readCommitted(rawLength);
            if (storedLength == RocksDB.NOT_FOUND) {
                return -1;
            }
            stored = valueScratch;
            storedOffset = 0;
        } else {
            stored = staged.buffer();
            storedOffset = staged.foundOffset();
        }
        final int headerLength = RawFormat.headerLength(stored, storedOffset, storedLength);
        if (RawFormat.isExpired(stored, storedOffset, entryTimeMs)) {
            return -1;
        }
        lookupBuffer = stored;
        lookupValueOffset = storedOffset + headerLength;
        return storedLength - headerLength;
    }

    /** Reads the committed value of the raw key in {@link #keyScratch} into {@link #valueScratch}. */
    private int readCommitted(final int rawLength) {
        try {
            final ByteBuffer rawKey = slice(keyScratch, rawLength);
            int storedLength = db.get(dataCf, getOptions, rawKey, slice(valueScratch, valueScratch.capacity()));
            if (storedLength > valueScratch.capacity()) {
                // RocksDB copied a prefix and reported the full length: grow and read again.
                valueScratch.checkLimit(storedLength);
                storedLength = db.get(dataCf, getOptions, slice(keyScratch, rawLength),
                    slice(valueScratch, storedLength));
            }
            return storedLength;
        } catch (final RocksDBException ex) {
            throw new StorageException("raw get failed: " + ex.getMessage(), ex);
        }
    }

    private static ByteBuffer slice(final ExpandableDirectByteBuffer scratch, final int length) {
        // Fetched after encoding: growing the expandable buffer replaces its ByteBuffer.
        final ByteBuffer buffer = scratch.byteBuffer();
        buffer.clear().limit(length);
        return buffer;
    }

    private RuntimeException abortOn(final RuntimeException failure) {
        try {
            abort();
        } catch (final RuntimeException secondary) {
            failure.addSuppressed(secondary);
        }
        return failure;
    }

    private void finish() {
        batch.clear();
        createdRegions.clear();
        staged.clear();
        regionDedup.batchOpen = false;
        region = null;
        regionDedup = null;
        entryCount = 0;
    }

    private void ensureOpen() {
        if (region == null) {
            throw new IllegalStateException("no batch is open: call begin first");
        }
    }

    private void ensureEntry() {
        ensureOpen();
        if (entryCount == 0) {
            throw new IllegalStateException("no entry is begun: call beginEntry first");
        }
        if (entryTimeMs == NO_TIME) {
            throw abortOn(new IllegalStateException(
                "entry " + entryIndex + " of region " + region.regionId() + " carries no time: it cannot write"));
        }
    }
}
