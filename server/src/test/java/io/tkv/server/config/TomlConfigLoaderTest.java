package io.tkv.server.config;

import io.tkv.storage.FsyncPolicy;
import io.tkv.txn.lockwait.LockWaitConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TomlConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void shouldLoadTheShippedSampleWithItsDefaults() throws Exception {
        final ServerConfig config = TomlConfigLoader.load(Paths.get("config/tkv-server.toml"), new ServerConfig())
            .conclude();
        final ServerConfig defaults = new ServerConfig().conclude();
        assertEquals(defaults.listenEndpoint(), config.listenEndpoint());
        assertEquals(defaults.fsyncPolicy(), config.fsyncPolicy());
        assertEquals(defaults.termLengthBytes(), config.termLengthBytes());
        assertEquals(defaults.maxKeyBytes(), config.maxKeyBytes());
        assertEquals(defaults.maxValueBytes(), config.maxValueBytes());
        assertEquals(defaults.ringBufferBytes(), config.ringBufferBytes());
        assertEquals(defaults.blockCacheBytes(), config.blockCacheBytes());
        assertEquals(defaults.aeronDir(), config.aeronDir());
        assertEquals(defaults.maxSessions(), config.maxSessions());
        assertEquals(defaults.maxPendingHandshakes(), config.maxPendingHandshakes());
        assertEquals(defaults.maxHandshakesPerSecond(), config.maxHandshakesPerSecond());
        assertEquals(defaults.handshakeTimeoutMs(), config.handshakeTimeoutMs());
        assertEquals(defaults.storePd().endpoints(), config.storePd().endpoints());
        assertEquals(defaults.storePd().storeHeartbeatIntervalMs(), config.storePd().storeHeartbeatIntervalMs());
        assertEquals(defaults.storePd().regionHeartbeatIntervalMs(), config.storePd().regionHeartbeatIntervalMs());
        assertEquals(defaults.split().regionMaxSizeBytes(), config.split().regionMaxSizeBytes());
        assertEquals(defaults.split().regionSplitSizeBytes(), config.split().regionSplitSizeBytes());
        assertEquals(defaults.split().regionMaxKeys(), config.split().regionMaxKeys());
        assertEquals(defaults.split().regionSplitKeys(), config.split().regionSplitKeys());
        assertEquals(defaults.split().splitCheckIntervalMs(), config.split().splitCheckIntervalMs());
    }

    @Test
    void shouldLoadTheHandshakeBoundsAndRefuseZero() throws Exception {
        final Path file = dir.resolve("handshakes.toml");
        Files.writeString(file, "[server]\nmax-sessions = 10\nmax-pending-handshakes = 7\n"
            + "max-handshakes-per-second = 3\nhandshake-timeout-ms = 500\n");
        final ServerConfig config = TomlConfigLoader.load(file, new ServerConfig()).dataDir(dir).conclude();
        assertEquals(10, config.maxSessions());
        assertEquals(7, config.maxPendingHandshakes());
        assertEquals(3, config.maxHandshakesPerSecond());
        assertEquals(500, config.handshakeTimeoutMs());

        final IllegalArgumentException pending = assertThrows(IllegalArgumentException.class,
            () -> new ServerConfig().dataDir(dir).maxPendingHandshakes(0).conclude());
        assertTrue(pending.getMessage().contains("max-pending-handshakes"), pending.getMessage());
        final IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
            () -> new ServerConfig().dataDir(dir).maxHandshakesPerSecond(0).conclude());
        assertTrue(rate.getMessage().contains("max-handshakes-per-second"), rate.getMessage());
        Files.writeString(file, "[server]\nmax-handshakes-per-second = 4294967296\n");
        assertThrows(IllegalArgumentException.class, () -> TomlConfigLoader.load(file, new ServerConfig()));
    }

    @Test
    void shouldOverrideSettingsFromTheFile() throws Exception {
        final Path file = dir.resolve("store.toml");
        Files.writeString(file, "[server]\nlisten = \"127.0.0.1:21000\"\nsecret = \"s3cret\"\n"
            + "[storage]\nfsync = \"periodic\"\nsync-interval-ms = 5\n[threads]\nmode = \"dedicated\"\n"
            + "idle = \"sleep-ms:1\"\n[limits]\nmax-key-bytes = 100\n");
        final ServerConfig config = TomlConfigLoader.load(file, new ServerConfig()).conclude();
        assertEquals("127.0.0.1:21000", config.listenEndpoint());
        assertEquals("s3cret", config.secret());
        assertEquals(FsyncPolicy.PERIODIC, config.fsyncPolicy());
        assertEquals(5, config.syncIntervalMs());
        assertEquals(ServerConfig.ThreadingMode.DEDICATED, config.threadingMode());
        assertEquals(100, config.maxKeyBytes());
        assertTrue(config.aeronDir().endsWith("tkv-store-21000"));
    }

    @Test
    void shouldLoadCompactionAndSnapshotSettingsAndRefuseAKeepAboveTheThreshold() throws Exception {
        final Path file = dir.resolve("snap.toml");
        Files.writeString(file, "[raft]\ncompact-threshold-entries = 40\ncompact-keep-entries = 10\n"
            + "snapshot-chunk-kb = 4\nsnapshot-window = 2\nsnapshot-stream-id = 1013\nlog-cycle-file-kb = 16\n"
            + "log-reserve-mb = 3\n");
        final RaftSettings raft = TomlConfigLoader.load(file, new ServerConfig()).conclude().raft();
        assertEquals(40, raft.compactThresholdEntries());
        assertEquals(10, raft.compactKeepEntries());
        assertEquals(4096, raft.snapshotChunkBytes());
        assertEquals(2, raft.snapshotWindowChunks());
        assertEquals(1013, raft.snapshotStreamId());
        assertEquals(16 * 1024, raft.logCycleFileBytes());
        assertEquals(3L << 20, raft.logReserveBytes());

        Files.writeString(file, "[raft]\ncompact-threshold-entries = 10\ncompact-keep-entries = 10\n");
        final IllegalArgumentException keep = assertThrows(IllegalArgumentException.class,
            () -> TomlConfigLoader.load(file, new ServerConfig()).conclude());
        assertTrue(keep.getMessage().contains("compact-keep-entries"), keep.getMessage());
    }

    @Test
    void shouldRejectUnknownKeysAndBadValues() throws Exception {
        final Path file = dir.resolve("bad.toml");
        Files.writeString(file, "[storage]\nfsynk = \"sync\"\n");
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> TomlConfigLoader.load(file, new ServerConfig()));
        assertTrue(unknown.getMessage().contains("storage.fsynk"), unknown.getMessage());

        Files.writeString(file, "[storage]\nfsync = \"sometimes\"\n");
        assertThrows(IllegalArgumentException.class, () -> TomlConfigLoader.load(file, new ServerConfig()));

        Files.writeString(file, "[limits]\nmax-key-bytes = \"big\"\n");
        assertThrows(IllegalArgumentException.class, () -> TomlConfigLoader.load(file, new ServerConfig()));
    }

    @Test
    void shouldRejectInconsistentSettingsAtConclude() {
        assertThrows(IllegalArgumentException.class, () -> new ServerConfig().listenEndpoint("nohost").conclude());
        assertThrows(IllegalArgumentException.class, () -> new ServerConfig().termLengthBytes(1000).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new ServerConfig().maxValueBytes(4 * 1024 * 1024).conclude());
        assertThrows(IllegalArgumentException.class, () -> new ServerConfig().idleStrategy("nap").conclude());
    }

    @Test
    void shouldLoadTheTxnSectionWithLockWaitDefaultsAndBounds() throws Exception {
        final Path file = dir.resolve("txn.toml");
        Files.writeString(file, "[server]\nstore-id = 1\n");
        final TxnSettings defaults = TomlConfigLoader.load(file, new ServerConfig()).conclude().txn();
        assertEquals(LockWaitConfig.DEFAULT_MAX_WAITERS, defaults.lockWaitConfig().maxWaiters());
        assertEquals(LockWaitConfig.DEFAULT_MAX_WAIT_TIMEOUT_MS, defaults.lockWaitConfig().maxWaitTimeoutMs());
        assertEquals(LockWaitConfig.DEFAULT_WAKE_UP_DELAY_MS, defaults.lockWaitConfig().wakeUpDelayMs());

        Files.writeString(file, "[server]\nstore-id = 1\n[txn]\nmax-lock-waiters = 16\nmax-wait-timeout-ms = 3000\n"
            + "wake-up-delay-ms = 5\n");
        final LockWaitConfig set = TomlConfigLoader.load(file, new ServerConfig()).conclude().txn().lockWaitConfig();
        assertEquals(16, set.maxWaiters());
        assertEquals(3_000, set.maxWaitTimeoutMs());
        assertEquals(5, set.wakeUpDelayMs());

        Files.writeString(file, "[server]\nstore-id = 1\n[txn]\nmax-wait-timeout-ms = 3600000\n");
        assertThrows(IllegalArgumentException.class, () -> TomlConfigLoader.load(file, new ServerConfig()).conclude());
        Files.writeString(file, "[server]\nstore-id = 1\n[txn]\nwait-forever = true\n");
        assertThrows(IllegalArgumentException.class, () -> TomlConfigLoader.load(file, new ServerConfig()));
    }

    @Test
    void shouldLoadTheGcSectionWithDefaultsAndBounds() throws Exception {
        final Path file = dir.resolve("gc.toml");
        Files.writeString(file, "[server]\nstore-id = 1\n");
        final GcSettings defaults = TomlConfigLoader.load(file, new ServerConfig()).conclude().gc();
        assertTrue(defaults.enabled());
        assertEquals(GcSettings.DEFAULT_RUN_INTERVAL_MS, defaults.runIntervalMs());

        Files.writeString(file, "[server]\nstore-id = 1\n[gc]\nenabled = false\nrun-interval-ms = 250\n");
        final GcSettings set = TomlConfigLoader.load(file, new ServerConfig()).conclude().gc();
        assertFalse(set.enabled());
        assertEquals(250, set.runIntervalMs());

        Files.writeString(file, "[server]\nstore-id = 1\n[gc]\nrun-interval-ms = 0\n");
        assertThrows(IllegalArgumentException.class, () -> TomlConfigLoader.load(file, new ServerConfig()).conclude());
        Files.writeString(file, "[server]\nstore-id = 1\n[gc]\nlife-time = 10\n");
        assertThrows(IllegalArgumentException.class, () -> TomlConfigLoader.load(file, new ServerConfig()));
    }

    @Test
    void shouldLoadTheRaftSectionAndCheckThatItNamesThisStore() throws Exception {
        final Path file = dir.resolve("store2.toml");
        final Path secret = Files.writeString(dir.resolve("cluster.secret"), "a cluster secret, long enough\n");
        Files.writeString(file, "[server]\nstore-id = 2\nlisten = \"127.0.0.1:20161\"\n[storage]\ndata-dir = \""
            + dir.resolve("d2") + "\"\n[security]\ncluster-secret-file = \"" + secret
            + "\"\n[raft]\ninitial-cluster = [\"1=127.0.0.1:20160\", \"2=127.0.0.1:20161\", "
            + "\"3=127.0.0.1:20162\"]\ntick-ms = 10\nelection-ticks = 30\n");
        final ServerConfig config = TomlConfigLoader.load(file, new ServerConfig()).conclude();
        final RaftSettings raft = config.raft();
        assertEquals(3, raft.initialCluster().size());
        assertEquals(new RaftSettings.StoreAddress(3, "127.0.0.1:20162"), raft.initialCluster().get(2));
        assertEquals(10, raft.tickIntervalMs());
        assertEquals(30, raft.electionTimeoutTicks());
        assertEquals(dir.resolve("d2").resolve("raft"), raft.logDir());
        assertEquals(List.of(1L, 2L, 3L), Arrays.stream(raft.foundingVoters()).boxed().toList(),
            "by default every store of the initial cluster founds region 1");

        Files.writeString(file, Files.readString(file) + "founding-voters = [1, 3]\n");
        assertEquals(List.of(1L, 3L), Arrays.stream(
            TomlConfigLoader.load(file, new ServerConfig()).conclude().raft().foundingVoters()).boxed().toList());
        Files.writeString(file, Files.readString(file).replace("[1, 3]", "[1, 7]"));
        final IllegalArgumentException stranger = assertThrows(IllegalArgumentException.class,
            () -> TomlConfigLoader.load(file, new ServerConfig()).conclude());
        assertTrue(stranger.getMessage().contains("founding-voters names store 7"), stranger.getMessage());

        Files.writeString(file, "[server]\nstore-id = 4\n[raft]\ninitial-cluster = [\"1=127.0.0.1:20160\"]\n");
        final IllegalArgumentException notMe = assertThrows(IllegalArgumentException.class,
            () -> TomlConfigLoader.load(file, new ServerConfig()).conclude());
        assertTrue(notMe.getMessage().contains("does not name this store"), notMe.getMessage());

        Files.writeString(file, "[raft]\ninitial-cluster = [\"1=127.0.0.1:20160\", \"1=127.0.0.1:20161\"]\n");
        assertThrows(IllegalArgumentException.class, () -> TomlConfigLoader.load(file, new ServerConfig()).conclude());
        Files.writeString(file, "[raft]\ninitial-cluster = [\"one=127.0.0.1:20160\"]\n");
        assertThrows(IllegalArgumentException.class, () -> TomlConfigLoader.load(file, new ServerConfig()));
    }

    @Test
    void shouldRefuseToRunWithoutTheSecretsItsExposureNeeds() throws Exception {
        final IllegalArgumentException open = assertThrows(IllegalArgumentException.class,
            () -> new ServerConfig().dataDir(dir).listenEndpoint("0.0.0.0:20160").conclude());
        assertTrue(open.getMessage().contains("--secret-file"), open.getMessage());
        new ServerConfig().dataDir(dir).listenEndpoint("0.0.0.0:20160").secret("client secret").conclude();
        new ServerConfig().dataDir(dir).listenEndpoint("localhost:20160").conclude();

        final ServerConfig peers = new ServerConfig().dataDir(dir);
        peers.raft().initialCluster(List.of(RaftSettings.StoreAddress.parse("1=127.0.0.1:20160"),
            RaftSettings.StoreAddress.parse("2=127.0.0.1:20161")));
        final IllegalArgumentException unauthenticated = assertThrows(IllegalArgumentException.class,
            peers::conclude);
        assertTrue(unauthenticated.getMessage().contains("--cluster-secret-file"), unauthenticated.getMessage());
        peers.clusterSecret("short");
        assertThrows(IllegalArgumentException.class, peers::conclude);
        peers.clusterSecret("the same secret for all").secret("the same secret for all");
        assertThrows(IllegalArgumentException.class, peers::conclude);
        peers.secret("").adminSecret("the same secret for all");
        assertThrows(IllegalArgumentException.class, peers::conclude);
        peers.adminSecret("admin secret");
        assertTrue(peers.conclude().clusterKey().isSet());
        assertThrows(IllegalArgumentException.class,
            () -> new ServerConfig().dataDir(dir).secret("same").adminSecret("same").conclude());
    }

    @Test
    void shouldDefaultToAOneStoreClusterWithTheLogInTheDataDir() {
        final ServerConfig config = new ServerConfig().dataDir(dir).conclude();
        assertEquals(1, config.raft().initialCluster().size());
        assertEquals(config.listenEndpoint(), config.raft().initialCluster().get(0).endpoint());
        assertEquals(dir.resolve("raft"), config.raft().logDir());
    }
}
