package io.tkv.pd.cluster;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded: regions split and change membership while their heartbeats reach PD late, duplicated and out of order.
 * PD's registry never goes back (a region's epoch never decreases, ranges never overlap, a stale heartbeat is
 * always refused), and once every region's latest state arrives it matches the truth exactly.
 */
class RegionEpochSimulationTest {
    private record Delivery(long atMs, long seq, RegionInfo region) {
    }

    private static byte[] key(final long k) {
        return ByteBuffer.allocate(8).putLong(k).array();
    }

    private static long keyValue(final byte[] key, final long ifEmpty) {
        return key.length == 0 ? ifEmpty : ByteBuffer.wrap(key).getLong();
    }

    @Test
    void shouldNeverGoBackThroughSplitsAndConfChangesDeliveredOutOfOrder() {
        int refused = 0;
        for (long seed = 1; seed <= 100; seed++) {
            refused += runSchedule(seed);
        }
        assertTrue(refused > 0, "the schedules should deliver some stale heartbeats");
    }

    private static int runSchedule(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final Cluster cluster = new Cluster();
        final Map<Long, RegionInfo> truth = new TreeMap<>();
        final PriorityQueue<Delivery> inFlight = new PriorityQueue<>((a, b) -> a.atMs != b.atMs
            ? Long.compare(a.atMs, b.atMs) : Long.compare(a.seq, b.seq));
        final Map<Long, RegionEpoch> highestSeen = new HashMap<>();
        long nextId = 2;
        long seq = 0;
        final List<Peer> peers = List.of(Peer.voter(1, 1), Peer.voter(2, 2), Peer.voter(3, 3));
        truth.put(1L, RegionInfo.builder(1).peers(peers).leader(peers.get(0)).build());
        int refused = 0;
        for (long now = 0; now < 1_000; now++) {
            final int action = random.nextInt(20);
            final List<Long> ids = new ArrayList<>(truth.keySet());
            final RegionInfo r = truth.get(ids.get(random.nextInt(ids.size())));
            if (action == 0) {
                final long start = keyValue(r.startKey(), 0);
                final long end = keyValue(r.endKey(), 1L << 40);
                if (end - start >= 2) {
                    final long at = start + 1 + random.nextLong(end - start - 1);
                    final RegionEpoch epoch = r.epoch().nextVersion();
                    final RegionInfo left = r.toBuilder().range(r.startKey(), key(at)).epoch(epoch).build();
                    final RegionInfo right = RegionInfo.builder(nextId++).range(key(at), r.endKey()).epoch(epoch)
                        .peers(r.peers()).leader(r.leader()).build();
                    truth.put(left.id(), left);
                    truth.put(right.id(), right);
                }
            } else if (action == 1) {
                final Peer leader = r.peers().get(random.nextInt(r.peers().size()));
                truth.put(r.id(), r.toBuilder().epoch(r.epoch().nextConfVer()).leader(leader).build());
            }
            // Leaders report their current state; the network delays each report by up to 50 ms.
            for (int i = 0; i < 3; i++) {
                final RegionInfo report = truth.get(ids.get(random.nextInt(ids.size())));
                inFlight.add(new Delivery(now + random.nextInt(50), seq++, truth.get(report.id())));
            }
            while (!inFlight.isEmpty() && inFlight.peek().atMs <= now) {
                refused += deliver(cluster, inFlight.poll().region, highestSeen, seed);
            }
        }
        while (!inFlight.isEmpty()) {
            refused += deliver(cluster, inFlight.poll().region, highestSeen, seed);
        }
        for (final RegionInfo latest : truth.values()) {
            deliver(cluster, latest, highestSeen, seed);
        }
        assertEquals(truth.size(), cluster.regions().size(), "seed " + seed);
        for (final RegionInfo expected : truth.values()) {
            final RegionInfo known = cluster.regions().byId(expected.id());
            assertEquals(expected.epoch(), known.epoch(), "seed " + seed);
            assertTrue(expected.sameRange(known), "seed " + seed);
        }
        return refused;
    }

    private static int deliver(final Cluster cluster, final RegionInfo report, final Map<Long, RegionEpoch> highest,
        final long seed) {
        final RegionInfo before = cluster.regions().byId(report.id());
        final RegionHeartbeatResult result = cluster.regionHeartbeat(report);
        if (before != null && report.epoch().isStaleAgainst(before.epoch())) {
            assertFalse(result.accepted(), () -> "seed " + seed + ": accepted a stale " + report + " over " + before);
        }
        final RegionInfo after = cluster.regions().byId(report.id());
        final RegionEpoch seen = highest.get(report.id());
        if (after != null) {
            if (seen != null) {
                assertFalse(after.epoch().isStaleAgainst(seen), () -> "seed " + seed + ": region went back " + after);
            }
            highest.put(report.id(), after.epoch());
        }
        assertNoOverlap(cluster, seed);
        return result.accepted() ? 0 : 1;
    }

    private static void assertNoOverlap(final Cluster cluster, final long seed) {
        RegionInfo previous = null;
        for (final RegionInfo r : cluster.regions().all()) {
            final RegionInfo left = previous;
            if (left != null) {
                assertFalse(left.overlaps(r), () -> "seed " + seed + ": " + left + " overlaps " + r);
            }
            previous = r;
        }
    }
}
