package io.tkv.server.raft;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.tkv.log.RaftLog;
import io.tkv.log.RaftLogConfig;
import io.tkv.raft.store.MultiRaft;
import io.tkv.raft.store.MultiRaftConfig;
import io.tkv.raft.snapshot.SnapshotAgent;
import io.tkv.raft.snapshot.SnapshotConfig;
import io.tkv.raft.snapshot.SnapshotDirs;
import io.tkv.raft.transport.RaftAdapter;
import io.tkv.raft.transport.RaftTransport;
import io.tkv.raft.transport.RaftTransportConfig;
import io.tkv.raft.transport.TransportCounters;
import io.tkv.raft.transport.PartitionFaults;
import io.tkv.server.StoreCounters;
import io.tkv.server.StoreFailure;
import io.tkv.server.apply.AppliedRegions;
import io.tkv.server.apply.DurableAppliedIndex;
import io.tkv.server.apply.SnapshotInstaller;
import io.tkv.server.config.RaftSettings;
import io.tkv.server.config.ServerConfig;
import io.tkv.server.ingress.CommandQueue;
import io.tkv.server.session.ReplySender;
import io.tkv.server.session.SessionRegistry;
import io.tkv.server.storepd.PdLink;
import io.tkv.server.txn.TxnLink;
import io.tkv.storage.ApplyBatch;
import io.tkv.storage.FsyncPolicy;
import io.tkv.server.region.RegionRegistry;
import io.tkv.storage.RegionApplyState;
import io.tkv.storage.RegionDescriptor;
import io.tkv.storage.RegionSize;
import io.tkv.storage.RegionSnapshot;
import io.tkv.storage.StorageEngine;
import io.tkv.storage.command.Command;
import org.agrona.CloseHelper;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The store's replication, wired at start-up: the Raft log, the transport to the other stores of
 * {@code raft.initial-cluster}, the multi-Raft driver serving every region the store holds a peer of (as its
 * persisted descriptor says: range, epoch, peers; published to the {@link RegionRegistry}), the sink to the apply
 * agent and the router the ingress proposes through. A store without any region state bootstraps the founding region
 * (the whole key space, every store of the initial cluster a voter whose peer id is its store id); a store with
 * applied state but no log refuses to start (its log was lost, and a peer that forgot what it voted for and
 * acknowledged could break Raft's safety).
 *
 * <p>Snapshots: the {@link SnapshotAgent} streams snapshot files on its own stream, the {@link SnapshotExporter}
 * exports them on its own thread for the {@link StoreSnapshotSource}, the apply agent installs them
 * ({@link SnapshotInstaller}) and publishes its durable applied index ({@link DurableAppliedIndex}) for log
 * compaction. At start-up an interrupted ingest is discarded, a state machine behind the log's snapshot point is
 * brought to it from the fetched files kept for that, and every other file under {@code <data-dir>/snap} goes (no
 * transfer survives a restart).
 */
public final class Replication implements AutoCloseable {
    /** The region a founding store creates over the whole key space; others come from splits. */
    public static final long FOUNDING_REGION_ID = 1;
    /** Most proposals of this store waiting for their entries at once. */
    private static final int MAX_PENDING_PROPOSALS = 1 << 16;

    private static final Logger LOG = LoggerFactory.getLogger(Replication.class);

    private RaftLog log;
    private Subscription subscription;
    private RaftTransport transport;
    private TransportCounters transportCounters;
    private MultiRaft raft;
    private RaftAgent agent;
    private RequestRouter router;
    private AdminHandler admin;
    private AppliedRegions regions;
    private RegionStarter starter;
    /** Null on a store without PD. */
    private PdBridge pd;
    /** Regions splits made, from the apply agent to the raft agent (one per split applied: bounded by the log). */
    private final Queue<AppliedRegions.RegionEvent> regionEvents = new ConcurrentLinkedQueue<>();
    private Subscription snapshotSubscription;
    private SnapshotAgent snapshotAgent;
    private SnapshotExporter exporter;
    private SnapshotInstaller installer;
    private DurableAppliedIndex durableApplied;
    private final TxnLink txnLink = new TxnLink();

    private Replication() {
    }

    /**
     * Opens the log, bootstraps or recovers region 1, and builds the raft agent and the router. On failure
     * everything opened so far is closed again.
     *
     * @param incarnation    this store's start count ({@code StoreMeta.nextIncarnation}), on every frame it sends to
     *                       another store.
     * @param batch          used here only, before any agent runs, to record a founding peer's starting applied
     *                       index.
     * @param regionSnapshot the store's snapshot export and ingest.
     */
    public static Replication open(
        final ServerConfig config, final long incarnation, final Aeron aeron, final StorageEngine engine,
        final ApplyBatch batch,
        final RegionSnapshot regionSnapshot, final StoreCounters counters, final SessionRegistry registry,
        final ReplySender replies, final CommandQueue queue, final PartitionFaults faults,
        final StoreFailure storeFailure, final RegionRegistry regionRegistry) {
        final Replication replication = new Replication();
        try {
            replication.start(config, incarnation, aeron, engine, batch, regionSnapshot, counters, registry, replies,
                queue, faults, storeFailure, regionRegistry);
            return replication;
        } catch (final RuntimeException ex) {
            replication.close();
            throw ex;
        }
    }

    private void start(
        final ServerConfig config, final long incarnation, final Aeron aeron, final StorageEngine engine,
        final ApplyBatch batch,
        final RegionSnapshot regionSnapshot, final StoreCounters counters, final SessionRegistry registry,
        final ReplySender replies, final CommandQueue queue, final PartitionFaults faults,
        final StoreFailure storeFailure, final RegionRegistry regionRegistry) {
        final RaftSettings settings = config.raft();
        log = RaftLog.open(new RaftLogConfig().dir(settings.logDir()).maxCycleFileBytes(settings.logCycleFileBytes())
            .reserveSpaceBytes(settings.logReserveBytes()));
        final Path snapshotRoot = config.dataDir().resolve("snap");

        final RaftTransportConfig transportConfig = new RaftTransportConfig()
            .clusterId(config.clusterId())
            .storeId(config.storeId())
            .streamId(settings.streamId())
            .termLengthBytes(config.termLengthBytes())
            .clusterKey(config.clusterKey())
            .incarnation(incarnation);
        transportCounters = new TransportCounters(aeron::addCounter);
        subscription = aeron.addSubscription("aeron:udp?endpoint=" + config.listenEndpoint(), settings.streamId());
        final List<RaftSettings.StoreAddress> stores = settings.initialCluster();
        final StoreAddressBook[] book = new StoreAddressBook[1];
        final RaftAdapter adapter = new RaftAdapter(subscription, transportConfig, id -> book[0].isOtherStore(id),
            faults, transportCounters);
        final MultiRaft[] driver = new MultiRaft[1];
        transport = new RaftTransport(aeron, transportConfig, faults, transportCounters,
            (toStore, message) -> driver[0].onDropped(toStore, message));

        final SnapshotConfig snapshotConfig = new SnapshotConfig()
            .rootDir(snapshotRoot)
            .clusterId(config.clusterId())
            .storeId(config.storeId())
            .streamId(settings.snapshotStreamId())
            .termLengthBytes(config.termLengthBytes())
            .chunkBytes(settings.snapshotChunkBytes())
            .windowChunks(settings.snapshotWindowChunks())
            .clusterKey(config.clusterKey())
            .incarnation(incarnation)
            .conclude();
        snapshotSubscription = aeron.addSubscription("aeron:udp?endpoint=" + config.listenEndpoint(),
            settings.snapshotStreamId());
        snapshotAgent = new SnapshotAgent(snapshotConfig, aeron, snapshotSubscription, SystemNanoClock.INSTANCE,
            transportCounters);
        exporter = new SnapshotExporter(regionSnapshot, snapshotRoot);
        installer = new SnapshotInstaller(regionSnapshot, snapshotRoot, snapshotAgent::deleteLater);

        final ProposalTable proposals = new ProposalTable(MAX_PENDING_PROPOSALS);
        final PendingReads reads = new PendingReads();
        final LeaderHints hints = new LeaderHints(stores);
        final StoreAddressBook addresses = new StoreAddressBook(config.storeId(), transport, snapshotAgent, hints);
        addresses.addInitial(stores);
        book[0] = addresses;
        final StoreApplySink sink = new StoreApplySink(queue, proposals, reads, registry, replies, hints, counters);
        raft = new MultiRaft(multiRaftConfig(config, settings, transportConfig), log, transport, sink,
            new StoreSnapshotSource(config.storeId(), exporter, snapshotAgent.proxy()), snapshotAgent.proxy(),
            region -> durableApplied.durableAppliedIndex(region));
        driver[0] = raft;

        final long[] voters = settings.foundingVoters();
        final boolean founder = Arrays.stream(voters).anyMatch(voter -> voter == config.storeId());
        regions = new AppliedRegions(regionRegistry, regionEvents::add);
        final Long2LongHashMap applied = new Long2LongHashMap(0);
        for (final long regionId : regionsToRecover(engine, regionSnapshot, founder)) {
            final RegionDescriptor region = recoverOrBootstrap(engine, regionSnapshot, batch, regionId, voters);
            applied.put(regionId, regions.appliedIndex(regionId));
            LOG.info("region {} applied to {}: {}", regionId, applied.get(regionId), region);
        }
        clearSnapshotRoot(snapshotRoot);
        // What was applied before a crash may sit unsynced in the WAL: durable from here on.
        engine.syncWal();
        final long threshold = settings.compactThresholdEntries();
        durableApplied = new DurableAppliedIndex(threshold > 0 ? Math.max(1, threshold / 4) : Long.MAX_VALUE,
            engine::syncWal, applied);
        starter = new RegionStarter(raft, log, config.storeId(), regionRegistry);
        starter.tombstones(regionSnapshot.tombstones());
        raft.peerFactory(starter);
        for (final RegionDescriptor region : regionRegistry.all()) {
            starter.start(region, applied.get(region.id()));
        }
        final ConfChangeProposer confChanges = new ConfChangeProposer(regionRegistry, raft, addresses::isReachable);
        final SplitProposer splits = new SplitProposer(regionRegistry);
        pd = config.storePd().enabled() ? pdBridge(config, regionRegistry, confChanges, splits, addresses) : null;
        final TxnProposer txnProposer = new TxnProposer(raft, proposals, hints, txnLink);
        sink.txnProposer(txnProposer);
        agent = new RaftAgent(raft, adapter, log, storeFailure, regionEvents, starter, pd, txnProposer,
            settings.pipelinedSync() && config.fsyncPolicy() == FsyncPolicy.SYNC);
        router = new RequestRouter(raft, proposals, reads, replies, hints, counters);
        admin = new AdminHandler(raft, log, faults, settings.faultInjection(), config.storeId(), replies,
            transportCounters, queue, new SplitRequests(splits, router, replies),
            new ChangePeerRequests(regionRegistry, confChanges, proposals, router, replies),
            regionRegistry, new RegionSize(engine));
        LOG.info("replication: store {} of {}, log {}, {} regions", config.storeId(), stores, settings.logDir(),
            regionRegistry.size());
    }

    private static MultiRaftConfig multiRaftConfig(
        final ServerConfig config, final RaftSettings settings, final RaftTransportConfig transportConfig) {
        final MultiRaftConfig multiRaft = new MultiRaftConfig()
            .tickIntervalMs(settings.tickIntervalMs())
            .electionTimeoutTicks(settings.electionTimeoutTicks())
            .heartbeatIntervalTicks(settings.heartbeatIntervalTicks())
            .leaseTicks(settings.leaseTicks())
            // An APPEND must fit a transport frame with room for the message around its entries.
            .maxAppendBytes(Math.max(1024, transportConfig.conclude().maxFrameBytes() / 2))
            // The last line behind the ingress's request limit: a larger entry could never reach another store.
            .maxEntryBytes(config.maxRequestBytes() + Command.HEADER_LENGTH)
            .logSync(config.fsyncPolicy() == FsyncPolicy.SYNC)
            .pipelinedSync(settings.pipelinedSync())
            .periodicSyncIntervalMs(config.fsyncPolicy() == FsyncPolicy.PERIODIC ? config.syncIntervalMs() : 0)
            .randomSeed(System.nanoTime() ^ config.storeId())
            .compactThresholdEntries(settings.compactThresholdEntries())
            .compactKeepEntries(settings.compactKeepEntries())
            .hibernateAfterTicks(settings.hibernateRegions() ? settings.hibernateIdleTicks() : 0)
            // Monotonic: the lease counts ticks, and a wall clock stepped back would stretch it.
            .clock(SystemNanoClock.INSTANCE);
        return multiRaft.conclude();
    }

    /**
     * The regions whose state this store has: those with a descriptor, and those whose snapshot ingest a crash
     * interrupted (their band, descriptor included, may be half gone). A founding store with none — a new one, or one
     * from a build before the region registry — holds the founding region, unless its peer of it was removed before
     * (a tombstone); any other store starts without regions.
     */
    private static long[] regionsToRecover(
        final StorageEngine engine, final RegionSnapshot regionSnapshot, final boolean founder) {
        final LongHashSet ids = new LongHashSet();
        for (final RegionDescriptor region : RegionDescriptor.loadAll(engine)) {
            ids.add(region.id());
        }
        for (final long regionId : regionSnapshot.interruptedIngests()) {
            ids.add(regionId);
        }
        if (ids.isEmpty() && founder && !regionSnapshot.tombstones().containsKey(FOUNDING_REGION_ID)) {
            ids.add(FOUNDING_REGION_ID);
        }
        final long[] sorted = new long[ids.size()];
        int i = 0;
        for (final LongHashSet.LongIterator it = ids.iterator(); it.hasNext(); ) {
            sorted[i++] = it.nextValue();
        }
        Arrays.sort(sorted);
        return sorted;
    }

    /**
     * Brings one region's state machine to where its log can continue it, or bootstraps the founding region on a new
     * store, and adds it to {@link #regions}.
     *
     * @return the region's descriptor.
     */
    private RegionDescriptor recoverOrBootstrap(
        final StorageEngine engine, final RegionSnapshot regionSnapshot, final ApplyBatch batch, final long regionId,
        final long[] voters) {
        if (regionSnapshot.discardInterruptedIngest(regionId)) {
            LOG.warn("region {}: discarded a snapshot ingest a crash interrupted", regionId);
        }
        RegionApplyState state = RegionApplyState.load(engine, regionId);
        final boolean logEmpty = log.lastIndex(regionId) == 0 && log.hardState(regionId).term() == 0;
        final RegionDescriptor persisted = RegionDescriptor.load(engine, regionId);
        if (!logEmpty) {
            final long snapshotIndex = log.firstIndex(regionId) - 1;
            if (state.appliedIndex() < snapshotIndex) {
                // The log was compacted for a snapshot from the leader that was not installed before a crash.
                state = installer.installPending(regionId, snapshotIndex);
            }
        } else if (persisted != null && regionId != FOUNDING_REGION_ID
            && state.appliedIndex() == MultiRaft.BOOTSTRAP_INDEX) {
            // A region a split made, whose log the raft agent had not started before the store stopped: its log
            // starts at the split's initial point, which is all that was applied.
            raft.bootstrapRegion(regionId);
        } else if (state.appliedIndex() != 0) {
            throw new IllegalStateException("region " + regionId + " has state applied up to index "
                + state.appliedIndex() + " but the Raft log in " + log.config().dir() + " is empty: the log "
                + "was lost, and this store must not rejoin the group as if it had never voted");
        } else if (regionId == FOUNDING_REGION_ID) {
            state = bootstrap(state, batch, RegionDescriptor.founding(regionId, voters));
        } else {
            throw new IllegalStateException("region " + regionId + " has neither a log nor state on this store");
        }
        RegionDescriptor region = RegionDescriptor.load(engine, regionId);
        if (region == null && regionId == FOUNDING_REGION_ID) {
            // Applied by a build from before the region registry: the region it served, as its static configuration
            // described it.
            region = RegionDescriptor.founding(regionId, voters);
            RegionDescriptor.persistFounding(engine, region);
            LOG.info("region {}: recorded its descriptor {}", regionId, region);
        } else if (region == null) {
            throw new IllegalStateException("region " + regionId + " has state but no descriptor on this store");
        }
        regions.add(state, region);
        return region;
    }

    /** The founding snapshot point: indexes 1..5 exist only as empty history, applied here once, with the region. */
    private RegionApplyState bootstrap(
        final RegionApplyState state, final ApplyBatch batch, final RegionDescriptor region) {
        raft.bootstrapRegion(region.id());
        batch.begin(state);
        for (long index = 1; index <= MultiRaft.BOOTSTRAP_INDEX; index++) {
            batch.beginEntry(index, MultiRaft.BOOTSTRAP_TERM, 0);
        }
        batch.putRegion(region);
        batch.commit();
        LOG.info("bootstrapped region {} as a founding peer", region.id());
        return state;
    }

    private PdBridge pdBridge(
        final ServerConfig config, final RegionRegistry regionRegistry, final ConfChangeProposer confChanges,
        final SplitProposer splits, final StoreAddressBook addresses) {
        final PdLink link = new PdLink();
        final RaftSettings settings = config.raft();
        final LeaderReporter reporter = new LeaderReporter(raft, regionRegistry, config.storeId(), link,
            TimeUnit.MILLISECONDS.toNanos(config.storePd().regionHeartbeatIntervalMs()),
            settings.tickIntervalMs() * settings.electionTimeoutTicks());
        return new PdBridge(reporter,
            new PdCommandHandler(raft, regionRegistry, config.storeId(), link, confChanges, splits, addresses), link);
    }

    /** Deletes every export and received snapshot left from before this start (none is in use any more). */
    private static void clearSnapshotRoot(final Path root) {
        try {
            Files.createDirectories(root);
            try (Stream<Path> children = Files.list(root)) {
                for (final Path child : (Iterable<Path>)children::iterator) {
                    SnapshotDirs.deleteTree(child);
                }
            }
        } catch (final IOException ex) {
            throw new UncheckedIOException("cannot clear the snapshot directory " + root, ex);
        }
    }

    /** @return the snapshot-streaming agent (its own thread, or a place in the composite). */
    public SnapshotAgent snapshotAgent() {
        return snapshotAgent;
    }

    /** @return the snapshot export worker: always on a thread of its own. */
    public Agent exporter() {
        return exporter;
    }

    /** @return where the apply agent installs snapshots. */
    public SnapshotInstaller installer() {
        return installer;
    }

    /** @return where the apply agent publishes its durable applied index. */
    public DurableAppliedIndex durableApplied() {
        return durableApplied;
    }

    /** @return the Raft half of the raft agent. */
    public RaftAgent agent() {
        return agent;
    }

    /** @return where the ingress hands accepted requests. */
    public RequestRouter router() {
        return router;
    }

    /** @return the admin requests' handler (raft agent thread). */
    public AdminHandler admin() {
        return admin;
    }

    /** @return the hand-over to the store's PD worker, or null on a store without PD. */
    public PdLink pdLink() {
        return pd == null ? null : pd.link();
    }

    /** @return the hand-over of the transaction scheduler's writes between the apply and the raft agent. */
    public TxnLink txnLink() {
        return txnLink;
    }

    /** @return the regions' apply states and descriptors, for the apply agent. */
    public AppliedRegions regions() {
        return regions;
    }

    /** Closes what the raft agent does not: call after the agents stopped. */
    @Override
    public void close() {
        CloseHelper.closeAll(raft, transport, subscription, snapshotSubscription, transportCounters, log);
    }
}
