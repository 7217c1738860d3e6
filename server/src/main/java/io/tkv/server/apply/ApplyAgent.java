package io.tkv.server.apply;

import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.frame.Protocol;
import io.tkv.raft.core.EntryType;
import io.tkv.server.StoreCounters;
import io.tkv.server.StoreFailure;
import io.tkv.server.gc.GcLink;
import io.tkv.server.ingress.CommandQueue;
import io.tkv.server.session.ReplySender;
import io.tkv.server.session.SessionRegistry;
import io.tkv.server.txn.MaxTsSync;
import io.tkv.server.txn.TxnLink;
import io.tkv.storage.ApplyBatch;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.RegionApplyState;
import io.tkv.storage.RegionDescriptor;
import io.tkv.storage.StorageEngine;
import io.tkv.storage.command.Command;
import io.tkv.txn.ConcurrencyManager;
import io.tkv.txn.lockwait.LockWaitConfig;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;

/**
 * Applies what Raft decided, in order, and answers clients. Each duty cycle drains a batch of records from the
 * {@link CommandQueue}: committed entries are applied to one {@link ApplyBatch} per region in turn (RocksDB, unsynced:
 * the Raft log is the durable copy, and the region's applied index is written with the data); a read first commits
 * what is staged, so it sees every entry before it. The cycle ends with a commit and the replies. A split and a
 * membership change each go in a batch of their own; the regions they change are published after their commit
 * ({@link AppliedRegions}), and a store whose own peer was removed destroys its copy of the region. The bytes and
 * keys each write puts are counted in its region and published after each commit, for the PD worker's heartbeats.
 *
 * <p>An INGEST record replaces the region's state by a snapshot from the leader ({@link SnapshotInstaller}), after
 * committing what is staged; the ENTRY records after it continue from the snapshot's index. After each commit the
 * apply agent may sync RocksDB's WAL and publish the durable applied index ({@link DurableAppliedIndex}), which the
 * raft agent compacts the log below.
 *
 * <p>What an entry does is a function of its bytes and the state before it, the same on every replica: a write entry
 * is read as a command and checked again before it is applied ({@link EntryDecoder}) against the protocol
 * alone, never against this store's configured limits, which may differ from the proposer's. One that fails is a
 * no-op — the applied index still advances — answered MALFORMED if this store proposed it; it never stops the agent.
 *
 * <p>If applying fails (a RocksDB error) the store fails stop: the entries of the failed batch are answered
 * INTERNAL_ERROR and so is everything after, since the state machine can no longer follow the log; the failure is
 * reported to the raft agent ({@link StoreFailure}), which stops the Raft driver, so a leader that cannot apply
 * hands its regions over to the other stores.
 */
