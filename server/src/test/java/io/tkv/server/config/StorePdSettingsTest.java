package io.tkv.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StorePdSettingsTest {
    private static final String CLUSTER_SECRET = "a cluster secret of enough bytes!";

    @TempDir
    Path dir;

    @Test
    void shouldDefaultToNoPdAndTikvThresholds() {
        final ServerConfig config = new ServerConfig().dataDir(dir).conclude();
        assertFalse(config.storePd().enabled());
        assertEquals(10_000, config.storePd().storeHeartbeatIntervalMs());
        assertEquals(60_000, config.storePd().regionHeartbeatIntervalMs());
        assertEquals("", config.storePd().labels());
        assertEquals(144L << 20, config.split().regionMaxSizeBytes());
        assertEquals(96L << 20, config.split().regionSplitSizeBytes());
        assertEquals(1_440_000, config.split().regionMaxKeys());
        assertEquals(960_000, config.split().regionSplitKeys());
        assertEquals(10_000, config.split().splitCheckIntervalMs());
        // PD-less: a store alone founds region 1, as before.
        assertArrayEquals(new long[] {1}, config.raft().foundingVoters());
    }

    @Test
    void shouldLoadPdSplitAndLabelsFromToml() throws Exception {
        final Path file = dir.resolve("pd.toml");
        Files.writeString(file, "[server]\nstore-id = 4\nlabels = \"zone=z1, rack=r1,host=h1\"\n"
            + "[pd]\nendpoints = [\"127.0.0.1:2379\", \"127.0.0.1:2389\"]\nstore-heartbeat-interval-ms = 300\n"
            + "region-heartbeat-interval-ms = 500\n"
            + "[split]\nregion-max-size-kb = 64\nregion-split-size-kb = 32\nregion-max-keys = 1000\n"
            + "region-split-keys = 600\nsplit-check-interval-ms = 250\n");
        final ServerConfig config = TomlConfigLoader.load(file, new ServerConfig()).dataDir(dir)
            .clusterSecret(CLUSTER_SECRET).conclude();
        assertTrue(config.storePd().enabled());
        assertEquals(List.of("127.0.0.1:2379", "127.0.0.1:2389"), config.storePd().endpoints());
        assertEquals("zone=z1,rack=r1,host=h1", config.storePd().labels());
        assertEquals(300, config.storePd().storeHeartbeatIntervalMs());
        assertEquals(500, config.storePd().regionHeartbeatIntervalMs());
        assertEquals(64 << 10, config.split().regionMaxSizeBytes());
        assertEquals(32 << 10, config.split().regionSplitSizeBytes());
        assertEquals(1000, config.split().regionMaxKeys());
        assertEquals(600, config.split().regionSplitKeys());
        assertEquals(250, config.split().splitCheckIntervalMs());
        // With PD and no initial cluster the store joins: it founds no region.
        assertEquals(0, config.raft().foundingVoters().length);
        assertEquals(4, config.storeId());
        assertTrue(config.storeIdGiven());
    }

    @Test
    void shouldFoundRegionOneWithPdWhenTheInitialClusterIsGiven() {
        final ServerConfig config = new ServerConfig().dataDir(dir).clusterSecret(CLUSTER_SECRET).storeId(2)
            .listenEndpoint("127.0.0.1:20161");
        config.storePd().endpoints(List.of("127.0.0.1:2379"));
        config.raft().initialCluster(List.of(RaftSettings.StoreAddress.parse("1=127.0.0.1:20160"),
            RaftSettings.StoreAddress.parse("2=127.0.0.1:20161")));
        assertArrayEquals(new long[] {1, 2}, config.conclude().raft().foundingVoters());
    }

    @Test
    void shouldRefuseBadPdSettingsNamingTheSetting() {
        assertRefused("pd.endpoints", config -> config.storePd().endpoints(List.of("no-port")));
        assertRefused("pd.endpoints",
            config -> config.storePd().endpoints(List.of("127.0.0.1:2379", "127.0.0.1:2379")));
        assertRefused("cluster secret", config -> {
            config.storePd().endpoints(List.of("127.0.0.1:2379"));
            config.clusterSecret("");
        });
        assertRefused("pd.store-heartbeat-interval-ms", config -> config.storePd().storeHeartbeatIntervalMs(0));
        assertRefused("pd.region-heartbeat-interval-ms", config -> config.storePd().regionHeartbeatIntervalMs(-1));
        assertRefused("server.labels", config -> config.storePd().labels("zone"));
        assertRefused("server.labels", config -> config.storePd().labels("zone=z1,zone=z2"));
        assertRefused("server.labels", config -> config.storePd().labels("zone=z 1"));
        assertRefused("server.labels", config -> config.storePd().labels("zone=z1,"));
        assertRefused("split.region-split-size-kb",
            config -> config.split().regionMaxSizeBytes(1024).regionSplitSizeBytes(2048));
        assertRefused("split.region-split-size-kb", config -> config.split().regionSplitSizeBytes(0));
        assertRefused("split.region-split-keys", config -> config.split().regionMaxKeys(10).regionSplitKeys(11));
        assertRefused("split.split-check-interval-ms", config -> config.split().splitCheckIntervalMs(0));
    }

    @Test
    void shouldRefuseUnknownPdKeysAndWrongKinds() throws Exception {
        final Path file = dir.resolve("bad.toml");
        Files.writeString(file, "[pd]\nendpoint = [\"127.0.0.1:2379\"]\n");
        assertThrows(IllegalArgumentException.class, () -> TomlConfigLoader.load(file, new ServerConfig()));
        Files.writeString(file, "[pd]\nendpoints = \"127.0.0.1:2379\"\n");
        assertThrows(IllegalArgumentException.class, () -> TomlConfigLoader.load(file, new ServerConfig()));
        Files.writeString(file, "[split]\nregion-max-size = 5\n");
        assertThrows(IllegalArgumentException.class, () -> TomlConfigLoader.load(file, new ServerConfig()));
    }

    private void assertRefused(final String setting, final java.util.function.Consumer<ServerConfig> change) {
        final ServerConfig config = new ServerConfig().dataDir(dir).clusterSecret(CLUSTER_SECRET);
        config.storePd().endpoints(List.of("127.0.0.1:2379"));
        change.accept(config);
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, config::conclude);
        assertTrue(refused.getMessage().contains(setting), refused.getMessage());
    }
}
