package io.tkv.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * END-TO-END (not a unit test): starts a real store in this JVM (RocksDB, Aeron media drivers, UDP on 127.0.0.1)
 * and a real client, and runs the harness for about a second per target. Needs the server and client modules
 * working; takes a few seconds.
 */
class LoadHarnessEndToEndTest {
    @TempDir
    Path hgrmDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldRunMixedAndScanWorkloadsAgainstAnEmbeddedStoreAndTheBaseline() throws Exception {
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final LoadHarness harness = new LoadHarness(new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
        final int exit = new CommandLine(harness).setCaseInsensitiveEnumValuesAllowed(true).execute(
            "--embedded", "--workload", "mixed,scan", "--in-flight", "4", "--keys", "2000", "--duration", "0.5",
            "--warmup", "0.2", "--fsync", "none", "--no-progress", "--hgrm-dir", hgrmDir.toString());
        final String out = stdout.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, () -> out + stderr.toString(StandardCharsets.UTF_8));

        final List<String> results = harness.resultLines();
        assertEquals(6, results.size(), out);
        for (final String line : results) {
            if (line.startsWith("RESULT")) {
                assertTrue(line.contains(" errors=0"), line);
                assertTrue(!line.contains(" ops=0 "), line);
            }
        }
        assertTrue(out.contains("workload=mixed read_ratio=0.5 mode=closed in_flight=4"), out);
        assertTrue(out.contains("tkv/rocksdb"), out);
        try (Stream<Path> files = Files.list(hgrmDir)) {
            final List<String> names = files.map(path -> path.getFileName().toString()).sorted()
                .collect(Collectors.toList());
            assertEquals(List.of("mixed-closed-4if-rocksdb.hgrm", "mixed-closed-4if-tkv.hgrm",
                "scan-closed-4if-rocksdb.hgrm", "scan-closed-4if-tkv.hgrm"), names);
        }
        assertTrue(Files.readString(hgrmDir.resolve("mixed-closed-4if-tkv.hgrm")).contains("Percentile"));
    }

    @Test
    void shouldRefuseAnOpenLoopWithoutARateBeforeStartingAnything() {
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final LoadHarness harness = new LoadHarness(new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
        final int exit = new CommandLine(harness).setCaseInsensitiveEnumValuesAllowed(true)
            .setErr(new java.io.PrintWriter(stderr, true))
            .execute("--embedded", "--mode", "open");
        assertTrue(exit != 0);
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("--rate"), stderr.toString());
    }
}
