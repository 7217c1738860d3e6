package io.tkv.server;

import io.tkv.server.config.RaftSettings;
import io.tkv.server.config.SecretFile;
import io.tkv.server.config.ServerConfig;
import io.tkv.server.config.TomlConfigLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code tkv-server}: runs one store until SIGTERM or SIGINT. Settings come from the TOML file given with
 * {@code --config}, then from flags, which win.
 */
@Command(name = "tkv-server", mixinStandardHelpOptions = true, version = "tkv-server 0.1.0",
    description = "Runs a tkv store: RawKV over Aeron/SBE on RocksDB.")
public final class TkvServer implements Callable<Integer> {
    /** Printed once the store accepts clients; launchers and tests wait for it. */
    public static final String READY_LINE = "tkv-server ready";

    @Option(names = "--config", description = "TOML config file")
    private Path configFile;

    @Option(names = "--listen", description = "host:port of the client ingress (default 127.0.0.1:20160)")
    private String listen;

    @Option(names = "--data-dir", description = "data directory (default ./data)")
    private Path dataDir;

    @Option(names = "--aeron-dir", description = "Aeron directory (default /dev/shm/tkv-store-<port>)")
    private String aeronDir;

    @Option(names = "--external-driver", description = "use a running Aeron media driver at --aeron-dir")
    private boolean externalDriver;

    @Option(names = "--threading", description = "shared (one thread for all agents) or dedicated")
    private String threading;

    @Option(names = "--idle", description = "agent idle strategy: backoff, yield, sleep-ms:N, sleep-us:N, busy-spin")
    private String idle;

    @Option(names = "--driver-idle", description = "embedded driver idle strategy (same names)")
    private String driverIdle;

    @Option(names = "--fsync", description = "sync (default), periodic or none")
    private String fsync;

    @Option(names = "--sync-interval-ms", description = "WAL sync interval for --fsync periodic")
    private Long syncIntervalMs;

    @Option(names = "--secret-file", description = "file holding the client secret (required off loopback)")
    private Path secretFile;

    @Option(names = "--admin-secret-file", description = "file holding the admin secret (admin requests need it)")
    private Path adminSecretFile;

    @Option(names = "--cluster-secret-file",
        description = "file holding the cluster secret every store of the cluster shares (required with peers)")
    private Path clusterSecretFile;

    @Option(names = "--cluster-id", description = "cluster id (default 1)")
    private Long clusterId;

    @Option(names = "--max-key-bytes", description = "largest key accepted")
    private Integer maxKeyBytes;

    @Option(names = "--max-value-bytes", description = "largest value accepted")
    private Integer maxValueBytes;

    @Option(names = "--max-batch-size", description = "most entries in one batch request")
    private Integer maxBatchSize;

    @Option(names = "--max-scan-limit", description = "largest scan limit accepted")
    private Integer maxScanLimit;

    @Option(names = "--max-pending-handshakes",
        description = "most handshakes in progress (not yet authenticated) at once (default 64)")
    private Integer maxPendingHandshakes;

    @Option(names = "--max-handshakes-per-second",
        description = "Connects taken a second; more are dropped unanswered and counted (default 30)")
    private Integer maxHandshakesPerSecond;

    @Option(names = "--store-id", description = "this store's id (default 1)")
    private Long storeId;

    @Option(names = "--initial-cluster",
        description = "every store of the cluster, this one included: id=host:port,id=host:port,...")
    private String initialCluster;

    @Option(names = "--founding-voters", split = ",",
        description = "the stores that found region 1, a subset of --initial-cluster (default: all of it); a store "
            + "not among them starts without regions and joins them through membership changes")
    private long[] foundingVoters;

    @Option(names = "--raft-log-dir", description = "Raft log directory (default <data-dir>/raft)")
    private Path raftLogDir;

    @Option(names = "--raft-compact-threshold", description = "compact the Raft log past this many applied entries")
    private Long compactThreshold;

    @Option(names = "--raft-compact-keep", description = "applied entries a compaction keeps")
    private Long compactKeep;

    @Option(names = "--raft-snapshot-chunk-kb", description = "largest snapshot chunk streamed, in KiB")
    private Integer snapshotChunkKb;

