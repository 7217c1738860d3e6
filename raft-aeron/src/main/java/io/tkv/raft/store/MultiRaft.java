package io.tkv.raft.store;

import io.tkv.log.LogHardState;
import io.tkv.log.RaftLog;
import io.tkv.log.RaftLogException;
import io.tkv.raft.core.ConfChange;
import io.tkv.raft.core.ConfState;
import io.tkv.raft.core.PeerProgress;
import io.tkv.raft.core.MessageType;
import io.tkv.raft.core.RaftMessage;
import io.tkv.raft.core.RaftNode;
import io.tkv.raft.core.RaftStatus;
import io.tkv.raft.transport.RaftMessageHandler;
import io.tkv.raft.transport.RaftTransport;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The store's multi-Raft driver, in the shape of TiKV's batch-system: one {@link RegionPeer} (state machine and
 * mailbox) per region, all polled by the raft agent once per duty cycle. One cycle:
 * <ol>
 * <li>tick every region when the Raft clock ({@link MultiRaftConfig#clock()}) is due (catching up after a stall, so
 *     lease time is never under-counted);</li>
 * <li>take each region's Ready; write every region's entries and hard state to the shared log and queue the
 *     messages that may leave before they are durable; flush the transport (the leader's appends go out while
 *     it syncs its own log);</li>
 * <li>one {@link RaftLog#sync()} for all regions (group commit);</li>
 * <li>queue the messages that need the sync (votes, append responses), hand committed entries and ready reads
 *     to the {@link ApplySink}, advance every core, flush the transport again.</li>
 * </ol>
 * Steps 2 to 4 are the {@link ReadyRound}'s; with {@link MultiRaftConfig#pipelinedSync()} step 3 runs on the log's
 * sync thread, and the messages that need it leave in a later cycle, once the log is durable past them.
 * Messages from other stores are stepped in as they arrive ({@link #onMessage}), proposals and reads as the
 * store's ingress takes them.
 *
 * <p><b>The lease and the clock.</b> A read is judged by the lease as of the clock at the moment it is asked for, not
 * as of the last duty cycle: {@link #read} reads the clock and takes the ticks due since first. Whatever runs before
 * the driver's next cycle on its thread (the ingress, an embedded media driver in invoker mode) after a stall (GC,
 * SIGSTOP) therefore cannot have a read served under a lease that ran out by the clock while the new leader already
 * takes writes. Only this check needs the fresh tick count: the lease starts at the tick a round was sent, so a
 * round sent before the catch-up (answering a message stepped in first) is stamped early, which only shortens it.
 *
 * <p><b>Compaction.</b> Once per tick each region whose log holds more than
 * {@link MultiRaftConfig#compactThresholdEntries()} entries at or below its state machine's durable applied index
 * ({@link AppliedIndexSource}: the apply side made RocksDB durable up to there before it published the index) is
 * compacted to that index minus {@link MultiRaftConfig#compactKeepEntries()}, then synced; the log deletes cycle
 * files once no region needs them. A follower left behind the compacted log gets a snapshot from the
 * {@link SnapshotSource}, whose files the {@link SnapshotTransfers} stream: a received SNAPSHOT is stepped into the
 * core only once its files are here, and every SNAPSHOT sent is reported to the core when its stream ends.
 *
 * <p><b>Hibernation.</b> With {@link MultiRaftConfig#hibernateAfterTicks()} set, a region whose group is settled
 * sleeps (io.tkv.raft.core.Hibernation): the driver ticks and polls only the {@link AwakeRegions}, and any input
 * for a region wakes it first. A store heartbeats every other store instead ({@link RaftTransport#keepAlive()}), and
 * when one has been silent for an election timeout ({@link StoreLiveness}) the sleeping followers of the regions it
 * leads wake to elect a leader. Compaction of sleeping regions runs in a slow sweep over every region.
 *
 * <p>A failed log write or sync makes the driver fail-stop: from then on it persists, sends and applies nothing,
 * and {@link #propose} and {@link #read} answer {@link Outcome#FAILED}, since the log cannot say what reached
 * the disk. Owned by the raft agent; not thread safe.
 */
public final class MultiRaft implements RaftMessageHandler, AutoCloseable {
    /** The index and term a founding peer's log starts after (as TiKV's regions start at 5). */
    public static final long BOOTSTRAP_INDEX = 5;
    /** The term of the founding snapshot point. */
    public static final long BOOTSTRAP_TERM = 5;

    private static final Logger LOG = LoggerFactory.getLogger(MultiRaft.class);
    /** Ticks caught up at once after a stall; beyond them (and never below an election timeout) time is skipped. */
    private static final int MAX_CATCH_UP_TICKS = 1000;
    private static final int MAX_TRANSFER_EVENTS = 16;

    /** What became of a proposal or a read. */
    public enum Outcome {
        /** Accepted: its answer comes through the {@link ApplySink}. */
        ACCEPTED,
        /** This store does not lead the region; {@link #leaderStoreId(long)} says who might. */
        NOT_LEADER,
        /** The region's uncommitted window is full or a leader transfer is in progress: retry shortly. */
        BUSY,
        /** No such region on this store. */
        NO_REGION,
        /** Larger than {@link MultiRaftConfig#maxEntryBytes()}: it could never be replicated. */
        TOO_LARGE,
        /** The store failed (its Raft log, a step, or its state machine): it serves nothing more. */
        FAILED
    }

    private final MultiRaftConfig config;
    private final RaftLog log;
    private final RaftTransport transport;
    private final ApplySink sink;
    private final SnapshotSource snapshots;
    private final SnapshotTransfers transfers;
    private final AppliedIndexSource appliedIndexes;
    private final SnapshotTransfers.Events transferEvents = new TransferEvents();
    private final Long2ObjectHashMap<RegionPeer> regions = new Long2ObjectHashMap<>();
    private final List<RegionPeer> peerList = new ArrayList<>();
    private PeerFactory peerFactory = (fromStoreId, message) -> false;
    private final ReadyRound readies;
    private final StoreHibernation hibernation;
    private final AwakeRegions awake;
    private final SplittableRandom random;
    private final NanoClock clock;
    private final int maxCatchUpTicks;
    private long nextTickMs = Long.MIN_VALUE;
    /** Ticks taken since the last duty cycle began (by reads too): what the cycle's once-per-tick work counts. */
    private int ticksSinceCycle;
    private long nextPeriodicSyncMs;
    private long messagesFromNonMembers;
    private String failure;

    /**
     * @param config    concluded settings.
     * @param log       the store's Raft log (owned by the caller, closed after this driver).
     * @param transport the store-to-store transport (owned by the caller).
     * @param sink      the apply side.
     * @param snapshots where snapshots for lagging followers come from.
     */
    public MultiRaft(
        final MultiRaftConfig config, final RaftLog log, final RaftTransport transport, final ApplySink sink,
        final SnapshotSource snapshots) {
        this(config, log, transport, sink, snapshots, SnapshotTransfers.NONE, AppliedIndexSource.NONE);
    }

    /**
     * @param config         concluded settings.
     * @param log            the store's Raft log (owned by the caller, closed after this driver).
     * @param transport      the store-to-store transport (owned by the caller).
     * @param sink           the apply side.
     * @param snapshots      where snapshots for lagging followers come from.
     * @param transfers      streams snapshot files ({@link SnapshotTransfers#NONE}: inline snapshots).
     * @param appliedIndexes the state machine's durable applied index per region, for compaction.
     */
    public MultiRaft(
        final MultiRaftConfig config, final RaftLog log, final RaftTransport transport, final ApplySink sink,
        final SnapshotSource snapshots, final SnapshotTransfers transfers, final AppliedIndexSource appliedIndexes) {
        this.config = config.conclude();
        this.log = log;
        this.transport = transport;
        this.sink = sink;
        this.snapshots = snapshots;
        this.transfers = transfers;
        this.appliedIndexes = appliedIndexes;
        this.random = new SplittableRandom(config.randomSeed());
        this.clock = this.config.clock();
        // Skipping ticks after a long stall is safe only once they cover an election timeout, which is longer than
        // any lease (MultiRaftConfig#conclude): the lease has run out by then and the leader's check-quorum ran.
        this.maxCatchUpTicks = Math.max(MAX_CATCH_UP_TICKS, this.config.electionTimeoutTicks());
        this.hibernation = new StoreHibernation(this.config, peerList);
        this.awake = hibernation.awake();
        this.readies = new ReadyRound(this.config, log, transport, awake, this::failStop);
    }

    /**
     * Writes the founding state of a region this store starts with: an empty log after the snapshot point
     * ({@link #BOOTSTRAP_INDEX}, {@link #BOOTSTRAP_TERM}), synced. The caller records the same applied index and
     * the founding membership on its side before it {@link #addRegion adds} the region.
     *
     * @throws IllegalStateException if the log already holds the region.
     */
    public void bootstrapRegion(final long regionId) {
        if (log.lastIndex(regionId) != 0 || log.hardState(regionId).term() != 0) {
            throw new IllegalStateException("region " + regionId + " already has a log");
        }
        log.compact(regionId, BOOTSTRAP_INDEX, BOOTSTRAP_TERM);
        log.saveHardState(regionId, BOOTSTRAP_TERM, 0, BOOTSTRAP_INDEX);
        log.sync();
    }

    /**
     * Starts serving a region this store hosts a peer of.
     *
     * @param regionId     the region.
     * @param peerId       this store's peer in it.
     * @param conf         its membership as of {@code appliedIndex} (from the applied state).
     * @param appliedIndex what the state machine has applied durably; committed entries are handed to the sink
     *                     from the one after it.
     * @param peers        which store hosts each peer.
     */
    public void addRegion(
        final long regionId, final long peerId, final ConfState conf, final long appliedIndex,
        final PeerDirectory peers) {
        if (regions.containsKey(regionId)) {
            throw new IllegalStateException("region " + regionId + " is already served");
        }
        final LogHardState hardState = log.hardState(regionId);
        if (hardState.commit() < appliedIndex) {
            // A commit index rides on the next sync (RegionPeer), so after an OS crash the log may know less than
            // RocksDB applied; what was applied was committed, so the log's hard state catches up first.
            log.saveHardState(regionId, hardState.term(), hardState.vote(), appliedIndex);
            log.sync();
        }
        final LogBackedStorage storage = new LogBackedStorage(log, regionId, conf, snapshots);
        final RaftNode node = new RaftNode(config.raftConfig(peerId, regionId, appliedIndex, random.split()), storage);
        final RegionPeer peer = new RegionPeer(regionId, peerId, node, storage, peers, sink, transfers, appliedIndex);
        regions.put(regionId, peer);
        peerList.add(peer);
        awake.add(peer);
        LOG.info("serving region {} as peer {}: {}", regionId, peerId, node.status());
    }

    /**
     * A message from another store (authenticated by the transport), for one of this store's regions. Messages for
     * unknown regions are dropped (PD will create peers for them later), and so are messages from a peer that is not a
     * member of the region's configuration in effect here or that the sending store does not host, or addressed to
     * another peer: a store of the cluster may only speak for its own peers ({@link #messagesFromNonMembers()}). A
     * SNAPSHOT goes to the {@link SnapshotTransfers} first, and is stepped once its files are here.
     */
    @Override
    public void onMessage(final long fromStoreId, final RaftMessage message) {
        if (failure != null) {
            return;
        }
        RegionPeer peer = regions.get(message.regionId());
        if (peer == null) {
            if (!peerFactory.create(fromStoreId, message)) {
                return;
            }
            peer = regions.get(message.regionId());
        }
        if (!peer.acceptsFrom(fromStoreId, message)) {
            messagesFromNonMembers++;
            return;
        }
        awake.add(peer);
        if (message.type() == MessageType.SNAPSHOT && transfers != SnapshotTransfers.NONE) {
            transfers.fetch(fromStoreId, message);
            return;
        }
        try {
            peer.node().step(message);
        } catch (final RuntimeException ex) {
            failStop("region " + message.regionId() + " failed to step " + message.type() + ": " + ex, ex);
        }
    }

    /**
     * The transport gave up on a message: the core probes that peer again instead of waiting. A message no frame can
     * carry (an entry larger than a frame, which a store with another config may have put in the log) would be given
     * up on for ever: while that entry is not committed the region cannot commit anything, so the leader steps down,
     * to let a peer without it lead and overwrite it. A committed one only holds back that follower, which a
     * snapshot catches up once the log is compacted past it.
     */
    public void onDropped(final long toStoreId, final RaftMessage message) {
        final RegionPeer peer = wake(message.regionId());
        if (peer == null) {
            return;
        }
        peer.onDropped(message, transport.fitsOneFrame(message));
    }

    /**
     * Proposes a command to a region.
     *
     * @param data  the entry's payload (kept by the core and the log: not to be changed afterwards).
     * @param token the caller's id for the proposal, handed back with its committed entry (nonzero).
     */
    public Outcome propose(final long regionId, final byte[] data, final long token) {
        if (failure != null) {
            return Outcome.FAILED;
        }
        final RegionPeer peer = wake(regionId);
        if (peer == null) {
            return Outcome.NO_REGION;
        }
        if (data.length > config.maxEntryBytes()) {
            return Outcome.TOO_LARGE;
        }
        try {
            if (peer.propose(data, token) >= 0) {
                return Outcome.ACCEPTED;
            }
        } catch (final RuntimeException ex) {
            failStop("region " + regionId + " failed to propose: " + ex, ex);
            return Outcome.FAILED;
        }
        return peer.isLeader() ? Outcome.BUSY : Outcome.NOT_LEADER;
    }

    /**
     * Proposes a membership change of a region this store leads (one at a time: the core refuses one while the last
     * is not applied, BUSY). Its entry is handed to the sink when committed, like any proposal.
     *
     * @param token the caller's id for the proposal (nonzero).
     */
    public Outcome proposeConfChange(final long regionId, final ConfChange change, final long token) {
        if (failure != null) {
            return Outcome.FAILED;
        }
        final RegionPeer peer = wake(regionId);
        if (peer == null) {
            return Outcome.NO_REGION;
        }
        try {
            if (peer.proposeConfChange(change, token) >= 0) {
                return Outcome.ACCEPTED;
            }
        } catch (final RuntimeException ex) {
            failStop("region " + regionId + " failed to propose a membership change: " + ex, ex);
            return Outcome.FAILED;
        }
        return peer.isLeader() ? Outcome.BUSY : Outcome.NOT_LEADER;
    }

    /**
     * Asks for a linearizable read: under a valid leader lease at once, else after a ReadIndex round. The lease is
     * judged by the clock now: the ticks due since the last duty cycle are taken first. The read is handed to the
     * sink once every entry committed before it was confirmed has been handed over.
     *
     * @param token the caller's id for the read (nonzero).
     */
    public Outcome read(final long regionId, final long token) {
        if (failure != null) {
            return Outcome.FAILED;
        }
        final RegionPeer peer = wake(regionId);
        if (peer == null) {
            return Outcome.NO_REGION;
        }
        // The caller may run before this driver's next cycle after a stall; a tick count left from before it would
        // trust a lease that ran out by the clock (see the class comment). A tick may end leadership here: the read
        // then waits for a ReadIndex round the core does not start, and is rejected when the role change is handled.
        try {
            tick(nowMs());
            return peer.read(token) ? Outcome.ACCEPTED : Outcome.NOT_LEADER;
        } catch (final RuntimeException ex) {
            failStop("region " + regionId + " failed to read: " + ex, ex);
            return Outcome.FAILED;
        }
    }

    /** Has the store's peer of a region start an election at once (a region a split made, on its leader's store). */
    public void campaign(final long regionId) {
        final RegionPeer peer = wake(regionId);
        if (peer != null && failure == null) {
            peer.node().campaignNow();
        }
    }

    /** Sets who decides whether a message for an unknown region creates a peer of it. */
    public void peerFactory(final PeerFactory factory) {
        this.peerFactory = factory;
    }

    /**
     * Starts a peer of a region this store knows nothing of yet (no membership, no log, no state), because the
     * region's leader addressed it: it takes the region's messages only from that leader until a snapshot gives it
     * the region's membership, and it cannot campaign before (it is in no membership of its own).
     *
     * @param creatorPeerId the leader peer whose message made it.
     */
    public void addUninitializedRegion(
        final long regionId, final long peerId, final long creatorPeerId, final PeerDirectory peers) {
        addRegion(regionId, peerId, new ConfState(new long[0], new long[0]), 0, peers);
        regions.get(regionId).admitCreator(creatorPeerId);
    }

    /**
     * Stops serving a region whose peer here was removed from it: what waits on it here is refused, and the log
     * forgets it (entries, hard state). Its state machine's data is the apply side's to delete.
     */
    public void removeRegion(final long regionId) {
        final RegionPeer peer = regions.remove(regionId);
        if (peer == null) {
            return;
        }
        peerList.remove(peer);
        awake.remove(peer);
        peer.abandon();
        log.removeRegion(regionId);
    }

    /** @return how many of the store's regions its peers lead. Walks every region: not for each request. */
    public int ledRegionCount() {
        int led = 0;
        for (int i = 0; i < peerList.size(); i++) {
            if (peerList.get(i).isLeader()) {
                led++;
            }
        }
        return led;
    }

    /** @return the store believed to lead the region, or 0 if unknown. */
    public long leaderStoreId(final long regionId) {
        final RegionPeer peer = regions.get(regionId);
        return peer == null ? 0 : peer.leaderStoreId();
    }

    /**
     * One duty cycle of Raft work: reads the clock, ticks when due, then every region's Ready.
     *
     * @return work done.
     */
    public int doWork() {
        if (failure != null) {
            return 0;
        }
        try {
            return work(nowMs());
        } catch (final InternalError fault) {
            // A memory-mapped write the file system could not back (a full disk under a log without a space
            // reserve) is reported by the JVM late, at some later point of this thread, as an InternalError. Which
            // writes it hit is unknown: stop as for a failed log write, rather than let the agent thread die.
            failStop(new RaftLogException("a memory access of the Raft log faulted (a full disk?): " + fault, fault));
            return 1;
        } catch (final RuntimeException ex) {
            // A region half-stepped (its Ready taken, not advanced) can neither go on nor be trusted: stop the store,
            // with the reason, rather than leave the region silent while it still looks alive.
            failStop("a region's Raft work failed: " + ex, ex);
            return 1;
        }
    }

    private int work(final long nowMs) {
        int work = transfers.poll(transferEvents, MAX_TRANSFER_EVENTS);
        tick(nowMs);
        final int ticks = ticksSinceCycle;
        ticksSinceCycle = 0;
        work += ticks;
        if (ticks > 0 && config.compactThresholdEntries() > 0) {
            work += compact();
        }
        for (int i = 0; i < awake.size(); i++) {
            work += awake.get(i).drainBacklog();
        }
        work += readies.run();
        hibernation.sweep();
        if (!config.logSync() && config.periodicSyncIntervalMs() > 0 && nowMs >= nextPeriodicSyncMs) {
            nextPeriodicSyncMs = nowMs + config.periodicSyncIntervalMs();
            try {
                log.sync();
            } catch (final RaftLogException ex) {
                failStop(ex);
            }
            work++;
        }
        return work;
    }

    private long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(clock.nanoTime());
    }

    /** Ticks every region once for each tick interval that passed by {@code nowMs}; counted in ticksSinceCycle. */
    private void tick(final long nowMs) {
        if (nextTickMs == Long.MIN_VALUE) {
            nextTickMs = nowMs + config.tickIntervalMs();
            return;
        }
        int ticks = 0;
        while (nowMs >= nextTickMs) {
            for (int i = 0; i < awake.size(); i++) {
                awake.get(i).node().tick();
            }
            hibernation.onTick(transport);
            nextTickMs += config.tickIntervalMs();
            if (++ticks == maxCatchUpTicks) {
                nextTickMs = nowMs + config.tickIntervalMs();
                break;
            }
        }
        ticksSinceCycle += ticks;
    }

    /** A frame from another store arrived (the transport checked it): that store is alive. */
    @Override
    public void onFrame(final long fromStoreId) {
        hibernation.onFrame(fromStoreId);
    }

    /** @return the region's peer, visited by the duty cycle from now on (an input is about to wake it), or null. */
    private RegionPeer wake(final long regionId) {
        final RegionPeer peer = regions.get(regionId);
        if (peer != null) {
            awake.add(peer);
        }
        return peer;
    }

    /** @return how many regions the duty cycle visits (those not hibernating, and those just falling asleep). */
    public int awakeRegionCount() {
        return awake.size();
    }

    /**
     * @return regions compacted; their COMPACT records are synced here (after the state machine was durable). Walks
     *     the awake regions, and now and then every region ({@link StoreHibernation#fullSweepDue()}).
     */
    private int compact() {
        int compacted = 0;
        final boolean all = hibernation.fullSweepDue();
        try {
            for (int i = 0; i < (all ? peerList.size() : awake.size()); i++) {
                final RegionPeer peer = all ? peerList.get(i) : awake.get(i);
                if (peer.maybeCompact(log, appliedIndexes.durableAppliedIndex(peer.regionId()),
                    config.compactThresholdEntries(), config.compactKeepEntries())) {
                    compacted++;
                }
            }
            if (compacted > 0) {
                log.sync();
            }
        } catch (final RaftLogException ex) {
            failStop(ex);
        }
        return compacted;
    }

    private void failStop(final RaftLogException ex) {
        failStop("Raft log failed: " + ex.getMessage(), ex);
    }

    /**
     * Stops the store for good, for every region: nothing more is persisted, sent, applied or acknowledged, leaders
     * step down (so a status says so, and nothing of theirs commits), and proposals and reads are answered
     * {@link Outcome#FAILED}. For a failed log or step here, and for a state machine that can no longer follow the
     * log (the caller's apply side).
     *
     * @param reason why, as the store's failure will say.
     * @param cause  the error, or null.
     */
    public void failStop(final String reason, final Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = reason;
        LOG.error("this store stops serving every region and acknowledges nothing more: {}", reason, cause);
        readies.abandon();
        for (int i = 0; i < peerList.size(); i++) {
            peerList.get(i).node().stepDown();
        }
    }

    /** @return messages dropped because their sender is not a member of the region, or not on the sending store. */
    public long messagesFromNonMembers() {
        return messagesFromNonMembers;
    }

    /** @return why the driver stopped, or null while it runs. */
    public String failure() {
        return failure;
    }

    /** @return the region's Raft status, or null if the region is not served here. */
    public RaftStatus status(final long regionId) {
        final RegionPeer peer = regions.get(regionId);
        return peer == null ? null : peer.status();
    }

    /**
     * @return the other peers' replication state if this store's peer of the region leads it, else an empty list
     *     (allocates: reports, not the hot path).
     */
    public List<PeerProgress> peerProgress(final long regionId) {
        final RegionPeer peer = regions.get(regionId);
        return peer == null ? List.of() : peer.node().peerProgress();
    }

    /** @return the ids of the regions served, in the order they were added. */
    public long[] regionIds() {
        final long[] ids = new long[peerList.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = peerList.get(i).regionId();
        }
        return ids;
    }

    /** Transfers a region's leadership to another peer (leader only; ignored otherwise). */
    public void transferLeader(final long regionId, final long toPeerId) {
        final RegionPeer peer = wake(regionId);
        if (peer != null) {
            peer.node().transferLeadership(toPeerId);
        }
    }

    /**
     * Asks this store's peer of a region, if it leads, to hand leadership to the region's voter on another store: it
     * catches that voter up, then tells it to campaign at once (and gives up after an election timeout).
     *
     * @return ACCEPTED if the transfer started or {@code toStoreId} leads already; NOT_LEADER if this store does not
     *     lead; NO_REGION if the region is not here, or has no voter on {@code toStoreId}; FAILED if the log failed.
     */
    public Outcome transferLeaderToStore(final long regionId, final long toStoreId) {
        final RegionPeer peer = wake(regionId);
        if (peer == null) {
            return Outcome.NO_REGION;
        }
        return failure != null ? Outcome.FAILED : peer.transferToStore(toStoreId);
    }

    /** What the streaming side reports, on the raft agent's thread. */
    private final class TransferEvents implements SnapshotTransfers.Events {
        @Override
        public void onFetched(final long fromStoreId, final RaftMessage message) {
            final RegionPeer peer = wake(message.regionId());
            if (peer == null || failure != null) {
                transfers.discard(message);
                return;
            }
            peer.node().step(message);
            // Installed: the core's log now starts right after the snapshot; else it had the entries already.
            if (peer.node().status().firstIndex() != message.snapshot().index() + 1) {
                transfers.discard(message);
            }
        }

        @Override
        public void onReport(final long regionId, final long peerId, final boolean delivered) {
            final RegionPeer peer = wake(regionId);
            if (peer != null) {
                peer.node().reportSnapshot(peerId, delivered);
            }
        }
    }

    @Override
    public void close() {
        regions.clear();
        peerList.clear();
        awake.clear();
    }
}