public final class ApplyAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(ApplyAgent.class);
    private static final int DRAIN_LIMIT = 256;

    private final CommandQueue queue;
    private final SessionRegistry registry;
    private final ReplySender sender;
    private final StoreCounters counters;
    private final ApplyBatch batch;
    private final SnapshotInstaller installer;
    private final DurableAppliedIndex durable;
    private final AppliedRegions regions;
    private final StorageEngine engine;
    /** The region of the open batch, or null. */
    private AppliedRegions.Region open;
    private final PendingReplies replies = new PendingReplies();
    private final ReadExecutor reads;
    private final CommandExecutor writes = new CommandExecutor(replies);
    private final EntryDecoder entries = new EntryDecoder();
    private final SplitExecutor splits;
    private final ConfChangeExecutor confChanges;
    private final ChecksumExecutor checksums;
    private final TxnExecutor txn;
    private final NanoClock clock = SystemNanoClock.INSTANCE;
    private final StoreFailure storeFailure;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final MessageHandler handler = this::onRecord;
    private String failure;

    /**
     * @param queue         records from the raft agent.
     * @param store         RawKV reads.
     * @param batch         RawKV writes, as apply batches.
     * @param regions       the store's regions: apply states and descriptors.
     * @param registry      sessions to answer.
     * @param sender        this agent's reply sender.
     * @param counters      the store's counters.
     * @param maxReplyBytes the largest reply frame.
     * @param installer     installs snapshots from the leader.
     * @param durable       where the durable applied index is published.
     * @param engine        the store's engine, read by region checksums.
     * @param storeFailure  where a failure to apply is reported, for the raft agent to fail-stop Raft too.
     * @param storeId       this store, to know its own peer's removal.
     */
    public ApplyAgent(
        final CommandQueue queue, final RawKvStore store, final ApplyBatch batch, final AppliedRegions regions,
        final SessionRegistry registry, final ReplySender sender, final StoreCounters counters,
        final int maxReplyBytes, final SnapshotInstaller installer, final DurableAppliedIndex durable,
        final StorageEngine engine, final StoreFailure storeFailure, final long storeId) {
        this.queue = queue;
        this.registry = registry;
        this.sender = sender;
        this.counters = counters;
        this.batch = batch;
        this.regions = regions;
        this.engine = engine;
        this.splits = new SplitExecutor(replies, regions);
        this.confChanges = new ConfChangeExecutor(replies, regions, storeId);
        this.installer = installer;
        this.durable = durable;
        this.reads = new ReadExecutor(store, replies, maxReplyBytes);
        this.checksums = new ChecksumExecutor(engine, replies);
        this.txn = new TxnExecutor(engine, regions, replies, maxReplyBytes);
        this.storeFailure = storeFailure;
    }

    /**
     * Serves transactional requests ({@link TxnExecutor}); without this call they are refused, and the transactional
     * writes in the log are still applied. Before the agent runs.
     *
     * @param link  the hand-over of the scheduler's writes to the raft agent.
     * @param maxTs    the max ts syncs through PD; null on a store without PD (no async commit, no 1PC).
     * @param lockWait the knobs of pessimistic lock waiting.
     */
    public void enableTransactions(final TxnLink link, final MaxTsSync maxTs, final LockWaitConfig lockWait) {
        txn.connect(link, maxTs, lockWait, clock.nanoTime());
    }

    /**
     * Runs the store's GC driver's requests ({@link GcLink}) and refuses transactional requests below its safe point;
     * after {@link #enableTransactions}, before the agent runs.
     *
     * @param link the hand-over to the GC driver.
     */
    public void enableGc(final GcLink link) {
        txn.enableGc(link);
    }

    /** @return the store's transactional concurrency manager (thread safe): the GC driver scans its memory locks. */
    public ConcurrencyManager concurrencyManager() {
        return txn.concurrencyManager();
    }

    @Override
    public int doWork() {
        // The clock once per duty cycle: the transaction scheduler's lock waits run on it.
        final long nowNs = clock.nanoTime();
        int work = queue.drain(handler, DRAIN_LIMIT);
        if (batch.isOpen()) {
            commit();
            work++;
        }
        // With no batch open: the commands a failed write releases read committed state only.
        work += txn.doWork(nowNs);
        if (!replies.isEmpty()) {
            work += replies.flush(registry, sender);
        }
        return work;
    }

    @Override
    public void onClose() {
        if (batch.isOpen()) {
            batch.abort();
        }
    }

    @Override
    public String roleName() {
        return "tkv-apply";
    }

    /** @return the highest index of a region applied (committed to RocksDB) so far; 0 if it is not here. */
    public long appliedIndex(final long regionId) {
        return regions.appliedIndex(regionId);
    }

    private void onRecord(final int type, final MutableDirectBuffer buffer, final int index, final int length) {
        if (type == CommandQueue.ENTRY) {
            onEntry(buffer, index, length);
        } else if (type == CommandQueue.READ) {
            onRead(buffer, index, length);
        } else if (type == CommandQueue.INGEST) {
            onIngest(buffer, index, length);
        } else if (type == CommandQueue.CHECKSUM) {
            onChecksum(buffer, index);
        } else {
            LOG.error("unknown apply record type {}", type);
        }
    }

    private void onEntry(final MutableDirectBuffer buffer, final int index, final int length) {
        final long entryIndex = buffer.getLong(index + CommandQueue.ENTRY_INDEX, ByteOrder.LITTLE_ENDIAN);
        final long term = buffer.getLong(index + CommandQueue.ENTRY_TERM, ByteOrder.LITTLE_ENDIAN);
        final int entryType = buffer.getInt(index + CommandQueue.ENTRY_TYPE, ByteOrder.LITTLE_ENDIAN);
        final long regionId = buffer.getLong(index + CommandQueue.ENTRY_REGION, ByteOrder.LITTLE_ENDIAN);
        final int slot = buffer.getInt(index + CommandQueue.ENTRY_SLOT, ByteOrder.LITTLE_ENDIAN);
        final int generation = buffer.getInt(index + CommandQueue.ENTRY_GENERATION, ByteOrder.LITTLE_ENDIAN);
        // The entry is exactly the record's bytes after its header: nothing past them is read, since what follows in
        // the ring differs from store to store.
        final int data = index + CommandQueue.ENTRY_HEADER_LENGTH;
        final int dataLength = length - CommandQueue.ENTRY_HEADER_LENGTH;
        // A client's write or an admin command (a split). Anything else is a new leader's no-op (empty) or a
        // membership change (recorded in the region's descriptor).
        final boolean write = entryType == EntryType.NORMAL.ordinal() && dataLength > 0;
        final boolean wellFormed = write && entries.decode(buffer, data, dataLength);
        final boolean split = wellFormed && entries.command().type() == Command.SPLIT;
        final boolean txnWrite = wellFormed && entries.command().type() == Command.TXN_WRITE;
        // The transaction scheduler here proposed it and waits for its outcome.
        final boolean txnMine = write && slot == TxnLink.PROPOSER_SLOT;
        final boolean confChange = entryType == EntryType.CONF_CHANGE.ordinal();
        if (write) {
            counters.requests().increment();
        }
        if (failure != null) {
            failWrite(write, slot, generation);
            if (txnMine) {
                txn.writeFailed(entries.requestId(), Status.INTERNAL_ERROR, failure);
            }
            return;
        }
        if (regions.get(regionId) == null) {
            if (txnMine) {
                txn.writeFailed(entries.requestId(), Status.REGION_NOT_FOUND,
                    "region " + regionId + " left this store before the write applied");
            }
            // The region left this store (its peer here was removed and destroyed): what Raft still hands over of it
            // is not this store's to apply.
            if (write && generation != 0) {
                replies.commitError(slot, generation, entries.requestId(), Status.REGION_NOT_FOUND,
                    entries.requestTemplateId(), "region " + regionId + " left this store before the write applied");
            }
            return;
        }
        try {
            if ((split || confChange) && batch.isOpen()) {
                // A split goes in a batch of its own (the dedup records it copies are then the committed ones), and
                // so does a membership change (a removal of this store's peer destroys the region after its commit).
                commitOrThrow();
            }
            final AppliedRegions.Region region = beginRegion(regionId);
            // A split is begun without its time: it must change nothing but the regions (no dedup expiry).
            if (write && entries.hasTime() && !split) {
                batch.beginEntry(entryIndex, term, entries.timeMs());
            } else {
                // A no-op, or a write without a time this build trusts: a time from this replica's memory would differ
                // on one that restarted.
                batch.beginEntry(entryIndex, term);
            }
            if (confChange) {
                final byte[] change = new byte[dataLength];
                buffer.getBytes(data, change);
                final long removedPeer = confChanges.execute(batch, change, region, slot, generation);
                commitOrThrow();
                if (removedPeer != 0) {
                    destroy(region, removedPeer);
                }
            } else if (split) {
                splits.execute(batch, entries.command(), region, slot, generation);
                commitOrThrow();
            } else if (txnWrite) {
                txn.applyWrite(batch, entries.command(), region, term, txnMine);
            } else if (wellFormed) {
                writes.execute(batch, entries.command(), region, slot, generation);
            } else if (write) {
                if (txnMine) {
                    txn.writeFailed(entries.requestId(), Status.MALFORMED, entries.reason());
                }
                counters.malformed().increment();
                LOG.warn("entry {}@{} of {} bytes (format byte {}): {}", entryIndex, term, dataLength,
                    buffer.getByte(data), entries.reason());
                if (generation != 0) {
                    replies.commitError(slot, generation, entries.requestId(), Status.MALFORMED,
                        entries.requestTemplateId(), entries.reason());
                }
            }
        } catch (final RuntimeException ex) {
            failStop("applying entry " + entryIndex + " failed: " + ex.getMessage(), ex);
            replies.failWrites(failure);
            failWrite(write, slot, generation);
        }
    }

    /** This store's peer was removed from the region, committed: its data and state here go, and Raft stops it. */
    private void destroy(final AppliedRegions.Region region, final long removedPeer) {
        final long regionId = region.state.regionId();
        installer.destroy(regionId, region.descriptor.range(), removedPeer);
        regions.remove(regionId);
        LOG.info("region {}: this store's peer {} was removed; its data here is deleted", regionId, removedPeer);
    }

    /** @return the entry's region, with the batch open on it (the batch of another region committed first). */
    private AppliedRegions.Region beginRegion(final long regionId) {
        if (open != null && open.state.regionId() != regionId) {
            commitOrThrow();
        }
        if (!batch.isOpen()) {
            final AppliedRegions.Region region = regions.get(regionId);
            if (region == null) {
                throw new IllegalStateException("an entry of region " + regionId + ", which is not on this store");
            }
            batch.begin(region.state);
            open = region;
        }
        return open;
    }

    private void failWrite(final boolean write, final int slot, final int generation) {
        if (write && generation != 0) {
            reads.fail(slot, generation, entries.requestId(), entries.requestTemplateId(), failure);
        }
    }

    private void onIngest(final MutableDirectBuffer buffer, final int index, final int length) {
        final long regionId = buffer.getLong(index + CommandQueue.INGEST_REGION, ByteOrder.LITTLE_ENDIAN);
        final long snapshotIndex = buffer.getLong(index + CommandQueue.INGEST_INDEX, ByteOrder.LITTLE_ENDIAN);
        final long term = buffer.getLong(index + CommandQueue.INGEST_TERM, ByteOrder.LITTLE_ENDIAN);
        final byte[] data = new byte[length - CommandQueue.INGEST_HEADER_LENGTH];
        buffer.getBytes(index + CommandQueue.INGEST_HEADER_LENGTH, data);
        if (batch.isOpen()) {
            commit();
        }
        if (failure != null) {
            return;
        }
        try {
            final RegionApplyState state = installer.install(regionId, snapshotIndex, term, data);
            final RegionDescriptor descriptor = RegionDescriptor.load(engine, regionId);
            if (descriptor == null) {
                throw new IllegalStateException("the snapshot of region " + regionId + " carries no descriptor");
            }
            regions.replace(state, descriptor);
            durable.afterIngest(regionId, state.appliedIndex());
        } catch (final RuntimeException ex) {
            failStop("installing snapshot " + snapshotIndex + "@" + term + " failed: " + ex.getMessage(), ex);
            replies.failWrites(failure);
        }
    }

    private void onChecksum(final MutableDirectBuffer buffer, final int index) {
        final long regionId = buffer.getLong(index + CommandQueue.CHECKSUM_REGION, ByteOrder.LITTLE_ENDIAN);
        final int slot = buffer.getInt(index + CommandQueue.CHECKSUM_SLOT, ByteOrder.LITTLE_ENDIAN);
        final int generation = buffer.getInt(index + CommandQueue.CHECKSUM_GENERATION, ByteOrder.LITTLE_ENDIAN);
        final long correlationId = buffer.getLong(index + CommandQueue.CHECKSUM_CORRELATION_ID,
            ByteOrder.LITTLE_ENDIAN);
        if (batch.isOpen()) {
            commit();
        }
        if (failure != null) {
            checksums.fail(slot, generation, correlationId, failure);
            return;
        }
        final AppliedRegions.Region region = regions.get(regionId);
        if (region == null) {
            checksums.fail(slot, generation, correlationId, "region " + regionId + " is not on this store");
            return;
        }
        try {
            checksums.execute(regionId, region.descriptor.range(), slot, generation, correlationId);
        } catch (final RuntimeException ex) {
            LOG.warn("region checksum failed in storage", ex);
            checksums.fail(slot, generation, correlationId, "storage error: " + ex.getMessage());
        }
    }

    private void onRead(final MutableDirectBuffer buffer, final int index, final int length) {
        final int slot = buffer.getInt(index + CommandQueue.READ_SLOT, ByteOrder.LITTLE_ENDIAN);
        final int generation = buffer.getInt(index + CommandQueue.READ_GENERATION, ByteOrder.LITTLE_ENDIAN);
        final int frame = index + CommandQueue.READ_HEADER_LENGTH;
        final int frameLength = length - CommandQueue.READ_HEADER_LENGTH;
        counters.requests().increment();
        if (batch.isOpen()) {
            commit();
        }
        if (failure != null) {
            reads.fail(slot, generation, Protocol.correlationId(buffer, frame, frameLength), templateId(buffer, frame),
                failure);
            return;
        }
        if (Protocol.isTxnRequest(templateId(buffer, frame))) {
            try {
                txn.onRequest(buffer, frame, slot, generation);
            } catch (final RuntimeException ex) {
                // The scheduler released what the command held; a storage failure or a corrupt record is the store's.
                failStop("a transactional command failed: " + ex.getMessage(), ex);
                replies.failWrites(failure);
                reads.fail(slot, generation, Protocol.correlationId(buffer, frame, frameLength),
                    templateId(buffer, frame), failure);
            }
            return;
        }
        try {
            reads.execute(templateId(buffer, frame), buffer, frame, slot, generation);
        } catch (final RuntimeException ex) {
            LOG.warn("read failed in storage", ex);
            reads.fail(slot, generation, Protocol.correlationId(buffer, frame, frameLength), templateId(buffer, frame),
                "storage error: " + ex.getMessage());
        }
    }

    private void commitOrThrow() {
        commit();
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    private void commit() {
        try {
            final AppliedRegions.Region region = open;
            final RegionApplyState state = region.state;
            open = null;
            batch.commit();
            regions.afterCommit(region);
            durable.afterCommit(state.regionId(), state.appliedIndex());
        } catch (final RuntimeException ex) {
            failStop("committing applied entries failed: " + ex.getMessage(), ex);
            replies.failWrites(failure);
        }
        if (failure == null) {
            // The scheduler's writes in the batch are visible now: their commands answer, their waiters run.
            txn.afterCommit();
        }
        counters.duplicateWrites().setOrdered(writes.duplicateWrites());
        counters.staleWrites().setOrdered(writes.staleWrites());
        counters.bytesWritten().setOrdered(writes.bytesWritten());
        counters.keysWritten().setOrdered(writes.keysWritten());
    }

    private void failStop(final String message, final RuntimeException ex) {
        if (failure == null) {
            failure = "store failed: " + message;
            LOG.error("the state machine cannot follow the Raft log; the store stops serving and leading", ex);
            storeFailure.fail(failure);
        }
        open = null;
        if (batch.isOpen()) {
            batch.abort();
        }
        txn.afterAbort(failure);
    }

    private int templateId(final MutableDirectBuffer buffer, final int frame) {
        return header.wrap(buffer, frame).templateId();
    }
}