    @Option(names = "--raft-snapshot-window", description = "snapshot chunk requests outstanding per transfer")
    private Integer snapshotWindow;

    @Option(names = "--raft-log-cycle-kb", description = "Raft log cycle file size, in KiB")
    private Long logCycleKb;

    @Option(names = "--raft-log-reserve-mb",
        description = "free space kept on the Raft log's disk: below it the store fails stop (disk full); 0: off")
    private Long logReserveMb;

    @Option(names = "--raft-pipelined-sync", arity = "1",
        description = "true: the raft agent goes on while the log syncs on its own thread; false (default): it waits")
    private Boolean pipelinedSync;

    @Option(names = "--pd", description = "PD members, host:port,host:port,... (default none: no PD, static "
        + "membership; with PD and no --initial-cluster the store joins a running cluster)")
    private String pd;

    @Option(names = "--labels", description = "this store's location labels for PD: zone=z1,rack=r1,host=h1")
    private String labels;

    @Option(names = "--pd-store-heartbeat-ms", description = "store heartbeat interval (default 10000)")
    private Long storeHeartbeatMs;

    @Option(names = "--pd-region-heartbeat-ms", description = "region heartbeat interval (default 60000)")
    private Long regionHeartbeatMs;

    @Option(names = "--region-max-size-kb", description = "split a region led here past this size (default 147456)")
    private Long regionMaxSizeKb;

    @Option(names = "--region-split-size-kb", description = "split key after this much of a region (default 98304)")
    private Long regionSplitSizeKb;

    @Option(names = "--region-max-keys", description = "split a region led here past this many keys (default 1440000)")
    private Long regionMaxKeys;

    @Option(names = "--region-split-keys", description = "split key after this many keys (default 960000)")
    private Long regionSplitKeys;

    @Option(names = "--split-check-interval-ms", description = "how often regions led here are checked (10000)")
    private Long splitCheckIntervalMs;

    @Option(names = "--max-wait-timeout-ms", description = "the longest pessimistic lock wait granted (1000)")
    private Long maxWaitTimeoutMs;

    @Option(names = "--gc-run-interval-ms", description = "how often the store fetches PD's GC safe point and "
        + "collects the regions it leads when it moved (10000)")
    private Long gcRunIntervalMs;

    @Option(names = "--fault-injection", description = "accept partition commands (InjectFault): fault tests only")
    private boolean faultInjection;

    @Option(names = "--exit-with", description = "stop (as on SIGTERM) when the process with this pid exits: "
        + "for tests and supervisors that must not leave stores behind")
    private Long exitWithPid;

