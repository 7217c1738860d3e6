package io.tkv.server;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import io.tkv.server.apply.ApplyAgent;
import io.tkv.server.config.IdleStrategies;
import io.tkv.server.config.ServerConfig;
import io.tkv.server.ingress.CommandQueue;
import io.tkv.server.ingress.IngressAgent;
import io.tkv.server.ingress.RegionGuard;
import io.tkv.server.ingress.RequestLimits;
import io.tkv.server.session.HandshakeHandler;
import io.tkv.server.session.HmacAuthenticator;
import io.tkv.server.session.ReplySender;
import io.tkv.server.session.SessionRegistry;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import io.tkv.storage.StoreMeta;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One running store: the data-dir lock, RocksDB, the Aeron media driver (embedded or external), and the ingress
 * and apply agents on one thread ({@code SHARED}) or two ({@code DEDICATED}). {@link #close()} stops them in
 * reverse order; the apply agent syncs anything unsynced on its way out.
 */
public final class StoreNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreNode.class);

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
        config.conclude();
        final StoreNode node = new StoreNode(config);
        try {
            node.startAll();
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
            .fsyncPolicy(config.fsyncPolicy())
            .syncIntervalMs(config.syncIntervalMs()));
        checkClusterId(new StoreMeta(engine));

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
            new HmacAuthenticator(config.secret()));
        final CommandQueue queue = new CommandQueue(config.ringBufferBytes());
        final ReplySender ingressReplies = new ReplySender(counters.repliesDropped());
        final FrameValidator validator = Protocol.storeIngressValidator(config.maxBatchSize());
        final IngressAgent ingressAgent = new IngressAgent(ingress, validator,
            new RequestLimits(config.maxKeyBytes(), config.maxValueBytes(), config.maxScanLimit()),
            new RegionGuard(), registry,
            new HandshakeHandler(aeron, config, registry, ingressReplies, counters),
            ingressReplies, queue, counters, clock);
        store = new RawKvStore(engine, clock);
        final ApplyAgent applyAgent = new ApplyAgent(queue, engine, store, registry,
            new ReplySender(counters.repliesDropped()), counters, clock, config.fsyncPolicy(),
            config.syncIntervalMs(), config.maxFrameBytes());

        if (config.threadingMode() == ServerConfig.ThreadingMode.INVOKER) {
            ingressRunner = new AgentRunner(IdleStrategies.parse(config.idleStrategy()), errorHandler, null,
                new CompositeAgent(new InvokerAgent("aeron-driver", driverInvoker),
                    new InvokerAgent("aeron-client", aeron.conductorAgentInvoker()), ingressAgent, applyAgent));
            AgentRunner.startOnThread(ingressRunner);
        } else if (config.threadingMode() == ServerConfig.ThreadingMode.SHARED) {
            ingressRunner = new AgentRunner(IdleStrategies.parse(config.idleStrategy()), errorHandler, null,
                new CompositeAgent(ingressAgent, applyAgent));
            AgentRunner.startOnThread(ingressRunner);
        } else {
            ingressRunner = new AgentRunner(IdleStrategies.parse(config.idleStrategy()), errorHandler, null,
                ingressAgent);
            applyRunner = new AgentRunner(IdleStrategies.parse(config.idleStrategy()), errorHandler, null,
                applyAgent);
            AgentRunner.startOnThread(applyRunner);
            AgentRunner.startOnThread(ingressRunner);
        }
        LOG.info("store started: {}", config);
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

    /** @return the settings this store runs with. */
    public ServerConfig config() {
        return config;
    }

    @Override
    public void close() {
        final ErrorHandler onCloseError = ex -> LOG.error("error while stopping the store", ex);
        CloseHelper.closeAll(onCloseError, ingressRunner, applyRunner, ingress, counters, aeron, driver, store, engine,
            lock);
        LOG.info("store stopped");
    }
}
