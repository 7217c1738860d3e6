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

    @Test
    void shouldReplaceABalanceOperatorWithTheRepairOfARegionWithAPeerOnADownStore() {
        final long downMs = 1_000;
        final Fixture fx = new Fixture().stores(1, 2, 3, 4);
        final RegionInfo r = fx.region(3, 1, 2);
        final Coordinator coordinator = new Coordinator(fx.cluster, new ScheduleConfig().maxStoreDownTimeMs(downMs),
            fx::peerId);
        coordinator.setEnabled(SchedulerType.BALANCE_LEADER, false);
        coordinator.setEnabled(SchedulerType.BALANCE_REGION, false);
        // A leader transfer to store 1 planned just before store 1 died; its step would time out only after a minute.
        final Operator balance = new Operator(r, OperatorKind.LEADER, "balance-leader", List.of(
            new OperatorStep.TransferLeader(3, 1)), 60_000, 60_000, 0);
        assertEquals(OperatorController.AddResult.ADDED, coordinator.operators().add(balance));
        fx.heartbeatAll(0);
        for (final long store : new long[] {2, 3, 4}) {
            fx.cluster.storeHeartbeat(store, io.tkv.pd.cluster.StoreStats.EMPTY, downMs);
        }
        assertTrue(coordinator.schedule(downMs - 1).isEmpty(), "store 1 is not down yet: the balance runs on");
        assertEquals(balance, coordinator.operators().get(r.id()));

        final List<Operator> added = coordinator.schedule(downMs);
        assertEquals(1, added.size(), String.valueOf(added));
        final Operator repair = added.get(0);
        assertEquals(OperatorKind.REPLICA, repair.kind());
        assertEquals(Operator.Status.REPLACED, balance.status());
        assertEquals(repair, coordinator.operators().get(r.id()));
        final OperatorStep.AddLearner add = (OperatorStep.AddLearner) repair.steps().get(0);
        assertEquals(4, add.storeId(), "the only live store without a peer of the region");
        assertEquals(new OperatorStep.RemovePeer(1), repair.steps().get(repair.steps().size() - 1));

        // Once the repair runs, a healthy region's balance operators do not preempt it, nor does the checker again.
        assertTrue(coordinator.schedule(downMs + 1).isEmpty());
        assertEquals(repair, coordinator.operators().get(r.id()));
    }

    @Test
    void shouldLeaveABalanceOperatorOfAHealthyRegionToFinish() {
        final Fixture fx = new Fixture().stores(1, 2, 3, 4);
        final RegionInfo r = fx.region(1, 2, 3);
        final Coordinator coordinator = new Coordinator(fx.cluster, new ScheduleConfig(), fx::peerId);
        coordinator.setEnabled(SchedulerType.BALANCE_LEADER, false);
        coordinator.setEnabled(SchedulerType.BALANCE_REGION, false);
        // Half-way through a move: the learner on store 4 is the balance operator's, not an orphan to remove.
        final Operator move = new Operator(r, OperatorKind.REGION, "balance-region", List.of(
            new OperatorStep.AddLearner(4, 99), new OperatorStep.PromoteLearner(4, 99),
            new OperatorStep.RemovePeer(3)), 60_000, 60_000, 0);
        assertEquals(OperatorController.AddResult.ADDED, coordinator.operators().add(move));
        final List<io.tkv.pd.cluster.Peer> peers = new java.util.ArrayList<>(r.peers());
        peers.add(io.tkv.pd.cluster.Peer.learner(99, 4));
        coordinator.regionHeartbeat(r.toBuilder().peers(peers).epoch(r.epoch().confVer() + 1, r.epoch().version())
            .build(), 1);
        fx.heartbeatAll(1);
        assertTrue(coordinator.schedule(2).isEmpty());
        assertEquals(move, coordinator.operators().get(r.id()));
        assertEquals(Operator.Status.RUNNING, move.status());
    }
}
