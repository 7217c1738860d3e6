package io.tkv.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.tkv.storage.FsyncPolicy;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a store's TOML file into a {@link ServerConfig}, in TiKV's dashed-key style. Unknown sections and keys
 * are errors: a misspelt setting should fail loudly rather than run with a default.
 *
 * <pre>
 * [server]   cluster-id, store-id, listen, ingress-stream-id, secret, max-sessions, max-pending-handshakes,
 *            max-handshakes-per-second, handshake-timeout-ms
 * [storage]  data-dir, fsync ("sync" | "periodic" | "none"), sync-interval-ms, block-cache-mb,
 *            write-buffer-mb, compression ("none" | "lz4" | "zstd" | "snappy")
 * [aeron]    dir, embedded-driver, term-length-kb, driver-idle
 * [threads]  mode ("shared" | "dedicated"), idle, ring-buffer-kb
 * [limits]   max-key-bytes, max-value-bytes, max-batch-size, max-scan-limit
 * [security] secret-file, admin-secret-file, cluster-secret-file
 * [raft]     initial-cluster (["id=host:port", ...]), founding-voters ([id, ...]), stream-id, tick-ms,
 *            election-ticks, heartbeat-ticks, lease-ticks, log-dir, fault-injection, compact-threshold-entries,
 *            compact-keep-entries, snapshot-chunk-kb, snapshot-window, snapshot-stream-id, log-cycle-file-kb,
 *            log-reserve-mb, hibernate-regions, hibernate-idle-ticks, pipelined-sync
 * [pd]       endpoints (["host:port", ...]; empty: no PD), store-heartbeat-interval-ms,
 *            region-heartbeat-interval-ms
 * [split]    region-max-size-kb, region-split-size-kb, region-max-keys, region-split-keys, split-check-interval-ms
 * [txn]      max-lock-waiters, max-wait-timeout-ms, wake-up-delay-ms
 * [gc]       enabled, run-interval-ms
 * [replication] (tkv-pd) max-replicas, location-labels (["zone", "rack", "host"])
 * [schedule] (tkv-pd) interval-ms, max-store-down-time-ms, store-heartbeat-interval-ms, leader-step-timeout-ms,
 *            peer-step-timeout-ms, schedulers (["balance-leader", "balance-region", "replica-checker"]), max-stores,
 *            max-regions
 * </pre>
 * and {@code labels} ("zone=z1,rack=r1,host=h1") in {@code [server]}.
 */
public final class TomlConfigLoader {
    private static final Map<String, Set<String>> KNOWN = Map.of(
        "server", Set.of("cluster-id", "store-id", "listen", "ingress-stream-id", "secret", "max-sessions",
            "max-pending-handshakes", "max-handshakes-per-second", "handshake-timeout-ms", "labels"),
        "storage", Set.of("data-dir", "fsync", "sync-interval-ms", "block-cache-mb", "write-buffer-mb", "compression"),
        "aeron", Set.of("dir", "embedded-driver", "term-length-kb", "driver-idle"),
        "threads", Set.of("mode", "idle", "ring-buffer-kb"),
        "limits", Set.of("max-key-bytes", "max-value-bytes", "max-batch-size", "max-scan-limit"),
        "security", Set.of("secret-file", "admin-secret-file", "cluster-secret-file"),
        "raft", Set.of("initial-cluster", "founding-voters", "stream-id", "tick-ms", "election-ticks",
            "heartbeat-ticks", "lease-ticks", "log-dir", "fault-injection", "compact-threshold-entries",
            "compact-keep-entries", "snapshot-chunk-kb", "snapshot-window", "snapshot-stream-id", "log-cycle-file-kb",
            "log-reserve-mb", "hibernate-regions", "hibernate-idle-ticks", "pipelined-sync"),
        "replication", Set.of("max-replicas", "location-labels"),
        "schedule", Set.of("interval-ms", "max-store-down-time-ms", "store-heartbeat-interval-ms",
            "leader-step-timeout-ms", "peer-step-timeout-ms", "schedulers", "max-stores", "max-regions"));
    /** A store's sections for talking to PD, splitting regions by itself and waiting for locks. */
    private static final Map<String, Set<String>> STORE_PD_KNOWN = Map.of(
        "pd", Set.of("endpoints", "store-heartbeat-interval-ms", "region-heartbeat-interval-ms"),
        "split", Set.of("region-max-size-kb", "region-split-size-kb", "region-max-keys", "region-split-keys",
            "split-check-interval-ms"),
        "txn", Set.of("max-lock-waiters", "max-wait-timeout-ms", "wake-up-delay-ms"),
        "gc", Set.of("enabled", "run-interval-ms"));

