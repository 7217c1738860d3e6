package io.tkv.server.pd;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tkv.log.RaftLog;
import io.tkv.log.RaftLogConfig;
import io.tkv.raft.core.ConfState;
import io.tkv.raft.store.MultiRaft;
import io.tkv.raft.store.MultiRaftConfig;
import io.tkv.raft.store.PeerDirectory;
import io.tkv.raft.store.SnapshotSource;
import io.tkv.raft.transport.PartitionFaults;
import io.tkv.raft.transport.RaftAdapter;
import io.tkv.raft.transport.RaftTransport;
import io.tkv.raft.transport.RaftTransportConfig;
import io.tkv.raft.transport.TransportCounters;
import io.tkv.server.DataDirLock;
import io.tkv.server.StoreCounters;
import io.tkv.server.config.IdleStrategies;
import io.tkv.server.config.RaftSettings;
import io.tkv.server.config.ServerConfig;
import io.tkv.server.session.HandshakeHandler;
import io.tkv.server.session.HmacAuthenticator;
import io.tkv.server.session.ReplySender;
import io.tkv.server.session.SessionRegistry;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.PdState;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import io.tkv.storage.StoreMeta;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One running PD member ({@code tkv-pd}): configured like a store ({@link ServerConfig}: listen endpoint, data dir,
 * secrets, cluster id; {@code store-id} is the member id and {@code raft.initial-cluster} lists the PD members), with
 * its data-dir lock, its RocksDB ({@link PdState}), its Aeron media driver, its Raft log (Chronicle), the Raft
 * transport to the other members (authenticated as between stores), PD's one Raft group in a {@link MultiRaft} and the
 * agents: the {@link PdIngress} and the {@link PdRaftAgent} on one thread (PD's work per request is tiny; one thread
 * keeps the core single-owner without hand-overs), the media driver on its own ({@code SHARED}).
 */
public final class PdNode implements AutoCloseable {
    /** The default TSO window saved ahead (PD's {@code tso-save-interval}). */
    public static final long TSO_SAVE_WINDOW_MS = 3000;
    private static final Logger LOG = LoggerFactory.getLogger(PdNode.class);
    private static final long LEADER_WAIT_S = 10;
    private static final int MAX_PENDING_REQUESTS = 16_384;

    private final ServerConfig config;
    private DataDirLock lock;
    private StorageEngine engine;
    private PdState state;
    private MediaDriver driver;
    private Aeron aeron;
    private StoreCounters counters;
    private TransportCounters transportCounters;
    private Subscription ingress;
    private Subscription raftSubscription;
    private RaftLog log;
    private RaftTransport transport;
    private MultiRaft raft;
    private PdRaftAgent raftAgent;
    private AgentRunner runner;

    private PdNode(final ServerConfig config) {
        this.config = config;
    }

    /**
     * Starts a PD member; a member alone in its initial cluster returns once it serves TSO. On failure everything
     * started so far is closed again.
     *
     * @param config the member's settings (concluded here).
     * @return the running member.
     */
    public static PdNode start(final ServerConfig config) {
        config.conclude();
        final PdNode node = new PdNode(config);
        try {
            node.startAll();
            node.awaitServingIfAlone();
            return node;
        } catch (final RuntimeException | IOException ex) {
            node.close();
            if (ex instanceof IOException) {
                throw new UncheckedIOException(ex.getMessage(), (IOException)ex);
            }
            throw (RuntimeException)ex;
        }
    }

