package io.tkv.pd.schedule;

import io.tkv.pd.cluster.RegionHeartbeatResult;
import io.tkv.pd.cluster.RegionInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoordinatorTest {
    @Test
    void shouldRunOnlyEnabledSchedulersAndAnswerHeartbeatsWithSteps() {
        final Fixture fx = new Fixture().stores(1, 2, 3);
        for (int i = 0; i < 6; i++) {
            fx.region(1, 2, 3);
        }
        final Coordinator coordinator = new Coordinator(fx.cluster, new ScheduleConfig(), fx::peerId);
        coordinator.setEnabled(SchedulerType.BALANCE_LEADER, false);
        assertTrue(coordinator.schedule(0).isEmpty());
        coordinator.setEnabled(SchedulerType.BALANCE_LEADER, true);
        assertEquals(4, coordinator.schedule(0).size());
        final RegionInfo first = fx.cluster.regions().all().iterator().next();
        final OperatorStep step = coordinator.onRegionHeartbeat(first, 1);
        assertTrue(step instanceof OperatorStep.TransferLeader, String.valueOf(step));
    }

    @Test
    void shouldNotAnswerAStaleHeartbeat() {
        final Fixture fx = new Fixture().stores(1, 2, 3);
        final RegionInfo r = fx.region(1, 2, 3);
        final Coordinator coordinator = new Coordinator(fx.cluster, new ScheduleConfig(), fx::peerId);
        coordinator.onRegionHeartbeat(r.toBuilder().epoch(5, 5).build(), 0);
        assertNull(coordinator.onRegionHeartbeat(r, 1));
        assertEquals(5, fx.cluster.regions().byId(r.id()).epoch().confVer());
    }

    @Test
    void shouldTellAStaleHeartbeatFromOneWithNothingToDo() {
        final Fixture fx = new Fixture().stores(1, 2, 3);
        final RegionInfo r = fx.region(1, 2, 3);
        final Coordinator coordinator = new Coordinator(fx.cluster, new ScheduleConfig(), fx::peerId);
        final Coordinator.HeartbeatAnswer idle = coordinator.regionHeartbeat(r, 0);
        assertTrue(idle.result().accepted());
        assertNull(idle.step());
        assertNull(idle.operator());
        coordinator.regionHeartbeat(r.toBuilder().epoch(5, 5).build(), 0);
        final Coordinator.HeartbeatAnswer stale = coordinator.regionHeartbeat(r, 1);
        assertEquals(RegionHeartbeatResult.Outcome.STALE, stale.result().outcome());
        assertEquals(5, stale.result().known().epoch().version(), "the newer region it lost against");
        assertNull(stale.step());
    }

    @Test
    void shouldRunAnAdminSplitAboveARunningBalanceUntilTheVersionMoves() {
        final Fixture fx = new Fixture().stores(1, 2, 3);
        final RegionInfo r = fx.region(1, 2, 3);
        final Coordinator coordinator = new Coordinator(fx.cluster, new ScheduleConfig(), fx::peerId);
        final Operator balance = new Operator(r, OperatorKind.LEADER, "balance", List.of(
            new OperatorStep.TransferLeader(1, 2)), 1000, 1000, 0);
        assertEquals(OperatorController.AddResult.ADDED, coordinator.operators().add(balance));
        final Operator split = new Operator(r, OperatorKind.ADMIN, "admin-split", List.of(
            new OperatorStep.SplitRegion(r.epoch().version())), 1000, 1000, 0);
        assertEquals(OperatorController.AddResult.REPLACED, coordinator.operators().add(split));
        assertEquals(Operator.Status.REPLACED, balance.status());
        final Coordinator.HeartbeatAnswer asked = coordinator.regionHeartbeat(r, 1);
        assertTrue(asked.step() instanceof OperatorStep.SplitRegion, String.valueOf(asked.step()));
        assertEquals(split, asked.operator());
        final Coordinator.HeartbeatAnswer done = coordinator.regionHeartbeat(r.toBuilder()
            .epoch(r.epoch().nextVersion()).build(), 2);
        assertNull(done.step());
        assertEquals(Operator.Status.SUCCESS, split.status());
        assertNull(coordinator.operators().get(r.id()));
    }
}