    private TomlConfigLoader() {
    }

    /**
     * @param file   the TOML file.
     * @param config the config to fill (settings absent from the file keep their value).
     * @return config.
     * @throws IOException              when the file cannot be read or parsed.
     * @throws IllegalArgumentException for an unknown key or a value of the wrong kind.
     */
    public static ServerConfig load(final Path file, final ServerConfig config) throws IOException {
        final JsonNode root = new TomlMapper().readTree(file.toFile());
        checkKnown(root);
        final JsonNode server = root.path("server");
        if (server.has("cluster-id")) config.clusterId(asLong(server, "cluster-id"));
        if (server.has("store-id")) config.storeId(asLong(server, "store-id"));
        if (server.has("listen")) config.listenEndpoint(asText(server, "listen"));
        if (server.has("ingress-stream-id")) config.ingressStreamId((int)asLong(server, "ingress-stream-id"));
        if (server.has("secret")) config.secret(asText(server, "secret"));
        if (server.has("max-sessions")) config.maxSessions((int)asLong(server, "max-sessions"));
        if (server.has("max-pending-handshakes")) {
            config.maxPendingHandshakes(asInt(server, "max-pending-handshakes"));
        }
        if (server.has("max-handshakes-per-second")) {
            config.maxHandshakesPerSecond(asInt(server, "max-handshakes-per-second"));
        }
        if (server.has("handshake-timeout-ms")) config.handshakeTimeoutMs(asLong(server, "handshake-timeout-ms"));
        if (server.has("labels")) config.storePd().labels(asText(server, "labels"));

        final JsonNode storage = root.path("storage");
        if (storage.has("data-dir")) config.dataDir(Paths.get(asText(storage, "data-dir")));
        if (storage.has("fsync")) config.fsyncPolicy(parseFsync(asText(storage, "fsync")));
        if (storage.has("sync-interval-ms")) config.syncIntervalMs(asLong(storage, "sync-interval-ms"));
        if (storage.has("block-cache-mb")) config.blockCacheBytes(asLong(storage, "block-cache-mb") << 20);
        if (storage.has("write-buffer-mb")) config.writeBufferBytes(asLong(storage, "write-buffer-mb") << 20);
        if (storage.has("compression")) config.compression(asText(storage, "compression"));

        final JsonNode aeron = root.path("aeron");
        if (aeron.has("dir")) config.aeronDir(asText(aeron, "dir"));
        if (aeron.has("embedded-driver")) config.embeddedDriver(asBoolean(aeron, "embedded-driver"));
        if (aeron.has("term-length-kb")) config.termLengthBytes((int)(asLong(aeron, "term-length-kb") << 10));
        if (aeron.has("driver-idle")) config.driverIdleStrategy(asText(aeron, "driver-idle"));

        final JsonNode threads = root.path("threads");
        if (threads.has("mode")) config.threadingMode(parseThreading(asText(threads, "mode")));
        if (threads.has("idle")) config.idleStrategy(asText(threads, "idle"));
        if (threads.has("ring-buffer-kb")) config.ringBufferBytes((int)(asLong(threads, "ring-buffer-kb") << 10));

        final JsonNode limits = root.path("limits");
        if (limits.has("max-key-bytes")) config.maxKeyBytes((int)asLong(limits, "max-key-bytes"));
        if (limits.has("max-value-bytes")) config.maxValueBytes((int)asLong(limits, "max-value-bytes"));
        if (limits.has("max-batch-size")) config.maxBatchSize((int)asLong(limits, "max-batch-size"));
        if (limits.has("max-scan-limit")) config.maxScanLimit((int)asLong(limits, "max-scan-limit"));

        final JsonNode security = root.path("security");
        if (security.has("secret-file")) {
            config.secret(SecretFile.read(Paths.get(asText(security, "secret-file")), "client secret"));
        }
        if (security.has("admin-secret-file")) {
            config.adminSecret(SecretFile.read(Paths.get(asText(security, "admin-secret-file")), "admin secret"));
        }
        if (security.has("cluster-secret-file")) {
            config.clusterSecret(SecretFile.read(Paths.get(asText(security, "cluster-secret-file")), "cluster secret"));
        }

        loadRaft(root.path("raft"), config.raft());
        loadStorePd(root.path("pd"), config.storePd());
        loadPd(root.path("replication"), root.path("schedule"), config.pd());
        loadSplit(root.path("split"), config.split());
        loadTxn(root.path("txn"), config.txn());
        loadGc(root.path("gc"), config.gc());
        return config;
    }

