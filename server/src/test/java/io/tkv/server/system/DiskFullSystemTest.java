package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.RawKvClient;
import io.tkv.client.TkvException;
import io.tkv.client.TkvTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store whose Raft log disk fills up: its log fails stop, it refuses requests with a clear error, and it never
 * acknowledges what it could not persist — with the third store down, the leader cannot commit through it. The full
 * disk is a small tmpfs the test mounts (and unmounts); where the machine does not allow a mount (not root, no
 * tmpfs), the tests are skipped.
 * <p>
 * By default the log keeps a space reserve and fails stop with "disk full" before it writes into a page the disk
 * cannot back. Without the reserve ({@code --raft-log-reserve-mb 0}) the write faults, the JVM reports it late as an
 * {@link InternalError}, and the driver turns that into the same fail-stop; that run is nondeterministic in where the
 * fault surfaces, so it runs on request: {@code mvn -pl server verify -Pdisk-full -Dtest=DiskFullSystemTest}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DiskFullSystemTest {
    private static final long FULL_STORE = 3;
    private static final long WAIT_MS = 20_000;

    @TempDir
    Path dir;

    @Test
    void shouldFailStopTheStoreWhoseLogDiskRunsBelowItsReserveAndNeverAcknowledgeThroughIt() throws Exception {
        runOnASmallDisk("2", "disk full");
    }

    @Test
    @Tag("disk-full")
    void shouldFailStopTheStoreWhoseLogWriteFaultsOnAFullDiskAndNeverAcknowledgeThroughIt() throws Exception {
        runOnASmallDisk("0", "fault");
    }

    private void runOnASmallDisk(final String reserveMb, final String reason) throws Exception {
        final Path mount = dir.resolve("small-disk");
        Files.createDirectories(mount);
        Assumptions.assumeTrue(HostCommand.succeeds("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mount.toString()),
            "cannot mount a tmpfs here");
        try (StoreCluster cluster = StoreCluster.of(3).in(dir).withFaultInjection()
            .withArgs("--raft-compact-threshold", "0", "--raft-log-cycle-kb", "1024")
            .withStoreArgs(FULL_STORE, "--raft-log-dir", mount.resolve("raft").toString(),
                "--raft-log-reserve-mb", reserveMb)
            .start()) {
            try {
                fillAndCheck(cluster, reason);
            } catch (final AssertionError | RuntimeException ex) {
                System.err.println("store " + FULL_STORE + " output:\n" + cluster.store(FULL_STORE).output());
                throw ex;
            }
        } finally {
            HostCommand.failureOf("umount", "-l", mount.toString());
        }
    }

    private void fillAndCheck(final StoreCluster cluster, final String reason) throws Exception {
        {
            final long leader = leaderOtherThan(cluster, FULL_STORE);
            final long healthy = 6 - leader - FULL_STORE;
            final Map<String, byte[]> acknowledged = new LinkedHashMap<>();
            try (RawKvClient client = client(cluster.endpoints(), 5_000)) {
                final byte[] value = new byte[4096];
                int i = 0;
                while (!hasFailed(cluster)) {
                    assertTrue(i < 5_000, "6 MiB should have filled long before " + i + " writes of 4 KiB");
                    final String key = "fill-" + i++;
                    client.put(bytes(key), value);
                    acknowledged.put(key, value);
                }
                final AdminFrames.RegionStatus failed = cluster.status(FULL_STORE);
                assertTrue(failed.failure().contains("Raft log failed"), failed.failure());
                assertTrue(failed.failure().contains(reason), failed.failure());

                // The failed store serves nothing, says why, and sends clients elsewhere (NOT_LEADER, no hint): a
                // client that knows only this store times out with that reason ...
                try (RawKvClient direct = client(List.of(cluster.store(FULL_STORE).endpoint()), 3_000)) {
                    final TkvTimeoutException refused = assertThrows(TkvTimeoutException.class,
                        () -> direct.get(bytes("fill-0")));
                    assertTrue(refused.getMessage().contains("Raft log failed"), refused.getMessage());
                }
                // ... while the other two commit without it.
                for (int j = 0; j < 50; j++) {
                    client.put(bytes("after-" + j), value);
                    acknowledged.put("after-" + j, value);
                }
                final long frozen = cluster.status(FULL_STORE).applied();
                assertTrue(cluster.status(leader).commit() > frozen, "the failed store stopped applying");

                // With the healthy follower gone, only the failed store could make a quorum: no write is
                // acknowledged (it times out at the leader, or is refused by the failed store the client tries next).
                cluster.kill(healthy);
                try (RawKvClient shortTimeout = client(cluster.endpoints(), 2_000)) {
                    for (int j = 0; j < 3; j++) {
                        final int attempt = j;
                        assertThrows(TkvException.class, () -> shortTimeout.put(bytes("no-quorum-" + attempt), value),
                            "a write acknowledged through a store that cannot persist");
                    }
                }
                cluster.restart(healthy);
                client.put(bytes("back"), value);
                acknowledged.put("back", value);
                for (final Map.Entry<String, byte[]> entry : acknowledged.entrySet()) {
                    assertArrayEquals(entry.getValue(), client.get(bytes(entry.getKey())), entry.getKey());
                }
            }
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

    private static long leaderOtherThan(final StoreCluster cluster, final long storeId) {
        long leader = cluster.awaitLeader(WAIT_MS, cluster.all());
        while (leader == storeId) {
            cluster.isolate(storeId);
            cluster.awaitStatus(storeId, s -> s.role() != io.tkv.codec.RaftRole.LEADER, WAIT_MS, "stepped down");
            cluster.heal(storeId);
            leader = cluster.awaitLeader(WAIT_MS, cluster.all());
        }
        return leader;
    }

    private static RawKvClient client(final List<String> endpoints, final long timeoutMs) {
        return RawKvClient.connect(new ClientConfig().storeEndpoints(endpoints).clientName("disk-full")
            .requestTimeoutMs(timeoutMs).connectTimeoutMs(20_000));
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
