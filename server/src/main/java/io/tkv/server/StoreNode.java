package io.tkv.server;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tkv.client.ClientConfig;
import io.tkv.client.PdClient;
import io.tkv.client.PdGcSafePoint;
import io.tkv.client.RawKvClient;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import io.tkv.raft.transport.PartitionFaults;
import io.tkv.server.apply.ApplyAgent;
import io.tkv.server.config.IdleStrategies;
import io.tkv.server.gc.GcClients;
import io.tkv.server.gc.GcCounters;
import io.tkv.server.gc.GcDriver;
import io.tkv.server.gc.GcLink;
import io.tkv.server.config.RaftSettings;
import io.tkv.server.config.ServerConfig;
import io.tkv.server.ingress.CommandQueue;
import io.tkv.server.ingress.IngressAgent;
import io.tkv.server.ingress.RegionGuard;
import io.tkv.server.ingress.RequestLimits;
import io.tkv.server.raft.RaftAgent;
import io.tkv.server.raft.Replication;
import io.tkv.server.region.RegionRegistry;
import io.tkv.server.session.HandshakeHandler;
import io.tkv.server.session.HmacAuthenticator;
import io.tkv.server.session.ReplySender;
import io.tkv.server.session.SessionRegistry;
import io.tkv.server.storepd.EngineRegionData;
import io.tkv.server.storepd.EngineStoreStats;
import io.tkv.server.storepd.PdClientStorePd;
import io.tkv.server.storepd.PdConnector;
import io.tkv.server.txn.MaxTsSync;
import io.tkv.server.storepd.PdWorker;
import io.tkv.server.storepd.StoreIdentity;
import io.tkv.storage.ApplyBatch;
import io.tkv.storage.DedupTable;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.RegionSnapshot;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import io.tkv.storage.StoreMeta;
import io.tkv.txn.ConcurrencyManager;
import io.tkv.txn.gc.GcWorker;
import io.tkv.txn.sched.SnapshotSource;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One running store: the data-dir lock, RocksDB, the Aeron media driver (embedded or external), the replication
 * ({@link Replication}: Raft log, transport, multi-Raft driver, snapshots), and the agents — ingress + Raft on one
 * thread, apply and snapshot streaming on the same thread ({@code SHARED}, {@code INVOKER}) or one each
 * ({@code DEDICATED}); the snapshot export worker always on a thread of its own (an export takes as long as the
 * region is big); with PD, the PD worker on a thread of its own too ({@link PdWorker}). {@link #close()} stops the
 * agents first, then closes what they used in reverse order.
 */
public final class StoreNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreNode.class);
    private static final long LEADER_WAIT_S = 10;
    private static final long EXPORT_IDLE_MS = 5;
    private static final long PD_WORKER_IDLE_MS = 5;
    private static final long GC_IDLE_MS = 5;
    private static final int MAX_STORE_ID_ATTEMPTS = 1000;
    private static final long PD_FIRST_BACKOFF_MS = 250;

    private final ServerConfig config;
    private DataDirLock lock;
    private StorageEngine engine;
    private RawKvStore store;
    private MediaDriver driver;
    private Aeron aeron;
    private StoreCounters counters;
    private Subscription ingress;
    private AgentRunner ingressRunner;
    private AgentRunner applyRunner;
    private AgentRunner snapshotRunner;
    private AgentRunner exportRunner;
    private AgentRunner pdRunner;
    private AgentRunner gcRunner;
    private GcClients gcClients;
    private GcCounters gcCounters;
    private DedupTable dedup;
    private ApplyBatch applyBatch;
    private Replication replication;
    private RegionRegistry regions;
    /** Max ts syncs between the apply agent and the PD worker (used only with PD). */
    private final MaxTsSync maxTsSync = new MaxTsSync();
    private RaftAgent raftAgent;
    private final PartitionFaults faults = new PartitionFaults();
    private final StoreFailure storeFailure = new StoreFailure();

    private StoreNode(final ServerConfig config) {
        this.config = config;
    }

    /**
     * Starts a store. On failure everything started so far is closed again.
     *
     * @param config the store's settings (concluded here).
     * @return the running store.
     */
    public static StoreNode start(final ServerConfig config) {
        if (config.storePd().enabled() && !config.storeIdGiven()) {
            config.storeId(StoreIdentity.resolve(config.dataDir(), () -> allocateStoreId(config)));
        }
        config.conclude();
        final StoreNode node = new StoreNode(config);
        try {
            node.startAll();
            node.awaitLeaderIfAlone();
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
        engine = StorageEngine.open(new StorageConfig()
            .dataDir(config.dataDir())
            .blockCacheBytes(config.blockCacheBytes())
            .writeBufferBytes(config.writeBufferBytes())
            .compression(config.compression())
            // Writes are durable in the Raft log; RocksDB is replayed from its applied index after a crash.
            .fsyncPolicy(FsyncPolicy.NONE));
        final StoreMeta meta = new StoreMeta(engine);
        checkClusterId(meta);
        final long incarnation = meta.nextIncarnation();

        if (config.embeddedDriver()) {
            driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(config.aeronDir())
                .threadingMode(config.threadingMode() == ServerConfig.ThreadingMode.INVOKER
                    ? ThreadingMode.INVOKER : ThreadingMode.SHARED)
                .sharedIdleStrategy(IdleStrategies.parse(config.driverIdleStrategy()))
                .publicationTermBufferLength(config.termLengthBytes())
                .ipcTermBufferLength(config.termLengthBytes())
                .termBufferSparseFile(true)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true));
        }
        final ErrorHandler errorHandler = ex -> LOG.error("agent error", ex);
        final AgentInvoker driverInvoker = driver == null ? null : driver.sharedAgentInvoker();
        if (driverInvoker != null && !driverInvoker.isStarted()) {
            driverInvoker.start();
        }
        aeron = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(config.aeronDir())
            .driverAgentInvoker(driverInvoker)
            .useConductorAgentInvoker(driverInvoker != null)
            .errorHandler(errorHandler));
        counters = new StoreCounters(aeron);
        ingress = aeron.addSubscription(config.ingressChannel(), config.ingressStreamId());

        final EpochClock clock = SystemEpochClock.INSTANCE;
        final SessionRegistry registry = new SessionRegistry(config.maxSessions(),
            new HmacAuthenticator(config.secret(), config.adminSecret()));
        final CommandQueue queue = new CommandQueue(config.ringBufferBytes());
        final ReplySender raftReplies = new ReplySender(counters.repliesDropped());
        dedup = DedupTable.load(engine);
        applyBatch = new ApplyBatch(engine, dedup);
        final RegionRegistry regions = new RegionRegistry();
        replication = Replication.open(config, incarnation, aeron, engine, applyBatch,
            new RegionSnapshot(engine, dedup), counters, registry, raftReplies, queue, faults, storeFailure, regions);
        this.regions = regions;
        final FrameValidator validator = Protocol.storeIngressValidator(config.maxBatchSize());
        final IngressAgent ingressAgent = new IngressAgent(ingress, validator,
            new RequestLimits(config.maxKeyBytes(), config.maxValueBytes(), config.maxScanLimit(),
                config.maxRequestBytes()),
            new RegionGuard(regions), registry,
            new HandshakeHandler(aeron, config, registry, raftReplies, counters),
            raftReplies, replication.router(), replication.admin(), counters, clock, SystemNanoClock.INSTANCE);
        store = new RawKvStore(engine, clock);
        final ApplyAgent applyAgent = new ApplyAgent(queue, store, applyBatch, replication.regions(), registry,
            new ReplySender(counters.repliesDropped()), counters, config.maxFrameBytes(), replication.installer(),
            replication.durableApplied(), engine, storeFailure, config.storeId());
        applyAgent.enableTransactions(replication.txnLink(), config.storePd().enabled() ? maxTsSync : null,
            config.txn().lockWaitConfig());
        final GcLink gcLink = config.storePd().enabled() && config.gc().enabled() ? new GcLink() : null;
        if (gcLink != null) {
            applyAgent.enableGc(gcLink);
        }
        raftAgent = replication.agent();
        exportRunner = new AgentRunner(new SleepingMillisIdleStrategy(EXPORT_IDLE_MS), errorHandler, null,
            replication.exporter());
        AgentRunner.startOnThread(exportRunner);

        // The ingress and the Raft driver share one thread in every mode: the ingress proposes into the driver.
        if (config.threadingMode() == ServerConfig.ThreadingMode.INVOKER) {
            ingressRunner = new AgentRunner(IdleStrategies.parse(config.idleStrategy()), errorHandler, null,
                new CompositeAgent(new InvokerAgent("aeron-driver", driverInvoker),
                    new InvokerAgent("aeron-client", aeron.conductorAgentInvoker()), ingressAgent, raftAgent,
                    applyAgent, replication.snapshotAgent()));
            AgentRunner.startOnThread(ingressRunner);
        } else if (config.threadingMode() == ServerConfig.ThreadingMode.SHARED) {
            ingressRunner = new AgentRunner(IdleStrategies.parse(config.idleStrategy()), errorHandler, null,
                new CompositeAgent(ingressAgent, raftAgent, applyAgent, replication.snapshotAgent()));
            AgentRunner.startOnThread(ingressRunner);
        } else {
            ingressRunner = new AgentRunner(IdleStrategies.parse(config.idleStrategy()), errorHandler, null,
                new CompositeAgent(ingressAgent, raftAgent));
            applyRunner = new AgentRunner(IdleStrategies.parse(config.idleStrategy()), errorHandler, null,
                applyAgent);
            snapshotRunner = new AgentRunner(IdleStrategies.parse(config.idleStrategy()), errorHandler, null,
                replication.snapshotAgent());
            AgentRunner.startOnThread(applyRunner);
            AgentRunner.startOnThread(snapshotRunner);
            AgentRunner.startOnThread(ingressRunner);
        }
        if (config.storePd().enabled()) {
            startPdWorker(clock, errorHandler);
        }
        if (gcLink != null) {
            startGc(gcLink, applyAgent.concurrencyManager(), clock, errorHandler);
        }
        LOG.info("store started: {}", config);
    }

    /**
     * A store that talks to PD: its PD client over the store's media driver, and its PD worker on its own thread. PD
     * may be down when the store starts: the worker's thread keeps trying to reach it ({@link PdConnector}) while the
     * store serves its regions.
     */
    private void startPdWorker(final EpochClock clock, final ErrorHandler errorHandler) {
        final Map<Long, String> initial = new HashMap<>();
        for (final RaftSettings.StoreAddress store : config.raft().initialCluster()) {
            initial.put(store.storeId(), store.endpoint());
        }
        final PdConnector connector = new PdConnector(
            () -> PdClient.connect(pdClientConfig(config).aeronDirectoryName(config.aeronDir())),
            client -> new PdWorker(config.storeId(), config.listenEndpoint(), config.storePd(), config.split(),
                new PdClientStorePd(client), replication.pdLink(), regions,
                new EngineStoreStats(config.dataDir(), engine, regions, counters), new EngineRegionData(engine),
                replication.regions().writeStats(), initial, clock).serveMaxTs(maxTsSync),
            clock);
        pdRunner = new AgentRunner(new SleepingMillisIdleStrategy(PD_WORKER_IDLE_MS), errorHandler, null, connector);
        AgentRunner.startOnThread(pdRunner);
    }

    /**
     * The store's GC ({@link GcDriver}) on a thread of its own, with clients of its own: to PD for the safe point, and
     * to the stores (through PD's routing) to resolve locks whose primaries may be anywhere. Its deletes reach the
     * regions' logs through the apply agent ({@link GcLink}).
     */
    private void startGc(final GcLink link, final ConcurrencyManager concurrency, final EpochClock clock,
        final ErrorHandler errorHandler) {
        gcCounters = new GcCounters(aeron::addCounter);
        final String self = config.listenEndpoint().startsWith("0.0.0.0:")
            ? "127.0.0.1:" + config.listenEndpoint().substring("0.0.0.0:".length()) : config.listenEndpoint();
        final List<String> pdEndpoints = config.storePd().endpoints();
        gcClients = new GcClients(() -> RawKvClient.connect(new ClientConfig().storeEndpoints(self)
            .pdEndpoints(pdEndpoints.toArray(new String[0])).secret(config.secret())
            .clientName("tkv-store-" + config.storeId() + "-gc-txn").aeronDirectoryName(config.aeronDir())));
        final PdConnector connector = new PdConnector(
            () -> PdClient.connect(pdClientConfig(config).clientName("tkv-store-" + config.storeId() + "-gc")
                .aeronDirectoryName(config.aeronDir())),
            pd -> new GcDriver(() -> pd.gcSafePointAsync().thenApply(PdGcSafePoint::safePoint),
                replication.pdLink()::ledRegions, link, SnapshotSource.ofEngine(engine), concurrency,
                gcClients.resolver(pd), GcWorker.Config.DEFAULT, clock, config.gc().runIntervalMs(), gcCounters),
            clock, "tkv-gc");
        gcRunner = new AgentRunner(new SleepingMillisIdleStrategy(GC_IDLE_MS), errorHandler, null, connector);
        AgentRunner.startOnThread(gcRunner);
    }

    private static ClientConfig pdClientConfig(final ServerConfig config) {
        // The store's session proves the cluster secret: PD takes registrations and heartbeats only from stores.
        return new ClientConfig().storeEndpoints(config.storePd().endpoints()).secret(config.clusterSecret())
            .clientName("tkv-store-" + config.storeId());
    }

    /**
     * A store's first start with PD and no store id: a fresh one from PD (a client of its own, closed after). PD's ids
     * may start below the ids of stores configured statically ({@code --initial-cluster}, ids 1, 2, 3...): an id PD
     * knows a store by already is skipped, so a joining store never registers over another one.
     */
    private static long allocateStoreId(final ServerConfig config) {
        try (PdClient client = connectForStoreId(config)) {
            for (int attempt = 0; attempt < MAX_STORE_ID_ATTEMPTS; attempt++) {
                final long id = client.allocId();
                if (client.store(id).isEmpty()) {
                    LOG.info("PD allocated store id {} for the store in {}", id, config.dataDir());
                    return id;
                }
                LOG.info("PD allocated id {}, but a store has it already: asking again", id);
            }
            throw new IllegalStateException("PD allocated " + MAX_STORE_ID_ATTEMPTS + " ids that stores have already");
        }
    }

    /**
     * A joining store cannot start without its id from PD: it waits for PD as long as it takes, trying again after a
     * back-off that doubles up to {@link PdConnector#MAX_BACKOFF_MS}, as a TiKV store keeps retrying PD.
     */
    private static PdClient connectForStoreId(final ServerConfig config) {
        long backoffMs = PD_FIRST_BACKOFF_MS;
        for (int failures = 1; ; failures++) {
            try {
                return PdClient.connect(pdClientConfig(config));
            } catch (final RuntimeException ex) {
                LOG.warn("PD is unreachable (attempt {}: {}); a store joining through PD needs its id from PD: "
                    + "trying again in {} ms", failures, ex.getMessage(), backoffMs);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(backoffMs);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for PD", ex);
            }
            backoffMs = Math.min(PdConnector.MAX_BACKOFF_MS, backoffMs * 2);
        }
    }

    /**
     * A store that is its regions' only voter elects itself in each within an election timeout: wait for that, so a
     * started store serves at once. A store of a larger cluster is started as soon as it runs (its peers may start
     * later).
     */
    private void awaitLeaderIfAlone() {
        if (config.raft().initialCluster().size() != 1) {
            return;
        }
        // Only the regions whose one voter is this store's peer: a store that joined through PD holds peers of
        // regions others lead (a learner never leads).
        final long alone = regions.all().stream().filter(region -> region.voterIds().length == 1
            && region.peerOnStore(config.storeId()) != null
            && region.voterIds()[0] == region.peerOnStore(config.storeId()).id()).count();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LEADER_WAIT_S);
        while (raftAgent.ledRegions() < alone) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the store did not elect itself leader of its " + alone
                    + " regions within " + LEADER_WAIT_S + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    private void checkClusterId(final StoreMeta meta) {
        final long stored = meta.clusterId();
        if (stored == StoreMeta.NOT_SET) {
            meta.putClusterId(config.clusterId());
            meta.putStoreId(config.storeId());
        } else if (stored != config.clusterId()) {
            throw new IllegalStateException("data dir " + config.dataDir() + " belongs to cluster " + stored
                + ", not " + config.clusterId());
        }
    }

    /** @return the regions this store holds, as its apply agent last published them. */
    public RegionRegistry regions() {
        return regions;
    }

    /** @return the fault hook of the Raft transport (partitions), for fault tests. */
    public PartitionFaults faults() {
        return faults;
    }

    /** @return the settings this store runs with. */
    public ServerConfig config() {
        return config;
    }

    @Override
    public void close() {
        final ErrorHandler onCloseError = ex -> LOG.error("error while stopping the store", ex);
        CloseHelper.closeAll(onCloseError, gcRunner, gcClients, pdRunner, ingressRunner, applyRunner, snapshotRunner,
            exportRunner, replication, ingress, gcCounters, counters, aeron, driver, applyBatch, store, engine, lock);
        LOG.info("store stopped");
    }
}