    private static void loadTxn(final JsonNode txn, final TxnSettings settings) {
        if (txn.has("max-lock-waiters")) settings.maxLockWaiters(asInt(txn, "max-lock-waiters"));
        if (txn.has("max-wait-timeout-ms")) settings.maxWaitTimeoutMs(asLong(txn, "max-wait-timeout-ms"));
        if (txn.has("wake-up-delay-ms")) settings.wakeUpDelayMs(asLong(txn, "wake-up-delay-ms"));
    }

    private static void loadGc(final JsonNode gc, final GcSettings settings) {
        if (gc.has("enabled")) settings.enabled(asBoolean(gc, "enabled"));
        if (gc.has("run-interval-ms")) settings.runIntervalMs(asLong(gc, "run-interval-ms"));
    }

    private static void loadStorePd(final JsonNode pd, final StorePdSettings settings) {
        if (pd.has("endpoints")) {
            final JsonNode list = pd.get("endpoints");
            if (!list.isArray()) {
                throw new IllegalArgumentException("pd.endpoints must be a list of \"host:port\" strings");
            }
            final List<String> endpoints = new ArrayList<>();
            for (final JsonNode item : list) {
                if (!item.isTextual()) {
                    throw new IllegalArgumentException("pd.endpoints entries must be strings, got " + item);
                }
                endpoints.add(item.textValue().trim());
            }
            settings.endpoints(endpoints);
        }
        if (pd.has("store-heartbeat-interval-ms")) {
            settings.storeHeartbeatIntervalMs(asLong(pd, "store-heartbeat-interval-ms"));
        }
        if (pd.has("region-heartbeat-interval-ms")) {
            settings.regionHeartbeatIntervalMs(asLong(pd, "region-heartbeat-interval-ms"));
        }
    }

    private static void loadSplit(final JsonNode split, final SplitCheckSettings settings) {
        if (split.has("region-max-size-kb")) settings.regionMaxSizeBytes(asLong(split, "region-max-size-kb") << 10);
        if (split.has("region-split-size-kb")) {
            settings.regionSplitSizeBytes(asLong(split, "region-split-size-kb") << 10);
        }
        if (split.has("region-max-keys")) settings.regionMaxKeys(asLong(split, "region-max-keys"));
        if (split.has("region-split-keys")) settings.regionSplitKeys(asLong(split, "region-split-keys"));
        if (split.has("split-check-interval-ms")) {
            settings.splitCheckIntervalMs(asLong(split, "split-check-interval-ms"));
        }
    }

