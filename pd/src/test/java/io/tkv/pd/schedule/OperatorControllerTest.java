package io.tkv.pd.schedule;

import io.tkv.pd.cluster.RegionInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class OperatorControllerTest {
    private final Fixture fx = new Fixture().stores(1, 2, 3, 4);

    private static Operator leader(final RegionInfo r, final long to) {
        return new Operator(r, OperatorKind.LEADER, "l", List.of(new OperatorStep.TransferLeader(1, to)), 10, 100, 0);
    }

    private static Operator addOn(final RegionInfo r, final OperatorKind kind, final long store, final long peer) {
        return new Operator(r, kind, "a", List.of(new OperatorStep.AddLearner(store, peer)), 10, 100, 0);
    }

    @Test
    void shouldKeepOneOperatorPerRegionUnlessARepairOutranksIt() {
        final OperatorController ops = new OperatorController(new ScheduleConfig());
        final RegionInfo r = fx.region(1, 2, 3);
        assertEquals(OperatorController.AddResult.ADDED, ops.add(leader(r, 2)));
        assertEquals(OperatorController.AddResult.REGION_BUSY, ops.add(leader(r, 3)));
        final Operator repair = addOn(r, OperatorKind.REPLICA, 4, 99);
        assertEquals(OperatorController.AddResult.REPLACED, ops.add(repair));
        assertSame(repair, ops.get(r.id()));
        assertEquals(1, ops.finishedCount(Operator.Status.REPLACED));
        assertEquals(0, ops.runningCount(OperatorKind.LEADER));
        assertEquals(OperatorController.AddResult.REGION_BUSY, ops.add(leader(r, 2)));
    }

    @Test
    void shouldEnforceKindAndStoreLimits() {
        final OperatorController ops = new OperatorController(new ScheduleConfig().leaderScheduleLimit(1)
            .storePeerOperatorLimit(2));
        final RegionInfo a = fx.region(1, 2, 3);
        final RegionInfo b = fx.region(1, 2, 3);
        final RegionInfo c = fx.region(1, 2, 3);
        assertEquals(OperatorController.AddResult.ADDED, ops.add(leader(a, 2)));
        assertEquals(OperatorController.AddResult.KIND_LIMIT, ops.add(leader(b, 2)));
        assertEquals(OperatorController.AddResult.ADDED, ops.add(addOn(b, OperatorKind.REGION, 4, 90)));
        assertEquals(OperatorController.AddResult.ADDED, ops.add(addOn(c, OperatorKind.REPLICA, 4, 91)));
        final RegionInfo d = fx.region(1, 2, 3);
        assertEquals(OperatorController.AddResult.STORE_LIMIT, ops.add(addOn(d, OperatorKind.REGION, 4, 92)));
    }

    @Test
    void shouldNotLimitPeerRemovalsFromAStoreThatIsGone() {
        final OperatorController ops = new OperatorController(new ScheduleConfig().storePeerOperatorLimit(1),
            storeId -> storeId != 3);
        for (int i = 0; i < 3; i++) {
            final RegionInfo r = fx.region(1, 2, 3);
            final Operator repair = new Operator(r, OperatorKind.REPLICA, "r", List.of(
                new OperatorStep.AddLearner(4 + i, 100 + i), new OperatorStep.RemovePeer(3)), 10, 100, 0);
            assertEquals(OperatorController.AddResult.ADDED, ops.add(repair), "store 3 is gone: no limit");
        }
    }

    @Test
    void shouldAnswerHeartbeatsWithTheCurrentStepAndRetireFinishedOperators() {
        final OperatorController ops = new OperatorController(new ScheduleConfig());
        final RegionInfo r = fx.region(1, 2, 3);
        ops.add(leader(r, 2));
        assertEquals(new OperatorStep.TransferLeader(1, 2), ops.dispatch(r, 1));
        assertEquals(new OperatorStep.TransferLeader(1, 2), ops.dispatch(r, 2), "asked again until it shows");
        final RegionInfo moved = r.toBuilder().leader(r.peers().get(1)).build();
        assertNull(ops.dispatch(moved, 3));
        assertNull(ops.get(r.id()));
        assertEquals(1, ops.finishedCount(Operator.Status.SUCCESS));
    }

    @Test
    void shouldRetireTimedOutOperatorsOfSilentRegions() {
        final OperatorController ops = new OperatorController(new ScheduleConfig());
        final RegionInfo r = fx.region(1, 2, 3);
        ops.add(leader(r, 2));
        ops.checkTimeouts(10);
        assertEquals(1, ops.running().size());
        ops.checkTimeouts(11);
        assertEquals(0, ops.running().size());
        assertEquals(1, ops.finishedCount(Operator.Status.TIMEOUT));
    }

    @Test
    void shouldCountTheInfluenceOfStepsNotYetDone() {
        final OperatorController ops = new OperatorController(new ScheduleConfig());
        final RegionInfo r = fx.region(1, 2, 3);
        ops.add(new Operator(r, OperatorKind.REGION, "m", List.of(new OperatorStep.AddLearner(4, 7),
            new OperatorStep.PromoteLearner(4, 7), new OperatorStep.TransferLeader(1, 4),
            new OperatorStep.RemovePeer(1)), 10, 100, 0));
        final OperatorInfluence influence = ops.influence();
        assertEquals(1, influence.regions(4));
        assertEquals(-1, influence.regions(1));
        assertEquals(1, influence.leaders(4));
        assertEquals(-1, influence.leaders(1));
        assertEquals(RegionInfo.MIN_SCORE_SIZE_BYTES, influence.sizeBytes(4));
    }
}