    @Override
    public Integer call() throws Exception {
        final ServerConfig config = buildConfig();
        final StoreNode node = StoreNode.start(config);
        if (exitWithPid != null) {
            // The store goes when its owner goes, even if the owner could not stop it (a killed test JVM).
            ProcessHandle.of(exitWithPid).ifPresentOrElse(
                owner -> owner.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
        }
        // SIGTERM / SIGINT run shutdown hooks; the JVM waits for this one, so the store closes cleanly (agents
        // stopped, last sync done, RocksDB closed, data-dir lock released) before the process exits.
        final CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            closed.countDown();
        }, "tkv-shutdown"));
        System.out.println(READY_LINE + ": store " + node.config().storeId() + " listening on "
            + node.config().listenEndpoint() + ", data in " + node.config().dataDir().toAbsolutePath() + ", fsync "
            + node.config().fsyncPolicy() + ", cluster " + node.config().raft().initialCluster());
        System.out.flush();
        closed.await();
        return 0;
    }

    /** @return the pid of {@code --exit-with}, or null (for {@link PdServer}, which takes the same flags). */
    Long exitWithPid() {
        return exitWithPid;
    }

    ServerConfig buildConfig() throws Exception {
        final ServerConfig config = new ServerConfig();
        if (configFile != null) {
            TomlConfigLoader.load(configFile, config);
        }
        if (listen != null) config.listenEndpoint(listen);
        if (dataDir != null) config.dataDir(dataDir);
        if (aeronDir != null) config.aeronDir(aeronDir);
        if (externalDriver) config.embeddedDriver(false);
        if (threading != null) config.threadingMode(TomlConfigLoader.parseThreading(threading));
        if (idle != null) config.idleStrategy(idle);
        if (driverIdle != null) config.driverIdleStrategy(driverIdle);
        if (fsync != null) config.fsyncPolicy(TomlConfigLoader.parseFsync(fsync));
        if (syncIntervalMs != null) config.syncIntervalMs(syncIntervalMs);
        if (secretFile != null) config.secret(SecretFile.read(secretFile, "client secret"));
        if (adminSecretFile != null) config.adminSecret(SecretFile.read(adminSecretFile, "admin secret"));
        if (clusterSecretFile != null) config.clusterSecret(SecretFile.read(clusterSecretFile, "cluster secret"));
        if (clusterId != null) config.clusterId(clusterId);
        if (maxKeyBytes != null) config.maxKeyBytes(maxKeyBytes);
        if (maxValueBytes != null) config.maxValueBytes(maxValueBytes);
        if (maxBatchSize != null) config.maxBatchSize(maxBatchSize);
        if (maxScanLimit != null) config.maxScanLimit(maxScanLimit);
        if (maxPendingHandshakes != null) config.maxPendingHandshakes(maxPendingHandshakes);
        if (maxHandshakesPerSecond != null) config.maxHandshakesPerSecond(maxHandshakesPerSecond);
        if (storeId != null) config.storeId(storeId);
        if (initialCluster != null) {
            final List<RaftSettings.StoreAddress> stores = new ArrayList<>();
            for (final String store : initialCluster.split(",")) {
                if (!store.isBlank()) {
                    stores.add(RaftSettings.StoreAddress.parse(store.trim()));
                }
            }
            config.raft().initialCluster(stores);
        }
        if (foundingVoters != null) {
            config.raft().foundingVoters(foundingVoters);
        }
        if (raftLogDir != null) config.raft().logDir(raftLogDir);
        if (faultInjection) config.raft().faultInjection(true);
        if (compactThreshold != null) config.raft().compactThresholdEntries(compactThreshold);
        if (compactKeep != null) config.raft().compactKeepEntries(compactKeep);
        if (snapshotChunkKb != null) config.raft().snapshotChunkBytes(snapshotChunkKb << 10);
        if (snapshotWindow != null) config.raft().snapshotWindowChunks(snapshotWindow);
        if (logCycleKb != null) config.raft().logCycleFileBytes(logCycleKb << 10);
        if (logReserveMb != null) config.raft().logReserveBytes(logReserveMb << 20);
        if (pipelinedSync != null) config.raft().pipelinedSync(pipelinedSync);
        applyPdFlags(config);
        return config;
    }

    private void applyPdFlags(final ServerConfig config) {
        if (pd != null) {
            final List<String> endpoints = new ArrayList<>();
            for (final String endpoint : pd.split(",")) {
                if (!endpoint.isBlank()) {
                    endpoints.add(endpoint.trim());
                }
            }
            config.storePd().endpoints(endpoints);
        }
        if (labels != null) config.storePd().labels(labels);
        if (storeHeartbeatMs != null) config.storePd().storeHeartbeatIntervalMs(storeHeartbeatMs);
        if (regionHeartbeatMs != null) config.storePd().regionHeartbeatIntervalMs(regionHeartbeatMs);
        if (regionMaxSizeKb != null) config.split().regionMaxSizeBytes(regionMaxSizeKb << 10);
        if (regionSplitSizeKb != null) config.split().regionSplitSizeBytes(regionSplitSizeKb << 10);
        if (regionMaxKeys != null) config.split().regionMaxKeys(regionMaxKeys);
        if (regionSplitKeys != null) config.split().regionSplitKeys(regionSplitKeys);
        if (splitCheckIntervalMs != null) config.split().splitCheckIntervalMs(splitCheckIntervalMs);
        if (maxWaitTimeoutMs != null) config.txn().maxWaitTimeoutMs(maxWaitTimeoutMs);
        if (gcRunIntervalMs != null) config.gc().runIntervalMs(gcRunIntervalMs);
    }

    /**
     * Entry point.
     *
     * @param args command-line flags.
     */
    public static void main(final String[] args) {
        final CommandLine commandLine = new CommandLine(new TkvServer());
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("tkv-server: " + ex.getMessage());
            return 1;
        });
        final int exitCode = commandLine.execute(args);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }
}