    private static void loadPd(final JsonNode replication, final JsonNode schedule, final PdSettings pd) {
        if (replication.has("max-replicas")) pd.maxReplicas(asInt(replication, "max-replicas"));
        if (replication.has("location-labels")) pd.locationLabels(asStrings(replication, "location-labels"));
        if (schedule.has("interval-ms")) pd.scheduleIntervalMs(asLong(schedule, "interval-ms"));
        if (schedule.has("max-store-down-time-ms")) {
            pd.maxStoreDownTimeMs(asLong(schedule, "max-store-down-time-ms"));
        }
        if (schedule.has("store-heartbeat-interval-ms")) {
            pd.storeHeartbeatIntervalMs(asLong(schedule, "store-heartbeat-interval-ms"));
        }
        if (schedule.has("leader-step-timeout-ms")) {
            pd.leaderStepTimeoutMs(asLong(schedule, "leader-step-timeout-ms"));
        }
        if (schedule.has("peer-step-timeout-ms")) pd.peerStepTimeoutMs(asLong(schedule, "peer-step-timeout-ms"));
        if (schedule.has("schedulers")) pd.schedulers(asStrings(schedule, "schedulers"));
        if (schedule.has("max-stores")) pd.maxStores(asInt(schedule, "max-stores"));
        if (schedule.has("max-regions")) pd.maxRegions(asInt(schedule, "max-regions"));
    }

    private static List<String> asStrings(final JsonNode section, final String key) {
        final JsonNode list = section.get(key);
        if (!list.isArray()) {
            throw new IllegalArgumentException(key + " must be a list of strings, got " + list);
        }
        final List<String> out = new ArrayList<>();
        for (final JsonNode item : list) {
            if (!item.isTextual()) {
                throw new IllegalArgumentException(key + " entries must be strings, got " + item);
            }
            out.add(item.textValue());
        }
        return out;
    }

    private static void loadRaft(final JsonNode raft, final RaftSettings settings) {
        if (raft.has("initial-cluster")) {
            final JsonNode list = raft.get("initial-cluster");
            if (!list.isArray()) {
                throw new IllegalArgumentException("initial-cluster must be a list of \"id=host:port\" strings");
            }
            final List<RaftSettings.StoreAddress> stores = new ArrayList<>();
            for (final JsonNode item : list) {
                if (!item.isTextual()) {
                    throw new IllegalArgumentException("initial-cluster entries must be strings, got " + item);
                }
                stores.add(RaftSettings.StoreAddress.parse(item.textValue()));
            }
            settings.initialCluster(stores);
        }
        if (raft.has("founding-voters")) {
            final JsonNode list = raft.get("founding-voters");
            if (!list.isArray()) {
                throw new IllegalArgumentException("founding-voters must be a list of store ids");
            }
            final long[] voters = new long[list.size()];
            for (int i = 0; i < voters.length; i++) {
                if (!list.get(i).canConvertToLong()) {
                    throw new IllegalArgumentException("founding-voters entries must be store ids, got " + list.get(i));
                }
                voters[i] = list.get(i).asLong();
            }
            settings.foundingVoters(voters);
        }
        if (raft.has("stream-id")) settings.streamId((int)asLong(raft, "stream-id"));
        if (raft.has("tick-ms")) settings.tickIntervalMs(asLong(raft, "tick-ms"));
        if (raft.has("election-ticks")) settings.electionTimeoutTicks((int)asLong(raft, "election-ticks"));
        if (raft.has("heartbeat-ticks")) settings.heartbeatIntervalTicks((int)asLong(raft, "heartbeat-ticks"));
        if (raft.has("lease-ticks")) settings.leaseTicks((int)asLong(raft, "lease-ticks"));
        if (raft.has("log-dir") && !asText(raft, "log-dir").isEmpty()) {
            settings.logDir(Paths.get(asText(raft, "log-dir")));
        }
        if (raft.has("fault-injection")) settings.faultInjection(asBoolean(raft, "fault-injection"));
        if (raft.has("hibernate-regions")) settings.hibernateRegions(asBoolean(raft, "hibernate-regions"));
        if (raft.has("pipelined-sync")) settings.pipelinedSync(asBoolean(raft, "pipelined-sync"));
        if (raft.has("hibernate-idle-ticks")) settings.hibernateIdleTicks((int)asLong(raft, "hibernate-idle-ticks"));
        if (raft.has("compact-threshold-entries")) {
            settings.compactThresholdEntries(asLong(raft, "compact-threshold-entries"));
        }
        if (raft.has("compact-keep-entries")) settings.compactKeepEntries(asLong(raft, "compact-keep-entries"));
        if (raft.has("snapshot-chunk-kb")) settings.snapshotChunkBytes((int)(asLong(raft, "snapshot-chunk-kb") << 10));
        if (raft.has("snapshot-window")) settings.snapshotWindowChunks((int)asLong(raft, "snapshot-window"));
        if (raft.has("snapshot-stream-id")) settings.snapshotStreamId((int)asLong(raft, "snapshot-stream-id"));
        if (raft.has("log-cycle-file-kb")) settings.logCycleFileBytes(asLong(raft, "log-cycle-file-kb") << 10);
        if (raft.has("log-reserve-mb")) settings.logReserveBytes(asLong(raft, "log-reserve-mb") << 20);
    }

