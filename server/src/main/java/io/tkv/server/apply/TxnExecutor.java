package io.tkv.server.apply;

import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.TxnErrorKind;
import io.tkv.codec.frame.Protocol;
import io.tkv.codec.keys.TxnKeyCodec;
import io.tkv.server.gc.GcLink;
import io.tkv.server.gc.SafePointGuard;
import io.tkv.server.ingress.RegionGuard;
import io.tkv.server.txn.MaxTsSync;
import io.tkv.server.txn.TxnLink;
import io.tkv.server.txn.TxnReplies;
import io.tkv.server.txn.TxnRequest;
import io.tkv.server.txn.TxnRequests;
import io.tkv.storage.ApplyBatch;
import io.tkv.storage.StorageEngine;
import io.tkv.storage.command.Command;
import io.tkv.storage.command.CommandReader;
import io.tkv.storage.command.CommandWriter;
import io.tkv.txn.ConcurrencyManager;
import io.tkv.txn.MalformedRecordException;
import io.tkv.txn.Modify;
import io.tkv.txn.WriteBatchCodec;
import io.tkv.txn.command.AcquirePessimisticLockCommand;
import io.tkv.txn.command.TxnResponse;
import io.tkv.txn.lockwait.LockWaitConfig;
import io.tkv.txn.sched.Latches;
import io.tkv.txn.sched.SnapshotSource;
import io.tkv.txn.sched.TxnScheduler;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs transactional requests on the apply agent's thread, through the store's one {@link TxnScheduler}. A request
 * arrives as a read does, once its read point (leader lease or read index) is applied: its region and epoch are
 * checked against the region as applied here, its frame read into a command ({@link TxnRequests}) and submitted. The
 * scheduler reads {@link io.tkv.storage.EngineSnapshot}s of the engine, consistent because only this thread writes it
 * and the apply batch is committed before a command runs. A command that writes is proposed as a TXN_WRITE command
 * (its write batch and the leader term it read in, under the region's epoch) through the {@link TxnLink} to the raft
 * agent; every replica applies it ({@link #applyWrite}), and on this store the scheduler hears it applied once the
 * batch holding it committed ({@link #afterCommit}), then answers. A proposal that will not apply — refused, dropped
 * by a leadership change, stale at apply — is failed in the scheduler and answered with a region error, so the client
 * retries. What apply does is a function of the entry and the state only.
 *
 * <p>Pessimistic lock requests with a wait timeout may be parked in the scheduler; its clock is the agent's, ticked
 * from the duty cycle, and a region whose leader term or epoch moves has its waiters answered with the region error
 * ({@link LockWaitGuard}). A deadlock is answered as a DEADLOCK key error.
 *
 * <p>Async commit and 1PC need a synced max ts on the region's leader ({@link MaxTsSync}); without PD they are refused
 * (MAX_TIMESTAMP_NOT_SYNCED).
 *
 * <p>With GC enabled ({@link #enableGc}), a read below the GC safe point the store knows, or a prewrite or
 * pessimistic lock at or below it, is answered GC_SAFE_POINT_EXCEEDED ({@link SafePointGuard}); the GC driver's
 * deletes are proposed and answered by {@link GcWrites}. Single-threaded (the apply agent's).
 */
final class TxnExecutor implements TxnScheduler.Output {
    private static final Logger LOG = LoggerFactory.getLogger(TxnExecutor.class);
    private static final int MAX_LATCH_WAITERS = 4096;
    private static final int LATCH_SLOTS = 1 << 16;
    private static final int DROPS_PER_CYCLE = 256;

    /** A request submitted and not answered. */
    private record Pending(int slot, int generation, TxnRequest request) {
    }

    /** A write the scheduler proposed that will not apply, failed after the current call. */
    private record Failure(long commandId, Status status, long leaderStoreId, String endpoint, String message) {
    }

    private final AppliedRegions regions;
    private final PendingReplies replies;
    private TxnLink link;
    private MaxTsSync maxTs;
    private final int maxReplyBytes;
    private final ConcurrencyManager concurrency = new ConcurrencyManager(0);
    private final SnapshotSource snapshots;
    /** Replaced once by {@link #connect}, before the agent runs (it holds nothing then). */
    private TxnScheduler scheduler;
    private final TxnRequests requests = new TxnRequests(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
    private final LockWaitGuard lockWaits;
    private final LockWaitGuard.Canceller canceller = this::cancelLockWaits;
    /** The scheduler's clock counts milliseconds from here (the agent's nano clock may be negative). */
    private long originNs;
    private long lastTickMs = -1;
    private final TxnReplies encoder = new TxnReplies();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(4096);
    private final CommandWriter writer = new CommandWriter();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final Long2ObjectHashMap<Pending> pending = new Long2ObjectHashMap<>();
    /** Per region, the leader term whose max ts is synced. */
    private final Long2LongHashMap syncedTerm = new Long2LongHashMap(0);
    /** Per region, the term a sync was asked for and has not come back. */
    private final Long2LongHashMap requestedTerm = new Long2LongHashMap(0);
    /** The scheduler's writes applied in the open batch: answered once it committed. */
    private final LongArrayList applied = new LongArrayList();
    private final List<Failure> failures = new ArrayList<>();
    private long nextRequestId = 1;
    private GcLink gcLink;
    private GcWrites gcWrites;

    /** Applies what others propose; serves requests once {@link #connect connected}. */
    TxnExecutor(
        final StorageEngine engine, final AppliedRegions regions, final PendingReplies replies,
        final int maxReplyBytes) {
        this.regions = regions;
        this.replies = replies;
        this.maxReplyBytes = maxReplyBytes;
        this.snapshots = SnapshotSource.ofEngine(engine);
        this.lockWaits = new LockWaitGuard(regions);
        this.scheduler = newScheduler(LockWaitConfig.defaults());
    }

    private TxnScheduler newScheduler(final LockWaitConfig lockWait) {
        return new TxnScheduler(snapshots, concurrency, new Latches<>(LATCH_SLOTS, MAX_LATCH_WAITERS), this, lockWait);
    }

    /**
     * Serves requests from now on; before the agent runs.
     *
     * @param proposals the hand-over to the raft agent.
     * @param sync      null on a store without PD: async commit and 1PC are refused.
     * @param lockWait  the knobs of pessimistic lock waiting.
     * @param nowNs     the agent's clock now: the scheduler's first tick.
     */
    void connect(final TxnLink proposals, final MaxTsSync sync, final LockWaitConfig lockWait, final long nowNs) {
        this.link = proposals;
        this.maxTs = sync;
        this.scheduler = newScheduler(lockWait);
        this.requests.maxWaitTimeoutMs(lockWait.maxWaitTimeoutMs());
        this.originNs = nowNs;
        tick(nowNs);
    }

    /**
     * Takes the GC driver's requests and refuses requests below its safe point from now on; after {@link #connect}.
     *
     * @param link the hand-over to the store's GC driver.
     */
    void enableGc(final GcLink link) {
        this.gcLink = link;
        this.gcWrites = new GcWrites(regions, this.link, link);
    }

    /** @return the store's concurrency manager (max ts, memory locks): thread safe, GC scans its memory locks. */
    ConcurrencyManager concurrencyManager() {
        return concurrency;
    }

    /**
     * @param nowNs the agent's clock, read once this duty cycle.
     * @return work done: drops and max ts syncs taken, failures answered, lock waits ended.
     */
    int doWork(final long nowNs) {
        if (link == null) {
            return failPending();
        }
        int work = tick(nowNs);
        work += link.drainDropped(drop -> failures.add(new Failure(drop.commandId(), drop.status(),
            drop.leaderStoreId(), drop.leaderEndpoint(), drop.message())), DROPS_PER_CYCLE);
        if (maxTs != null) {
            work += maxTs.drainResults(this::onSynced);
        }
        if (gcWrites != null && scheduler.pendingWrites() + gcWrites.inFlight() < TxnLink.MAX_WRITES_IN_FLIGHT) {
            work += gcWrites.doWork();
        }
        return work + failPending();
    }

    /**
     * A transactional request whose read point this store applied: checked against the region as applied here, then
     * run (its answer may come at once, or after its write applied).
     */
    void onRequest(final DirectBuffer buffer, final int frame, final int slot, final int generation) {
        final int templateId = header.wrap(buffer, frame).templateId();
        final long correlationId = Protocol.correlationId(buffer, frame, Integer.MAX_VALUE);
        final long regionId = RegionGuard.regionId(buffer, frame);
        final AppliedRegions.Region region = regions.get(regionId);
        if (link == null) {
            replies.commitError(slot, generation, correlationId, Status.MALFORMED, templateId,
                "this store does not serve transactions");
            return;
        }
        if (region == null) {
            replies.commitError(slot, generation, correlationId, Status.REGION_NOT_FOUND, templateId,
                "region " + regionId + " left this store");
            return;
        }
        // The epoch first: a region that split since ingress would refuse the keys it no longer holds otherwise.
        final long epochVersion = RegionGuard.epochVersion(buffer, frame);
        if (epochVersion != region.descriptor.version()) {
            replies.commitError(slot, generation, correlationId, Status.EPOCH_NOT_MATCH, templateId, "region "
                + regionId + " is at version " + region.descriptor.version() + ", the request names " + epochVersion);
            return;
        }
        final TxnRequest request = requests.read(buffer, frame, region.descriptor);
        if (request == null) {
            replies.commitError(slot, generation, correlationId, requests.status(), templateId, requests.reason());
            return;
        }
        final String tooOld = gcLink == null ? null : SafePointGuard.refusal(request.command(), gcLink.safePoint());
        if (tooOld != null) {
            replies.commitError(slot, generation, correlationId, Status.GC_SAFE_POINT_EXCEEDED, templateId, tooOld);
            return;
        }
        if (scheduler.pendingWrites() >= TxnLink.MAX_WRITES_IN_FLIGHT) {
            replies.commitError(slot, generation, correlationId, Status.SERVER_BUSY, templateId,
                "too many transactional writes in flight");
            return;
        }
        if (request.needsSyncedMaxTs() && !maxTsSynced(region)) {
            final int length = encoder.encodeError(request, TxnErrorKind.MAX_TIMESTAMP_NOT_SYNCED, maxTs == null
                ? "async commit and 1PC need PD's TSO: this store runs without PD"
                : "the region's leader has not synced max ts since it was elected; retry", scratch, 0);
            send(slot, generation, request, length, false);
            return;
        }
        if (request.command() instanceof AcquirePessimisticLockCommand lock && lock.waitTimeoutMs() > 0) {
            lockWaits.watch(region, canceller);
        }
        final long requestId = nextRequestId++;
        pending.put(requestId, new Pending(slot, generation, request));
        scheduler.submit(requestId, request.command());
    }

    /**
     * The scheduler's clock moves at most once a millisecond (lock waits time out, delayed waiters run); the regions
     * with waiters are checked on their slow tick.
     *
     * @return the work done: waits ended by a leadership or epoch change.
     */
    private int tick(final long nowNs) {
        final long nowMs = TimeUnit.NANOSECONDS.toMillis(nowNs - originNs);
        if (nowMs > lastTickMs) {
            lastTickMs = nowMs;
            scheduler.tick(nowMs);
        }
        return lockWaits.poll(nowNs, scheduler.waitingForLocks(), canceller);
    }

    /** Cancels the lock waits on the region's keys (as watched) and answers each with the region error. */
    private void cancelLockWaits(final LockWaitGuard.Watched region, final Status status, final String message) {
        final long[] requestIds = scheduler.cancelLockWaits(userKey -> region.contains(TxnKeyCodec.encode(userKey)));
        for (final long requestId : requestIds) {
            final Pending request = pending.remove(requestId);
            if (request == null) {
                continue;
            }
            final TxnRequest txn = request.request();
            if (status == Status.NOT_LEADER) {
                replies.commitNotLeader(request.slot(), request.generation(), txn.correlationId(), txn.templateId(),
                    0, "", message);
            } else {
                replies.commitError(request.slot(), request.generation(), txn.correlationId(), status,
                    txn.templateId(), message);
            }
        }
    }

    @Override
    public void respond(final long requestId, final TxnResponse response) {
        final Pending request = pending.remove(requestId);
        if (request == null) {
            return;
        }
        final TxnRequest txn = request.request();
        if (response instanceof TxnResponse.Busy busy) {
            replies.commitError(request.slot(), request.generation(), txn.correlationId(), Status.SERVER_BUSY,
                txn.templateId(), busy.reason());
            return;
        }
        send(request.slot(), request.generation(), txn, encoder.encode(txn, response, scratch, 0),
            !txn.command().isRead());
    }

    @Override
    public void propose(final long commandId, final byte[] writeBatch) {
        final Pending request = pending.get(scheduler.runningRequestId());
        final AppliedRegions.Region region = request == null ? null : regions.get(request.request().regionId());
        if (region == null) {
            failures.add(new Failure(commandId, Status.REGION_NOT_FOUND, 0, "", "the region left this store"));
            return;
        }
        if (region.descriptor.version() != request.request().epochVersion()) {
            failures.add(new Failure(commandId, Status.EPOCH_NOT_MATCH, 0, "", "region " + region.descriptor.id()
                + " moved to version " + region.descriptor.version() + " before the command ran"));
            return;
        }
        // The proposing leader's clock stamps the entry, as a RawKV write's (dedup records expire by it).
        writer.begin(scratch, 0, Command.TXN_WRITE, 0, System.currentTimeMillis(), region.descriptor.id(),
            region.descriptor.confVer(), region.descriptor.version(), 0, commandId, 0, 0);
        writer.item(writeBatch).id(region.state.appliedTerm());
        final byte[] command = new byte[writer.finish()];
        scratch.getBytes(0, command);
        if (!link.offerProposal(new TxnLink.Proposal(commandId, region.descriptor.id(), command))) {
            failures.add(new Failure(commandId, Status.SERVER_BUSY, 0, "", "too many transactional writes queued"));
        }
    }

    /**
     * Applies a committed TXN_WRITE, on every replica alike: its modifications go into the entry's batch if the
     * command still fits the region (same epoch version) and was proposed in the term it read in.
     *
     * @param mine whether this store's scheduler proposed it (it waits for the outcome).
     */
    void applyWrite(
        final ApplyBatch batch, final CommandReader command, final AppliedRegions.Region region, final long term,
        final boolean mine) {
        final long commandId = command.requestId();
        command.nextItem(view);
        final byte[] bytes = new byte[view.capacity()];
        view.getBytes(0, bytes);
        final long readTerm = command.nextId(view);
        if (command.regionId() != region.descriptor.id() || command.epochVersion() != region.descriptor.version()) {
            if (mine) {
                failures.add(new Failure(commandId, Status.EPOCH_NOT_MATCH, 0, "", "region "
                    + region.descriptor.id() + " moved to version " + region.descriptor.version()
                    + " before the transaction's write applied; it did not happen"));
            }
            return;
        }
        if (readTerm != term) {
            if (mine) {
                failures.add(new Failure(commandId, Status.NOT_LEADER, 0, "", "leadership changed between the "
                    + "command's read and its write; the write did not happen"));
            }
            return;
        }
        final List<Modify> modifies;
        try {
            modifies = WriteBatchCodec.decode(bytes);
        } catch (final MalformedRecordException ex) {
            LOG.warn("region {}: transactional write of {} bytes malformed, not applied: {}",
                region.descriptor.id(), bytes.length, ex.getMessage());
            if (mine) {
                failures.add(new Failure(commandId, Status.MALFORMED, 0, "", ex.getMessage()));
            }
            return;
        }
        long written = 0;
        for (final Modify modify : modifies) {
            batch.stageTxn(modify.family(), modify.key(), modify.value());
            written += modify.key().length + (modify.value() == null ? 0 : modify.value().length);
        }
        region.countWrite(written, modifies.size());
        if (mine) {
            applied.addLong(commandId);
        }
    }

    /** A write this store proposed that will not apply (its region left, the store failed): failed after the call. */
    void writeFailed(final long commandId, final Status status, final String message) {
        failures.add(new Failure(commandId, status, 0, "", message));
    }

    /** The batch holding the writes applied since the last call committed: the scheduler answers them. */
    void afterCommit() {
        for (int i = 0; i < applied.size(); i++) {
            final long commandId = applied.getLong(i);
            if (GcWrites.isGc(commandId)) {
                if (gcWrites != null) {
                    gcWrites.onApplied(commandId);
                }
            } else {
                scheduler.onApplied(commandId);
            }
        }
        applied.clear();
        failPending();
    }

    /** The batch failed: its writes will be answered by the store's failure, not applied. */
    void afterAbort(final String message) {
        for (int i = 0; i < applied.size(); i++) {
            failures.add(new Failure(applied.getLong(i), Status.INTERNAL_ERROR, 0, "", message));
        }
        applied.clear();
    }

    private int failPending() {
        final int count = failures.size();
        for (int i = 0; i < failures.size(); i++) {
            final Failure failure = failures.get(i);
            if (GcWrites.isGc(failure.commandId())) {
                if (gcWrites != null) {
                    gcWrites.onFailed(failure.commandId(), failure.status(), failure.message());
                }
                continue;
            }
            final long requestId = scheduler.onWriteFailed(failure.commandId());
            final Pending request = requestId < 0 ? null : pending.remove(requestId);
            if (request == null) {
                continue;
            }
            final TxnRequest txn = request.request();
            if (failure.status() == Status.NOT_LEADER) {
                replies.commitNotLeader(request.slot(), request.generation(), txn.correlationId(), txn.templateId(),
                    failure.leaderStoreId(), failure.endpoint(), failure.message());
            } else {
                replies.commitError(request.slot(), request.generation(), txn.correlationId(), failure.status(),
                    txn.templateId(), failure.message());
            }
        }
        failures.clear();
        return count;
    }

    private boolean maxTsSynced(final AppliedRegions.Region region) {
        if (maxTs == null) {
            return false;
        }
        final long regionId = region.descriptor.id();
        final long term = region.state.appliedTerm();
        if (syncedTerm.get(regionId) == term) {
            return true;
        }
        if (requestedTerm.get(regionId) != term && maxTs.request(regionId, term)) {
            requestedTerm.put(regionId, term);
        }
        return false;
    }

    private void onSynced(final MaxTsSync.Synced synced) {
        if (requestedTerm.get(synced.regionId()) == synced.term()) {
            requestedTerm.remove(synced.regionId());
        }
        if (synced.ts() > 0) {
            concurrency.updateMaxTs(synced.ts());
            if (synced.term() > syncedTerm.get(synced.regionId())) {
                syncedTerm.put(synced.regionId(), synced.term());
            }
        }
    }

    private void send(
        final int slot, final int generation, final TxnRequest request, final int length, final boolean isWrite) {
        if (length > maxReplyBytes) {
            replies.commitError(slot, generation, request.correlationId(), Status.TOO_LARGE, request.templateId(),
                "the answer is larger than a frame; ask for less");
            return;
        }
        replies.buffer().putBytes(replies.position(), scratch, 0, length);
        replies.commit(slot, generation, length, isWrite);
    }
}
