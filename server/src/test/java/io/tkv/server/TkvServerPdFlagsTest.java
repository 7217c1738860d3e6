package io.tkv.server;

import io.tkv.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TkvServerPdFlagsTest {
    @TempDir
    Path dir;

    @Test
    void shouldTakePdFlagsOverTheFile() throws Exception {
        final Path file = dir.resolve("store.toml");
        Files.writeString(file, "[pd]\nendpoints = [\"127.0.0.1:2399\"]\nstore-heartbeat-interval-ms = 900\n");
        final Path secret = dir.resolve("cluster.secret");
        Files.writeString(secret, "a cluster secret of enough bytes!");
        final TkvServer server = new TkvServer();
        new CommandLine(server).parseArgs("--config", file.toString(), "--data-dir", dir.toString(),
            "--cluster-secret-file", secret.toString(), "--pd", "127.0.0.1:2379, 127.0.0.1:2389",
            "--labels", "zone=z1,host=h1", "--pd-region-heartbeat-ms", "300", "--region-max-size-kb", "64",
            "--region-split-size-kb", "16", "--region-max-keys", "100", "--region-split-keys", "50",
            "--split-check-interval-ms", "200");
        final ServerConfig config = server.buildConfig().conclude();
        assertEquals(List.of("127.0.0.1:2379", "127.0.0.1:2389"), config.storePd().endpoints());
        assertEquals("zone=z1,host=h1", config.storePd().labels());
        assertEquals(900, config.storePd().storeHeartbeatIntervalMs());
        assertEquals(300, config.storePd().regionHeartbeatIntervalMs());
        assertEquals(64 << 10, config.split().regionMaxSizeBytes());
        assertEquals(16 << 10, config.split().regionSplitSizeBytes());
        assertEquals(100, config.split().regionMaxKeys());
        assertEquals(50, config.split().regionSplitKeys());
        assertEquals(200, config.split().splitCheckIntervalMs());
        assertFalse(config.storeIdGiven());
    }
}
