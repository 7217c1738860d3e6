package io.tkv.perf;

import io.tkv.log.RaftLog;
import io.tkv.log.RaftLogConfig;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The cost of the Raft log's durability point on this machine: appends {@code entries} entries of
 * {@code bytes} bytes to a fresh {@link RaftLog}, one {@link RaftLog#sync()} after each, and prints the sync
 * latency's p50, p90 and p99. Run several at once ({@code perf/bin/log-sync-bench}) to see what stores sharing a
 * disk pay. The log lives under the temp dir and is removed afterwards.
 *
 * <p>usage: {@code LogSyncBench [entries (2000)] [bytes (300)]}
 */
public final class LogSyncBench {
    private LogSyncBench() {
    }

    public static void main(final String[] args) throws IOException {
        final int entries = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        final int bytes = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        final Path dir = Files.createTempDirectory("tkv-log-sync-bench");
        final long[] latencies = new long[entries];
        try (RaftLog log = RaftLog.open(new RaftLogConfig().dir(dir))) {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[bytes]);
            for (int i = 0; i < entries; i++) {
                log.append(1, i + 1, 1, 0, payload, 0, bytes);
                final long start = System.nanoTime();
                log.sync();
                latencies[i] = System.nanoTime() - start;
            }
        } finally {
            TempDirs.deleteRecursively(dir);
        }
        Arrays.sort(latencies);
        System.out.printf("RESULT log-sync entries=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d%n", entries, bytes,
            latencies[entries / 2] / 1000, latencies[entries * 9 / 10] / 1000, latencies[entries * 99 / 100] / 1000);
    }
}
