package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.ErrorCode;
import io.tkv.client.PeerChange;
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
 * A region moves between real stores by membership changes through its Raft log: four stores of which three found
 * region 1; a learner is added on the fourth (which held nothing: the leader's messages make its peer, a snapshot of
 * the region fills it), promoted to voter, and a follower's peer is removed (its store destroys its copy and, after a
 * restart, never takes it back). The region serves throughout, every epoch change is refused to a stale caller, and
 * the stores that hold the region agree on its state.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MembershipSystemTest {
    private static final long ELECTION_WAIT_MS = 20_000;
    private static final long TIMEOUT_MS = 30_000;

    @TempDir
    Path dir;

    @Test
    void shouldMoveAReplicaToANewStoreAndDestroyTheOldOne() throws Exception {
        try (StoreCluster cluster = StoreCluster.of(4).in(dir).withArgs("--founding-voters", "1,2,3").start()) {
            final long leader = cluster.awaitLeader(ELECTION_WAIT_MS, 1, 2, 3);
            final List<String> founders = cluster.endpoints().subList(0, 3);
            try (RawKvClient client = client(founders, 1, 1)) {
                for (int i = 0; i < 50; i++) {
                    client.put(b("before-" + i), b("v" + i));
                }
                final RegionInfo learner = client.changePeer(1, 1, 1, PeerChange.ADD_LEARNER, 4, 4);
                assertEquals(2, learner.confVer());
                assertTrue(learner.peers().contains(new RegionInfo.Peer(4, 4, true)), learner.toString());
                final TkvException stale = assertThrows(TkvException.class,
                    () -> client.changePeer(1, 1, 1, PeerChange.ADD_VOTER, 4, 4));
                assertEquals(ErrorCode.EPOCH_NOT_MATCH, stale.code(), stale.getMessage());
            }
            awaitEqualChecksums(cluster, List.of(1L, 2L, 3L, 4L));

            final long follower = leader == 1 ? 2 : 1;
            try (RawKvClient client = client(founders, 2, 1)) {
                final RegionInfo voter = client.changePeer(1, 2, 1, PeerChange.ADD_VOTER, 4, 4);
                assertEquals(3, voter.confVer());
                assertTrue(voter.peers().contains(new RegionInfo.Peer(4, 4, false)), voter.toString());
                final RegionInfo removed = client.changePeer(1, 3, 1, PeerChange.REMOVE_PEER, follower, follower);
                assertEquals(4, removed.confVer());
                assertEquals(3, removed.peers().size(), removed.toString());
            }
            final List<Long> holders = new ArrayList<>(List.of(1L, 2L, 3L, 4L));
            holders.remove(follower);
            // The stores that hold the region: the one that left answers REGION_NOT_FOUND, which this client (pinned
            // to region 1) does not route around.
            final List<String> holding = holders.stream().map(id -> cluster.store(id).endpoint()).toList();
            try (RawKvClient client = client(holding, 4, 1)) {
                client.put(b("after"), b("moved"));
                assertArrayEquals(b("v7"), client.get(b("before-7")));
            }
            awaitEqualChecksums(cluster, holders);
            awaitNotHeld(cluster, follower);

            cluster.kill(follower);
            cluster.restart(follower);
            cluster.kill(4);
            cluster.restart(4);
            try (RawKvClient client = client(holding, 4, 1)) {
                client.put(b("after-restarts"), b("x"));
            }
            awaitEqualChecksums(cluster, holders);
            awaitNotHeld(cluster, follower);
        }
    }

    /** Asks the stores for their checksum of region 1 until all report one applied index and agree. */
    private static void awaitEqualChecksums(final StoreCluster cluster, final List<Long> stores)
        throws InterruptedException {
        final long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        List<RegionChecksum> sums = List.of();
        while (System.currentTimeMillis() < deadline) {
            sums = new ArrayList<>();
            for (final long store : stores) {
                sums.add(checksum(cluster, store));
            }
            final List<RegionChecksum> found = sums;
            if (found.stream().allMatch(sum -> sum != null && sum.equals(found.get(0)))) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("stores " + stores + " never agreed on region 1: " + sums);
    }

    private static void awaitNotHeld(final StoreCluster cluster, final long store) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            try (RawKvClient admin = admin(cluster, store)) {
                final TkvException gone = assertThrows(TkvException.class, () -> admin.regionChecksum(1));
                if (gone.code() == ErrorCode.REGION_NOT_FOUND) {
                    return;
                }
            } catch (final AssertionError stillThere) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        throw new AssertionError("store " + store + " still holds region 1");
    }

    private static RegionChecksum checksum(final StoreCluster cluster, final long store) {
        try (RawKvClient admin = admin(cluster, store)) {
            return admin.regionChecksum(1);
        } catch (final TkvException ex) {
            return null;
        }
    }

    private static RawKvClient admin(final StoreCluster cluster, final long store) {
        return RawKvClient.connect(new ClientConfig().storeEndpoints(List.of(cluster.store(store).endpoint()))
            .clientName("membership-admin").secret(StoreCluster.ADMIN_SECRET).requestTimeoutMs(5_000)
            .connectTimeoutMs(20_000));
    }

    private static RawKvClient client(final List<String> endpoints, final long confVer, final long version) {
        return RawKvClient.connect(new ClientConfig().storeEndpoints(endpoints).clientName("membership")
            .secret(StoreCluster.ADMIN_SECRET).region(1, confVer, version).requestTimeoutMs(5_000)
            .connectTimeoutMs(20_000));
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