    /**
     * @param text "sync", "periodic" or "none".
     * @return the policy.
     */
    public static FsyncPolicy parseFsync(final String text) {
        try {
            return FsyncPolicy.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException ex) {
            throw new IllegalArgumentException("fsync must be sync, periodic or none, got '" + text + "'", ex);
        }
    }

    /**
     * @param text "shared" or "dedicated".
     * @return the mode.
     */
    public static ServerConfig.ThreadingMode parseThreading(final String text) {
        try {
            return ServerConfig.ThreadingMode.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException ex) {
            throw new IllegalArgumentException("threads.mode must be shared or dedicated, got '" + text + "'", ex);
        }
    }

    private static void checkKnown(final JsonNode root) {
        final Iterator<Map.Entry<String, JsonNode>> sections = root.fields();
        while (sections.hasNext()) {
            final Map.Entry<String, JsonNode> section = sections.next();
            final Set<String> keys = KNOWN.getOrDefault(section.getKey(), STORE_PD_KNOWN.get(section.getKey()));
            if (keys == null || !section.getValue().isObject()) {
                throw new IllegalArgumentException("unknown config section [" + section.getKey() + "]");
            }
            final Iterator<String> names = section.getValue().fieldNames();
            while (names.hasNext()) {
                final String name = names.next();
                if (!keys.contains(name)) {
                    throw new IllegalArgumentException("unknown config key " + section.getKey() + "." + name);
                }
            }
        }
    }

    private static long asLong(final JsonNode section, final String key) {
        final JsonNode node = section.get(key);
        if (!node.canConvertToLong() || !node.isIntegralNumber()) {
            throw new IllegalArgumentException(key + " must be an integer, got " + node);
        }
        return node.longValue();
    }

    private static int asInt(final JsonNode section, final String key) {
        final long value = asLong(section, key);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " is out of range, got " + value);
        }
        return (int)value;
    }

    private static String asText(final JsonNode section, final String key) {
        final JsonNode node = section.get(key);
        if (!node.isTextual()) {
            throw new IllegalArgumentException(key + " must be a string, got " + node);
        }
        return node.textValue();
    }

    private static boolean asBoolean(final JsonNode section, final String key) {
        final JsonNode node = section.get(key);
        if (!node.isBoolean()) {
            throw new IllegalArgumentException(key + " must be true or false, got " + node);
        }
        return node.booleanValue();
    }
}
