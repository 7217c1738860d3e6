package io.tkv.pd.schedule;

import io.tkv.pd.cluster.RegionInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tkv.pd.schedule.Fixture.zoneHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BalanceSchedulerTest {
    private final BalanceLeaderScheduler leaders = new BalanceLeaderScheduler();
    private final BalanceRegionScheduler regions = new BalanceRegionScheduler();

    @Test
    void shouldMoveALeaderFromTheStoreWithMostToAFollowerWithFewest() {
        final Fixture fx = new Fixture().stores(1, 2, 3);
        for (int i = 0; i < 6; i++) {
            fx.region(1, 2, 3);
        }
        final ScheduleConfig config = new ScheduleConfig();
        final Operator op = leaders.schedule(fx.context(config, new OperatorController(config), 0));
        assertEquals(List.of(new OperatorStep.TransferLeader(1, 2)), op.steps());
    }

    @Test
    void shouldCountRunningOperatorsAndStopWithinTolerance() {
        final Fixture fx = new Fixture().stores(1, 2, 3);
        for (int i = 0; i < 6; i++) {
            fx.region(1, 2, 3);
        }
        final ScheduleConfig config = new ScheduleConfig();
        final OperatorController ops = new OperatorController(config);
        int moves = 0;
        Operator op;
        while ((op = leaders.schedule(fx.context(config, ops, 0))) != null) {
            assertEquals(OperatorController.AddResult.ADDED, ops.add(op));
            moves++;
        }
        // 6 leaders on store 1 become 2/2/2 once the four transfers finish; no fifth is planned.
        assertEquals(4, moves);
        final OperatorInfluence influence = ops.influence();
        assertEquals(-4, influence.leaders(1));
        assertEquals(2, influence.leaders(2));
        assertEquals(2, influence.leaders(3));
    }

    @Test
    void shouldNotMoveLeadersOneApart() {
        final Fixture fx = new Fixture().stores(1, 2, 3);
        fx.region(1, 2, 3);
        fx.region(1, 2, 3);
        fx.region(2, 1, 3);
        fx.region(3, 1, 2);
        // 2/1/1: a transfer would only make it 1/2/1.
        final ScheduleConfig config = new ScheduleConfig();
        assertNull(leaders.schedule(fx.context(config, new OperatorController(config), 0)));
    }

    @Test
    void shouldMoveRegionsToANewStoreAndStopWhenBalanced() {
        final Fixture fx = new Fixture().stores(1, 2, 3);
        for (int i = 0; i < 12; i++) {
            fx.region(1 + i % 3, 1 + (i + 1) % 3, 1 + (i + 2) % 3);
        }
        fx.stores(4);
        final ScheduleConfig config = new ScheduleConfig();
        final OperatorController ops = new OperatorController(config.regionScheduleLimit(100)
            .storePeerOperatorLimit(100));
        int moves = 0;
        Operator op;
        while ((op = regions.schedule(fx.context(config, ops, 0))) != null) {
            assertEquals(OperatorController.AddResult.ADDED, ops.add(op));
            final OperatorStep.AddLearner add = (OperatorStep.AddLearner) op.steps().get(0);
            assertEquals(4, add.storeId(), "every move goes to the new store");
            moves++;
        }
        // 36 peers on 3 stores: 9 each once 9 move to store 4.
        assertEquals(9, moves);
        assertEquals(9 * RegionInfo.MIN_SCORE_SIZE_BYTES, ops.influence().sizeBytes(4));
    }

    @Test
    void shouldNotMoveARegionToAWorseIsolatedStore() {
        final Fixture fx = new Fixture().store(1, zoneHost("z1", "h1")).store(2, zoneHost("z2", "h2"))
            .store(3, zoneHost("z3", "h3")).store(4, zoneHost("z1", "h4"));
        for (int i = 0; i < 6; i++) {
            fx.region(1, 2, 3);
        }
        final ScheduleConfig config = new ScheduleConfig().locationLabels(List.of("zone", "host"));
        final OperatorController ops = new OperatorController(config);
        Operator op;
        while ((op = regions.schedule(fx.context(config, ops, 0))) != null) {
            ops.add(op);
            // Only store 1's peers may move to store 4: both are in z1, so isolation stays the same.
            assertTrue(op.steps().contains(new OperatorStep.RemovePeer(1)), op.toString());
        }
        // Store 1 gives while it is a giver (at least half a region above the 4.5 MiB average): 6 → 5 → 4.
        assertEquals(2, ops.running().size());
    }
}
