package io.tkv.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * END-TO-END against a real etcd (one member, started here on free loopback ports, data in a temp dir): the
 * harness's etcd target preloads, puts, gets and scans with no error, the RocksDB baseline beside it. Skipped when
 * no {@code etcd} is on the PATH (Debian: {@code apt-get install etcd-server}). Takes about 3 s.
 */
class EtcdTargetSystemTest {
    private static final long READY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldPutGetAndScanAgainstARealEtcdWithoutErrors() throws Exception {
        final String etcd = onPath("etcd");
        assumeTrue(etcd != null, "etcd is not installed (apt-get install etcd-server)");
        final int clientPort = freePort();
        final int peerPort = freePort();
        final Path log = dir.resolve("etcd.log");
        final Process process = new ProcessBuilder(etcd, "--name", "perf-test", "--logger", "zap", "--data-dir",
            dir.resolve("data").toString(),
            "--listen-client-urls", "http://127.0.0.1:" + clientPort,
            "--advertise-client-urls", "http://127.0.0.1:" + clientPort,
            "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
            "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
            "--initial-cluster", "perf-test=http://127.0.0.1:" + peerPort)
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitReady(process, log);
            final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            final LoadHarness harness = new LoadHarness(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
            final int exit = new CommandLine(harness).setCaseInsensitiveEnumValuesAllowed(true).execute(
                "--target", "etcd", "--etcd-endpoints", "http://127.0.0.1:" + clientPort, "--workload",
                "put,get,scan", "--in-flight", "4", "--keys", "500", "--duration", "0.4", "--warmup", "0.1",
                "--no-progress");
            final String out = stdout.toString(StandardCharsets.UTF_8) + stderr.toString(StandardCharsets.UTF_8);
            assertEquals(0, exit, out);

            // Each workload: etcd's result, the RocksDB baseline's beside it, and their ratio.
            final List<String> results = harness.resultLines();
            assertEquals(9, results.size(), out);
            for (int i = 0; i < results.size(); i += 3) {
                assertTrue(results.get(i).startsWith("RESULT ") && results.get(i).contains(" target=etcd "), out);
                assertTrue(results.get(i + 1).contains(" target=rocksdb "), out);
                assertTrue(results.get(i + 2).startsWith("RATIO "), out);
                assertTrue(results.get(i + 2).contains(" target=etcd/rocksdb "), out);
                for (final String line : results.subList(i, i + 2)) {
                    assertTrue(line.endsWith(" errors=0"), line);
                    assertTrue(!line.contains(" ops=0 "), line);
                }
            }
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static void awaitReady(final Process process, final Path log) throws IOException, InterruptedException {
        final long deadlineNs = System.nanoTime() + READY_TIMEOUT_NS;
        while (System.nanoTime() < deadlineNs) {
            // etcd logs this once it serves clients, after it has a leader and has published itself.
            if (Files.readString(log).contains("serving client traffic")) {
                return;
            }
            if (!process.isAlive()) {
                fail("etcd exited before it was ready:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        fail("etcd not ready in 30 s:\n" + Files.readString(log));
    }

    private static String onPath(final String name) {
        for (final String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            final File file = new File(entry, name);
            if (file.isFile() && file.canExecute()) {
                return file.getPath();
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
