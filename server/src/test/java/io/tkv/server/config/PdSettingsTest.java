package io.tkv.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PdSettingsTest {
    @TempDir
    Path dir;

    @Test
    void shouldLoadTheShippedPdSampleWithItsDefaults() throws Exception {
        final PdSettings loaded = TomlConfigLoader.load(Paths.get("config/tkv-pd.toml"), new ServerConfig())
            .conclude().pd();
        assertEquals(new PdSettings().conclude().toString(), loaded.toString());
        assertEquals(30 * 60_000L, loaded.maxStoreDownTimeMs(), "PD's max-store-down-time");
        assertEquals(3, loaded.maxReplicas());
    }

    @Test
    void shouldLoadThePdSectionsAndRefuseBadValues() throws Exception {
        final Path file = Files.writeString(dir.resolve("pd.toml"), """
            [replication]
            max-replicas = 5
            location-labels = ["zone", "host"]
            [schedule]
            interval-ms = 100
            max-store-down-time-ms = 3000
            schedulers = ["replica-checker"]
            max-regions = 10
            """);
        final PdSettings pd = TomlConfigLoader.load(file, new ServerConfig()).conclude().pd();
        assertEquals(5, pd.maxReplicas());
        assertEquals(List.of("zone", "host"), pd.locationLabels());
        assertEquals(100, pd.scheduleIntervalMs());
        assertEquals(3000, pd.maxStoreDownTimeMs());
        assertEquals(List.of("replica-checker"), pd.schedulers());
        assertEquals(10, pd.maxRegions());
        for (final String bad : List.of("[schedule]\nschedulers = [\"balance-everything\"]",
            "[schedule]\ninterval-ms = 0", "[replication]\nmax-replicas = 0",
            "[replication]\nlocation-labels = [\"a b\"]", "[schedule]\nmax-stores = 0", "[schedule]\nnot-a-key = 1")) {
            final Path badFile = Files.writeString(dir.resolve("bad.toml"), bad);
            assertThrows(IllegalArgumentException.class,
                () -> TomlConfigLoader.load(badFile, new ServerConfig()).conclude(), bad);
        }
    }

    @Test
    void shouldParseStoreLabelsInOrderAndRefuseBadSyntax() {
        assertEquals(Map.of(), StoreLabels.parse(""));
        assertEquals(List.of("zone", "rack", "host"),
            List.copyOf(StoreLabels.parse("zone=z1,rack=r-1.a,host=h_1/x").keySet()));
        for (final String bad : List.of("zone", "zone=", "=z1", "zone=z1,", "zone=z1,zone=z2", "zone=-z",
            "zone=z 1", "zone=z1;rack=r1", "k=" + "v".repeat(65))) {
            assertThrows(IllegalArgumentException.class, () -> StoreLabels.parse(bad), bad);
        }
        final StringBuilder many = new StringBuilder();
        for (int i = 0; i <= StoreLabels.MAX_LABELS; i++) {
            many.append(i == 0 ? "" : ",").append("k").append(i).append("=v");
        }
        assertThrows(IllegalArgumentException.class, () -> StoreLabels.parse(many.toString()));
    }
}
