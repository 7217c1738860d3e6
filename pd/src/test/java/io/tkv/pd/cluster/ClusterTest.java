package io.tkv.pd.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.tkv.pd.cluster.Regions.key;
import static io.tkv.pd.cluster.Regions.region;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterTest {
    private static final long DOWN_MS = 30 * 60_000;

    private static Cluster clusterOfThree() {
        final Cluster cluster = new Cluster();
        for (long id = 1; id <= 3; id++) {
            cluster.putStore(StoreInfo.register(id, "store-" + id, Map.of("zone", "z" + id), 0));
        }
        return cluster;
    }

    @Test
    void shouldRefuseARegionHeartbeatWithALowerVersionOrConfVer() {
        final Cluster cluster = clusterOfThree();
        assertEquals(RegionHeartbeatResult.Outcome.NEW, cluster.regionHeartbeat(region(1, "", "", 5, 5)).outcome());
        assertEquals(RegionHeartbeatResult.Outcome.STALE, cluster.regionHeartbeat(region(1, "", "", 4, 9)).outcome());
        assertEquals(RegionHeartbeatResult.Outcome.STALE, cluster.regionHeartbeat(region(1, "", "", 9, 4)).outcome());
        assertEquals(5, cluster.regions().byId(1).epoch().confVer());
        assertEquals(RegionHeartbeatResult.Outcome.UPDATED,
            cluster.regionHeartbeat(region(1, "", "", 5, 5)).outcome());
        assertEquals(RegionHeartbeatResult.Outcome.UPDATED,
            cluster.regionHeartbeat(region(1, "", "", 6, 5)).outcome());
    }

    @Test
    void shouldRefuseAHeartbeatFromAnOlderLeaderTerm() {
        final Cluster cluster = clusterOfThree();
        final RegionInfo r = region(1, "", "", 1, 1);
        cluster.regionHeartbeat(r.toBuilder().leaderTerm(7).build());
        final RegionInfo oldLeader = r.toBuilder().leader(r.peers().get(1)).leaderTerm(6).build();
        assertFalse(cluster.regionHeartbeat(oldLeader).accepted());
        assertEquals(1, cluster.regions().byId(1).leader().storeId());
    }

    @Test
    void shouldDropThePreSplitRangeAndRefuseItsLateHeartbeat() {
        final Cluster cluster = clusterOfThree();
        cluster.regionHeartbeat(region(1, "", "", 1, 1));
        // Split at "m": region 2 is the new right half, version 2.
        final RegionHeartbeatResult right = cluster.regionHeartbeat(region(2, "m", "", 1, 2));
        assertEquals(RegionHeartbeatResult.Outcome.NEW, right.outcome());
        assertEquals(1, right.dropped().size());
        // A late heartbeat of region 1 from before the split overlaps region 2 with a lower version: refused.
        final RegionHeartbeatResult late = cluster.regionHeartbeat(region(1, "", "", 1, 1));
        assertEquals(RegionHeartbeatResult.Outcome.STALE, late.outcome());
        assertEquals(2, late.known().id());
        assertEquals(RegionHeartbeatResult.Outcome.NEW, cluster.regionHeartbeat(region(1, "", "m", 1, 2)).outcome());
        assertEquals(1, cluster.regions().byKey(key("a")).id());
        assertEquals(2, cluster.regions().byKey(key("x")).id());
        assertEquals(2, cluster.regionCount(1));
    }

    @Test
    void shouldKeepWhatTheLatestHeartbeatSaysWasWrittenInItsInterval() {
        final Cluster cluster = clusterOfThree();
        final RegionInfo r = region(1, "", "", 1, 1);
        cluster.regionHeartbeat(r.toBuilder().written(4_096, 32).build());
        assertEquals(4_096, cluster.regions().byId(1).writtenBytes());
        assertEquals(32, cluster.regions().byId(1).writtenKeys());
        cluster.regionHeartbeat(r.toBuilder().written(100, 1).build());
        assertEquals(100, cluster.regions().byId(1).writtenBytes(), "the last interval's, not a running sum");
        assertEquals(1, cluster.regions().byId(1).writtenKeys());
        cluster.regionHeartbeat(r.toBuilder().epoch(0, 1).written(9_999, 99).build());
        assertEquals(100, cluster.regions().byId(1).writtenBytes(), "a stale heartbeat changes nothing");
    }

    @Test
    void shouldKeepPerStoreCountsInStepWithTheRegions() {
        final Cluster cluster = clusterOfThree();
        cluster.regionHeartbeat(region(1, "", "m", 1, 1));
        cluster.regionHeartbeat(region(2, "m", "", 1, 1));
        assertEquals(2, cluster.regionCount(2));
        assertEquals(2, cluster.leaderCount(1));
        assertEquals(0, cluster.leaderCount(2));
        assertEquals(2L << 20, cluster.regionSizeBytes(3));
        assertEquals(RegionInfo.MIN_SCORE_SIZE_BYTES, RegionInfo.builder(9).build().scoreSizeBytes());
        // Region 2's leader moves to store 2 and its peer on store 3 moves to store 4.
        final RegionInfo r2 = cluster.regions().byId(2);
        final List<Peer> peers = List.of(r2.peers().get(0), r2.peers().get(1), Peer.voter(99, 4));
        cluster.regionHeartbeat(r2.toBuilder().epoch(2, 1).peers(peers).leader(peers.get(1)).build());
        assertEquals(1, cluster.leaderCount(1));
        assertEquals(1, cluster.leaderCount(2));
        assertEquals(1, cluster.regionCount(3));
        assertEquals(1, cluster.regionCount(4));
        // A merge drops region 2 (and its counts).
        cluster.regionHeartbeat(region(1, "", "", 1, 2));
        assertEquals(1, cluster.regionCount(1));
        assertEquals(0, cluster.regionCount(4));
        assertEquals(0, cluster.leaderCount(2));
    }

    @Test
    void shouldMarkASilentStoreDownAndBringItBackOnAHeartbeat() {
        final Cluster cluster = clusterOfThree();
        final StoreStats stats = new StoreStats(100, 50, 1, 1, 10, 1);
        assertEquals(Cluster.StoreHeartbeatOutcome.OK, cluster.storeHeartbeat(1, stats, 1_000));
        assertEquals(Cluster.StoreHeartbeatOutcome.OK, cluster.storeHeartbeat(2, stats, DOWN_MS - 1));
        assertEquals(List.of(1L, 3L), cluster.updateStoreStates(DOWN_MS + 1_000, DOWN_MS));
        assertEquals(StoreState.DOWN, cluster.store(1).state());
        assertEquals(StoreState.UP, cluster.store(2).state());
        assertTrue(cluster.updateStoreStates(DOWN_MS + 1_000, DOWN_MS).isEmpty(), "down once, not again");
        assertEquals(Cluster.StoreHeartbeatOutcome.BACK_UP, cluster.storeHeartbeat(1, stats, DOWN_MS + 2_000));
        assertEquals(StoreState.UP, cluster.store(1).state());
        assertSame(stats, cluster.store(1).stats());
        assertEquals(DOWN_MS + 2_000, cluster.store(1).lastHeartbeatMs());
    }

    @Test
    void shouldKeepADrainingStoreOfflineThroughSilence() {
        final Cluster cluster = clusterOfThree();
        assertTrue(cluster.setStoreState(2, StoreState.OFFLINE));
        assertEquals(List.of(1L, 3L), cluster.updateStoreStates(DOWN_MS, DOWN_MS));
        assertEquals(StoreState.OFFLINE, cluster.store(2).state());
        assertEquals(Cluster.StoreHeartbeatOutcome.OK, cluster.storeHeartbeat(2, StoreStats.EMPTY, DOWN_MS + 1));
        assertEquals(StoreState.OFFLINE, cluster.store(2).state());
    }

    @Test
    void shouldRefuseTombstonesAndUnknownStores() {
        final Cluster cluster = clusterOfThree();
        assertTrue(cluster.setStoreState(3, StoreState.TOMBSTONE));
        assertEquals(Cluster.StoreHeartbeatOutcome.TOMBSTONE, cluster.storeHeartbeat(3, StoreStats.EMPTY, 5));
        assertFalse(cluster.putStore(StoreInfo.register(3, "again", Map.of(), 5)), "a tombstone id is not reused");
        assertEquals(Cluster.StoreHeartbeatOutcome.UNKNOWN_STORE, cluster.storeHeartbeat(9, StoreStats.EMPTY, 5));
        assertFalse(cluster.setStoreState(3, StoreState.OFFLINE));
    }
}
