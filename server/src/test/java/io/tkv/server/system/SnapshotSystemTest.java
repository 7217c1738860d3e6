package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.RawKvClient;
import io.tkv.client.TkvException;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three real stores with small compaction settings: a follower killed while the leader writes enough to compact
 * its log past it (deleting old cycle files) restarts, is caught up by a snapshot streamed over Aeron and
 * ingested (its log's first index jumps past everything it had), and, once it leads, serves every write.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SnapshotSystemTest {
    private static final long WAIT_MS = 30_000;
    private static final int KEYS = 300;

    @TempDir
    Path dir;

    private static byte[] key(final int i) {
        return String.format("key-%04d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static String value(final int i) {
        return "value-" + i + "-" + "x".repeat(200);
    }

    private static RawKvClient client(final StoreCluster cluster, final long storeId) {
        return RawKvClient.connect(new ClientConfig()
            .storeEndpoint(cluster.store(storeId).endpoint())
            .secret("")
            .clientName("snapshot-system-test")
            .requestTimeoutMs(5_000)
            .connectTimeoutMs(20_000)
            .idleStrategySupplier(() -> new SleepingMillisIdleStrategy(1)));
    }

    private static List<Path> cycleFiles(final Path raftDir) throws IOException {
        try (Stream<Path> files = Files.list(raftDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
    }

    @Test
    void shouldCatchUpARestartedFollowerBySnapshotAfterTheLeaderCompactedPastIt() throws Exception {
        try (StoreCluster cluster = StoreCluster.of(3).in(dir).withFaultInjection()
            .withArgs("--raft-compact-threshold", "40", "--raft-compact-keep", "10", "--raft-log-cycle-kb", "16",
                "--raft-snapshot-chunk-kb", "4", "--raft-snapshot-window", "2")
            .start()) {
            final long leader = cluster.awaitLeader(WAIT_MS, cluster.all());
            final long follower = leader == 1 ? 2 : 1;
            cluster.awaitStatus(follower, s -> s.applied() == cluster.status(leader).commit(), WAIT_MS,
                "applied the leader's no-op");
            final AdminFrames.RegionStatus before = cluster.status(follower);
            cluster.kill(follower);
            final List<Path> leaderCyclesBefore = cycleFiles(cluster.dataDir(leader).resolve("raft"));

            try (RawKvClient client = client(cluster, leader)) {
                for (int i = 0; i < KEYS; i++) {
                    client.put(key(i), value(i).getBytes(StandardCharsets.UTF_8));
                }
            }
            final AdminFrames.RegionStatus compacted = cluster.awaitStatus(leader,
                s -> s.firstIndex() > before.lastIndex() + 1, WAIT_MS, "compacted its log past the stopped follower");
            assertFalse(Files.exists(leaderCyclesBefore.get(0)),
                "the leader's oldest cycle file " + leaderCyclesBefore.get(0) + " was deleted");

            cluster.restart(follower);
            final AdminFrames.RegionStatus caughtUp = cluster.awaitStatus(follower,
                s -> s.applied() >= compacted.commit(), WAIT_MS, "caught up with the leader");
            assertTrue(caughtUp.firstIndex() > before.lastIndex() + 1,
                "its log restarts after a snapshot: first index " + caughtUp.firstIndex() + ", it had up to "
                    + before.lastIndex() + " before");
            assertTrue(cluster.store(follower).output().contains("installed snapshot"), "it installed a snapshot");

            makeLeader(cluster, follower);
            try (RawKvClient client = client(cluster, follower)) {
                for (int i = 0; i < KEYS; i++) {
                    assertEquals(value(i), new String(get(client, key(i)), StandardCharsets.UTF_8), "key " + i);
                }
            }
        }
    }

    /** Isolates whichever store leads until {@code target} is elected (each round is a coin flip between two). */
    private static void makeLeader(final StoreCluster cluster, final long target) {
        long current = cluster.awaitLeader(WAIT_MS, cluster.all());
        for (int round = 0; current != target && round < 10; round++) {
            final long isolated = current;
            cluster.isolate(isolated);
            final long[] others = Arrays.stream(cluster.all()).filter(id -> id != isolated).toArray();
            current = cluster.awaitLeader(WAIT_MS, others);
            cluster.heal(isolated);
        }
        assertEquals(target, current, "the caught-up store became leader");
        cluster.awaitLeader(WAIT_MS, cluster.all());
    }

    private static byte[] get(final RawKvClient client, final byte[] key) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        while (true) {
            try {
                final byte[] value = client.get(key);
                if (value != null) {
                    return value;
                }
                throw new AssertionError("key " + new String(key, StandardCharsets.UTF_8) + " is missing");
            } catch (final TkvException ex) {
                if (System.currentTimeMillis() > deadline) {
                    throw ex;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }
}
