package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.RawKvClient;
import io.tkv.client.TkvException;
import io.tkv.codec.RaftRole;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The leader's RocksDB runs out of disk (its data directory is a small tmpfs the test mounts; its Raft log is
 * elsewhere and keeps working). A store that can no longer apply must not go on leading: it fails stop — says why,
 * steps down, answers nothing more — and the other two elect a leader and keep committing; every write acknowledged
 * before or after is readable. Skipped where the machine does not allow a mount (not root, no tmpfs).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ApplyFailureSystemTest {
    private static final long FULL_STORE = 1;
    private static final long WAIT_MS = 20_000;

    @TempDir
    Path dir;

    @Test
    void shouldFailStopALeaderThatCannotApplyAndLetTheOthersLead() throws Exception {
        final Path data = dir.resolve("store-" + FULL_STORE);
        Files.createDirectories(data);
        Assumptions.assumeTrue(HostCommand.succeeds("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", data.toString()),
            "cannot mount a tmpfs here");
        try (StoreCluster cluster = StoreCluster.of(3).in(dir)
            .withArgs("--raft-compact-threshold", "0")
            .withStoreArgs(FULL_STORE, "--raft-log-dir", dir.resolve("store-1-raft").toString())
            .start();
             RawKvClient client = RawKvClient.connect(new ClientConfig().storeEndpoints(cluster.endpoints())
                 .clientName("apply-failure").requestTimeoutMs(5_000).connectTimeoutMs(20_000))) {
            try {
                fillAndCheck(cluster, client);
            } catch (final AssertionError | RuntimeException ex) {
                System.err.println("store " + FULL_STORE + " output:\n" + cluster.store(FULL_STORE).output());
                throw ex;
            }
        } finally {
            HostCommand.failureOf("umount", "-l", data.toString());
        }
    }

    private static void fillAndCheck(final StoreCluster cluster, final RawKvClient client) throws Exception {
        makeLeader(cluster, FULL_STORE);
        final Map<String, byte[]> acknowledged = new LinkedHashMap<>();
        final byte[] value = new byte[64 * 1024];
        int i = 0;
        while (!hasFailed(cluster)) {
            assertTrue(i < 2_000, "8 MiB should have filled long before " + i + " writes of 64 KiB");
            final String key = "fill-" + i++;
            try {
                client.put(bytes(key), value);
                acknowledged.put(key, value);
            } catch (final TkvException ex) {
                // The writes the failing store had in hand are answered INTERNAL_ERROR: their fate is not known.
            }
        }
        final AdminFrames.RegionStatus failed = cluster.status(FULL_STORE);
        assertTrue(failed.failure().contains("store failed"), failed.failure());
        assertNotEquals(RaftRole.LEADER, failed.role(), "a store that cannot apply stopped leading");

        final long leader = cluster.awaitLeader(WAIT_MS, 2, 3);
        assertNotEquals(FULL_STORE, leader);
        for (int j = 0; j < 20; j++) {
            client.put(bytes("after-" + j), value);
            acknowledged.put("after-" + j, value);
        }
        for (final Map.Entry<String, byte[]> entry : acknowledged.entrySet()) {
            assertArrayEquals(entry.getValue(), client.get(bytes(entry.getKey())), entry.getKey());
        }
        assertTrue(cluster.status(leader).commit() > cluster.status(FULL_STORE).applied(),
            "the others committed past what the failed store applied");
    }

    /** Hands the leadership to {@code storeId} (a transfer from the current leader), waits until it leads. */
    private static void makeLeader(final StoreCluster cluster, final long storeId) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        long leader = cluster.awaitLeader(WAIT_MS, cluster.all());
        while (leader != storeId) {
            assertTrue(System.currentTimeMillis() < deadline, "store " + storeId + " never became leader");
            try (RawKvClient admin = RawKvClient.connect(new ClientConfig()
                .storeEndpoints(List.of(cluster.store(leader).endpoint())).secret(StoreCluster.ADMIN_SECRET)
                .clientName("transfer").requestTimeoutMs(5_000).connectTimeoutMs(20_000))) {
                admin.transferLeader(1, storeId);
            } catch (final TkvException ex) {
                // The leadership moved meanwhile: look again.
            }
            TimeUnit.MILLISECONDS.sleep(200);
            leader = cluster.awaitLeader(WAIT_MS, cluster.all());
        }
    }

    /** @return whether the full store reports its failure; a store that does not answer has not (yet). */
    private static boolean hasFailed(final StoreCluster cluster) {
        try {
            return !cluster.status(FULL_STORE).failure().isEmpty();
        } catch (final IllegalStateException unanswered) {
            return false;
        }
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