    private void startAll() throws IOException {
        lock = DataDirLock.acquire(config.dataDir());
        engine = StorageEngine.open(new StorageConfig().dataDir(config.dataDir())
            .blockCacheBytes(Math.min(config.blockCacheBytes(), 8L << 20))
            .writeBufferBytes(Math.min(config.writeBufferBytes(), 4L << 20))
            // Durable in the Raft log first; replayed from the applied index after a crash.
            .fsyncPolicy(FsyncPolicy.NONE));
        final StoreMeta meta = new StoreMeta(engine);
        checkClusterId(meta);
        final long incarnation = meta.nextIncarnation();
        state = new PdState(engine);

        driver = config.embeddedDriver() ? MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(config.aeronDir())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(IdleStrategies.parse(config.driverIdleStrategy()))
            .publicationTermBufferLength(config.termLengthBytes())
            .ipcTermBufferLength(config.termLengthBytes())
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)) : null;
        final ErrorHandler errorHandler = ex -> LOG.error("PD agent error", ex);
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(config.aeronDir()).errorHandler(errorHandler));
        counters = new StoreCounters(aeron);
        ingress = aeron.addSubscription(config.ingressChannel(), config.ingressStreamId());

        final RaftSettings settings = config.raft();
        log = RaftLog.open(new RaftLogConfig().dir(settings.logDir()).maxCycleFileBytes(settings.logCycleFileBytes())
            .reserveSpaceBytes(settings.logReserveBytes()));
        final RaftTransportConfig transportConfig = new RaftTransportConfig()
            .clusterId(config.clusterId())
            .storeId(config.storeId())
            .streamId(settings.streamId())
            .termLengthBytes(config.termLengthBytes())
            .clusterKey(config.clusterKey())
            .incarnation(incarnation);
        transportCounters = new TransportCounters(aeron::addCounter);
        raftSubscription = aeron.addSubscription("aeron:udp?endpoint=" + config.listenEndpoint(),
            settings.streamId());
        final List<RaftSettings.StoreAddress> members = settings.initialCluster();
        final LongHashSet others = new LongHashSet();
        for (final RaftSettings.StoreAddress member : members) {
            if (member.storeId() != config.storeId()) {
                others.add(member.storeId());
            }
        }
        final PartitionFaults faults = new PartitionFaults();
        final RaftAdapter adapter = new RaftAdapter(raftSubscription, transportConfig, others::contains, faults,
            transportCounters);
        final MultiRaft[] driverRef = new MultiRaft[1];
        transport = new RaftTransport(aeron, transportConfig, faults, transportCounters,
            (toMember, message) -> driverRef[0].onDropped(toMember, message));
        for (final RaftSettings.StoreAddress member : members) {
            if (member.storeId() != config.storeId()) {
                transport.addStore(member.storeId(), member.endpoint());
            }
        }

        final PdStateMachine stateMachine = new PdStateMachine(state);
        raft = new MultiRaft(multiRaftConfig(config, settings), log, transport, stateMachine, SnapshotSource.NONE);
        driverRef[0] = raft;
        final long appliedIndex = recoverOrBootstrap(members);
        final long[] voters = members.stream().mapToLong(RaftSettings.StoreAddress::storeId).toArray();
        raft.addRegion(PdService.GROUP_ID, config.storeId(), ConfState.ofVoters(voters), appliedIndex,
            PeerDirectory.IDENTITY);

        // Stores prove the cluster secret: their sessions are store sessions (registration, heartbeats, AskSplit).
        if (config.clusterSecret().isEmpty()) {
            LOG.warn("PD member {} has no cluster secret (--cluster-secret-file): no store can register or heartbeat",
                config.storeId());
        }
        final SessionRegistry registry = new SessionRegistry(config.maxSessions(),
            new HmacAuthenticator(config.secret(), config.adminSecret(), config.clusterSecret()));
        final ReplySender replies = new ReplySender(counters.repliesDropped());
        final PdReplies pdReplies = new PdReplies(replies);
        final PdStoreReplies storeReplies = new PdStoreReplies(replies);
        final PdService service = new PdService(raft, state, new PdPending(MAX_PENDING_REQUESTS), pdReplies,
            config.storeId(), config.clusterId(), members, TSO_SAVE_WINDOW_MS, config.pd(), storeReplies);
        stateMachine.listener(service);
        final EpochClock clock = SystemEpochClock.INSTANCE;
        final PdClusterRequests clusterRequests = new PdClusterRequests(
            new PdClusterService(service, state, storeReplies, pdReplies, clock, maxStoredKeyBytes(config)),
            new PdOperatorsService(service, new PdOperatorReplies(replies), pdReplies, clock));
        final PdIngress ingressAgent = new PdIngress(ingress, registry,
            new HandshakeHandler(aeron, config, registry, replies, counters), replies, service, clusterRequests,
            counters, SystemNanoClock.INSTANCE);
        raftAgent = new PdRaftAgent(raft, adapter, log, service, clock);
        runner = new AgentRunner(IdleStrategies.parse(config.idleStrategy()), errorHandler, null,
            new CompositeAgent(ingressAgent, raftAgent));
        AgentRunner.startOnThread(runner);
        LOG.info("PD member {} started: listen {}, members {}, data {}", config.storeId(), config.listenEndpoint(),
            members, config.dataDir());
    }

    /**
     * A new member writes the founding point of PD's group (an empty log after index 5, as a store's founding region);
     * a member with a log continues from what it applied. Entries 1..5 are empty history, so a state that did not
     * reach the founding point (its unsynced write lost with the OS) starts there.
     *
     * @return the applied index the group continues from.
     */
    private long recoverOrBootstrap(final List<RaftSettings.StoreAddress> members) {
        final boolean logEmpty = log.lastIndex(PdService.GROUP_ID) == 0
            && log.hardState(PdService.GROUP_ID).term() == 0;
        if (logEmpty) {
            if (state.appliedIndex() > MultiRaft.BOOTSTRAP_INDEX) {
                throw new IllegalStateException("PD state applied up to index " + state.appliedIndex()
                    + " but the Raft log in " + log.config().dir() + " is empty: the log was lost, and this member "
                    + "must not rejoin as if it had never voted");
            }
            raft.bootstrapRegion(PdService.GROUP_ID);
            LOG.info("PD member {}: founded PD's Raft group with members {}", config.storeId(), members);
        }
        if (state.appliedIndex() < MultiRaft.BOOTSTRAP_INDEX) {
            state.apply(MultiRaft.BOOTSTRAP_INDEX, MultiRaft.BOOTSTRAP_TERM, 0, 0, 0);
            engine.syncWal();
        }
        return state.appliedIndex();
    }

    /**
     * The longest region boundary or routing key PD takes: a stored key (RawKV: 'r' + the user key; transactional
     * keys memcomparable-encoded, 9 bytes per 8) of the longest user key, with room to spare; two of them fit a
     * request ({@link PdIngress#MAX_REQUEST_BYTES}).
     */
    private static int maxStoredKeyBytes(final ServerConfig config) {
        return Math.min(2 * config.maxKeyBytes() + 64, (PdIngress.MAX_REQUEST_BYTES - 1024) / 2);
    }

    private static MultiRaftConfig multiRaftConfig(final ServerConfig config, final RaftSettings settings) {
        return new MultiRaftConfig()
            .tickIntervalMs(settings.tickIntervalMs())
            .electionTimeoutTicks(settings.electionTimeoutTicks())
            .heartbeatIntervalTicks(settings.heartbeatIntervalTicks())
            .leaseTicks(settings.leaseTicks())
            .maxEntryBytes(PdCommand.MAX_LENGTH)
            .logSync(config.fsyncPolicy() == FsyncPolicy.SYNC)
            .periodicSyncIntervalMs(config.fsyncPolicy() == FsyncPolicy.PERIODIC ? config.syncIntervalMs() : 0)
            .randomSeed(System.nanoTime() ^ config.storeId())
            // Never compacted (about one entry a second): followers always catch up from the log.
            .compactThresholdEntries(0)
            .clock(SystemNanoClock.INSTANCE)
            .conclude();
    }

    private void checkClusterId(final StoreMeta meta) {
        final long stored = meta.clusterId();
        if (stored == StoreMeta.NOT_SET) {
            meta.putClusterId(config.clusterId());
            meta.putStoreId(config.storeId());
        } else if (stored != config.clusterId()) {
            throw new IllegalStateException("data dir " + config.dataDir() + " belongs to cluster " + stored
                + ", not " + config.clusterId());
        } else if (meta.storeId() != config.storeId()) {
            throw new IllegalStateException("data dir " + config.dataDir() + " belongs to PD member "
                + meta.storeId() + ", not " + config.storeId());
        }
    }

    private void awaitServingIfAlone() {
        if (config.raft().initialCluster().size() != 1) {
            return;
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LEADER_WAIT_S);
        while (!raftAgent.serving()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the PD member did not start serving TSO within " + LEADER_WAIT_S
                    + " s" + (raftAgent.failure() == null ? "" : ": " + raftAgent.failure()));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** @return whether this member served TSO at its last duty cycle (it leads, its window durable). */
    public boolean serving() {
        return raftAgent != null && raftAgent.serving();
    }

    /** @return the settings this member runs with. */
    public ServerConfig config() {
        return config;
    }

    @Override
    public void close() {
        final ErrorHandler onCloseError = ex -> LOG.error("error while stopping the PD member", ex);
        CloseHelper.closeAll(onCloseError, runner, raft, transport, raftSubscription, ingress, transportCounters,
            log, counters, aeron, driver, state, engine, lock);
        LOG.info("PD member stopped");
    }
}
