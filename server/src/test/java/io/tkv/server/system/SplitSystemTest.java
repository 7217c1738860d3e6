package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.ErrorCode;
import io.tkv.client.RawKvClient;
import io.tkv.client.RegionChecksum;
import io.tkv.client.RegionInfo;
import io.tkv.client.TkvException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three real stores split region 1 at "m" through its Raft log: afterwards region 1 serves the keys before "m" and a
 * new region 2 (its own Raft group, a peer on every store, a leader elected at once) those from "m", both at epoch
 * version 2; a request under the old epoch is refused with both regions; a key outside a region is refused; every
 * store holds the same state of each region, also after one of them is killed (-9), misses writes, and restarts.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SplitSystemTest {
    private static final long ELECTION_WAIT_MS = 20_000;
    private static final long TIMEOUT_MS = 30_000;

    @TempDir
    Path dir;

    @Test
    void shouldSplitARegionIntoTwoThatEveryStoreServes() throws Exception {
        try (StoreCluster cluster = StoreCluster.of(3).in(dir).start()) {
            cluster.awaitLeader(ELECTION_WAIT_MS, cluster.all());
            try (RawKvClient before = client(cluster, 1, 1, 1)) {
                for (char c = 'a'; c <= 'z'; c++) {
                    before.put(b("key-" + c), b("v1-" + c));
                }
                final List<RegionInfo> regions = before.splitRegion(1, 1, 1, b("key-m"), 2, 1001, 1002, 1003);
                assertEquals(2, regions.size(), regions.toString());
                assertArrayEquals(b("rkey-m"), regions.get(0).endKey());
                assertArrayEquals(b("rkey-m"), regions.get(1).startKey());
                assertEquals(2, regions.get(1).regionId());
                assertEquals(2, regions.get(0).version());
                assertEquals(2, regions.get(1).version());
                assertEquals(List.of(new RegionInfo.Peer(1001, 1, false), new RegionInfo.Peer(1002, 2, false),
                    new RegionInfo.Peer(1003, 3, false)), regions.get(1).peers());

                final TkvException stale = assertThrows(TkvException.class, () -> before.put(b("key-b"), b("x")));
                assertEquals(ErrorCode.EPOCH_NOT_MATCH, stale.code(), stale.getMessage());
                assertEquals(List.of(1L, 2L), stale.regions().stream().map(RegionInfo::regionId).toList(),
                    "the refusal names both regions");
            }
            try (RawKvClient left = client(cluster, 1, 1, 2); RawKvClient right = client(cluster, 2, 1, 2)) {
                assertArrayEquals(b("v1-b"), left.get(b("key-b")));
                assertArrayEquals(b("v1-x"), awaitGet(right, b("key-x")), "the new region serves the old data");
                right.put(b("key-q"), b("v2-q"));
                left.put(b("key-c"), b("v2-c"));
                final TkvException outside = assertThrows(TkvException.class, () -> left.put(b("key-q"), b("x")));
                assertEquals(ErrorCode.KEY_NOT_IN_REGION, outside.code(), outside.getMessage());
                assertArrayEquals(b("v2-q"), right.get(b("key-q")));
            }
            awaitEqualChecksums(cluster, 1);
            awaitEqualChecksums(cluster, 2);

            cluster.kill(3);
            try (RawKvClient right = client(cluster, 2, 1, 2)) {
                right.put(b("key-y"), b("v3-y"));
            }
            cluster.restart(3);
            try (RawKvClient right = client(cluster, 2, 1, 2)) {
                right.put(b("key-z"), b("v3-z"));
            }
            final List<RegionChecksum> sums = awaitEqualChecksums(cluster, 2);
            assertTrue(sums.get(0).keys() >= 14, "keys m..z and q: " + sums);
            awaitEqualChecksums(cluster, 1);
        }
    }

    @Test
    void shouldBringUpAFollowerThatMissedTheSplitByBothRegionsSnapshots() throws Exception {
        try (StoreCluster cluster = StoreCluster.of(3).in(dir)
            .withArgs("--raft-compact-threshold", "40", "--raft-compact-keep", "10", "--raft-log-cycle-kb", "16")
            .start()) {
            final long leader = cluster.awaitLeader(ELECTION_WAIT_MS, cluster.all());
            final long follower = leader == 1 ? 2 : 1;
            try (RawKvClient client = routed(cluster)) {
                for (char c = 'a'; c <= 'z'; c++) {
                    client.put(b("key-" + c), b("v1-" + c));
                }
            }
            awaitEqualChecksums(cluster, 1);
            cluster.kill(follower);
            try (RawKvClient client = routed(cluster)) {
                client.splitRegion(1, 1, 1, b("key-m"), 2, 1001, 1002, 1003);
                // Enough writes on both sides that each region's log is compacted past what the follower has.
                for (int i = 0; i < 120; i++) {
                    client.put(b("key-a" + i), b("left-" + i));
                    client.put(b("key-x" + i), b("right-" + i));
                }
            }
            cluster.restart(follower);
            // Region 1 comes back by a snapshot of [start, key-m); region 2, which the follower never saw split, by the
            // new region's leader making its peer there and a snapshot of [key-m, end): the keys the follower had of
            // that range before are replaced, not left behind.
            final List<RegionChecksum> left = awaitEqualChecksums(cluster, 1);
            final List<RegionChecksum> right = awaitEqualChecksums(cluster, 2);
            assertTrue(left.get(0).keys() >= 12 + 120, "keys a..l and the new left ones: " + left);
            assertTrue(right.get(0).keys() >= 14 + 120, "keys m..z and the new right ones: " + right);
            final String output = cluster.store(follower).output();
            assertTrue(output.contains("region 2: peer 100" + follower + " made here by a message"),
                "the follower never applied the split: region 2's leader made its peer");
            assertTrue(output.contains("region 2: installed snapshot"), "and a snapshot filled it");
        }
    }

    private static RawKvClient routed(final StoreCluster cluster) {
        return RawKvClient.connect(new ClientConfig().storeEndpoints(cluster.endpoints()).clientName("split-routed")
            .secret(StoreCluster.ADMIN_SECRET).requestTimeoutMs(5_000).connectTimeoutMs(20_000));
    }

    private static byte[] awaitGet(final RawKvClient client, final byte[] key) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (true) {
            try {
                return client.get(key);
            } catch (final TkvException ex) {
                assertTrue(System.currentTimeMillis() < deadline, "the new region never served: " + ex);
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    /** Asks every store for its checksum of the region until all report one applied index and agree. */
    private static List<RegionChecksum> awaitEqualChecksums(final StoreCluster cluster, final long regionId)
        throws InterruptedException {
        final long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        List<RegionChecksum> sums = List.of();
        while (System.currentTimeMillis() < deadline) {
            sums = new ArrayList<>();
            for (final String endpoint : cluster.endpoints()) {
                try (RawKvClient admin = RawKvClient.connect(new ClientConfig().storeEndpoints(List.of(endpoint))
                    .clientName("checksum").secret(StoreCluster.ADMIN_SECRET).requestTimeoutMs(5_000)
                    .connectTimeoutMs(20_000))) {
                    sums.add(admin.regionChecksum(regionId));
                } catch (final TkvException ex) {
                    sums.add(null);
                }
            }
            final List<RegionChecksum> found = sums;
            if (found.stream().allMatch(sum -> sum != null && sum.equals(found.get(0)))) {
                return found;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("the stores never agreed on region " + regionId + ": " + sums);
    }

    private static RawKvClient client(final StoreCluster cluster, final long regionId, final long confVer,
        final long version) {
        return RawKvClient.connect(new ClientConfig().storeEndpoints(cluster.endpoints()).clientName("split")
            .secret(StoreCluster.ADMIN_SECRET).region(regionId, confVer, version).requestTimeoutMs(5_000)
            .connectTimeoutMs(20_000));
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
