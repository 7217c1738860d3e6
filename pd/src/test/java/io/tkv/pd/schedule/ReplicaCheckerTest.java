package io.tkv.pd.schedule;

import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import io.tkv.pd.cluster.StoreState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tkv.pd.schedule.Fixture.zoneHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ReplicaCheckerTest {
    private static final long DOWN_MS = 1_000;
    private final ReplicaChecker checker = new ReplicaChecker();

    private static ScheduleConfig config() {
        return new ScheduleConfig().maxStoreDownTimeMs(DOWN_MS);
    }

    private Operator check(final Fixture fx, final ScheduleConfig config, final RegionInfo r, final long nowMs) {
        return checker.check(r, fx.context(config, new OperatorController(config), nowMs));
    }

    @Test
    void shouldLeaveAHealthyRegionAlone() {
        final Fixture fx = new Fixture().stores(1, 2, 3, 4);
        assertNull(check(fx, config(), fx.region(1, 2, 3), 0));
    }

    @Test
    void shouldReplaceAPeerOnAStoreDownPastMaxStoreDownTime() {
        final Fixture fx = new Fixture().stores(1, 2, 3, 4, 5);
        final RegionInfo r = fx.region(1, 2, 3);
        fx.region(4, 1, 2);
        fx.heartbeatAll(DOWN_MS);
        fx.cluster.storeHeartbeat(1, io.tkv.pd.cluster.StoreStats.EMPTY, 2 * DOWN_MS);
        fx.cluster.storeHeartbeat(2, io.tkv.pd.cluster.StoreStats.EMPTY, 2 * DOWN_MS);
        fx.cluster.storeHeartbeat(4, io.tkv.pd.cluster.StoreStats.EMPTY, 2 * DOWN_MS);
        fx.cluster.storeHeartbeat(5, io.tkv.pd.cluster.StoreStats.EMPTY, 2 * DOWN_MS);
        // Store 3 has been silent for less than maxStoreDownTime: nothing yet.
        fx.cluster.updateStoreStates(2 * DOWN_MS - 1, DOWN_MS);
        assertNull(check(fx, config(), r, 2 * DOWN_MS - 1));
        fx.cluster.updateStoreStates(2 * DOWN_MS, DOWN_MS);
        assertEquals(StoreState.DOWN, fx.cluster.store(3).state());
        final Operator op = check(fx, config(), r, 2 * DOWN_MS);
        assertEquals(OperatorKind.REPLICA, op.kind());
        // Store 5 (empty) rather than store 4 (which holds a region): the least loaded target.
        final OperatorStep.AddLearner add = (OperatorStep.AddLearner) op.steps().get(0);
        assertEquals(5, add.storeId());
        assertEquals(List.of(add, new OperatorStep.PromoteLearner(5, add.peerId()), new OperatorStep.RemovePeer(3)),
            op.steps());
    }

    @Test
    void shouldDrainAnOfflineStoreMovingItsLeaderFirst() {
        final Fixture fx = new Fixture().stores(1, 2, 3, 4);
        final RegionInfo r = fx.region(3, 1, 2);
        fx.cluster.setStoreState(3, StoreState.OFFLINE);
        final Operator op = check(fx, config(), r, 0);
        final OperatorStep.AddLearner add = (OperatorStep.AddLearner) op.steps().get(0);
        assertEquals(List.of(new OperatorStep.AddLearner(4, add.peerId()), new OperatorStep.PromoteLearner(4,
            add.peerId()), new OperatorStep.TransferLeader(3, 4), new OperatorStep.RemovePeer(3)), op.steps());
    }

    @Test
    void shouldAddMissingAndRemoveExtraReplicas() {
        final Fixture fx = new Fixture().stores(1, 2, 3, 4);
        final Operator add = check(fx, config(), fx.region(1, 2), 0);
        assertEquals(3, ((OperatorStep.AddLearner) add.steps().get(0)).storeId());
        assertEquals(2, add.steps().size());
        // Four voters: one goes; the leader (store 1) is not removed without a transfer first.
        final Operator remove = check(fx, config(), fx.region(1, 2, 3, 4), 0);
        assertEquals(1, remove.steps().size());
        // The worst voter is the one on the busier store; here that is the leader's.
        final Fixture two = new Fixture().stores(1, 2);
        two.region(2);
        final Operator removeLeader = check(two, config().maxReplicas(1), two.region(2, 1), 0);
        assertEquals(List.of(new OperatorStep.TransferLeader(2, 1), new OperatorStep.RemovePeer(2)),
            removeLeader.steps());
    }

    @Test
    void shouldRemoveAnOrphanLearner() {
        final Fixture fx = new Fixture().stores(1, 2, 3, 4);
        final RegionInfo r = fx.region(1, 2, 3);
        final List<Peer> peers = new java.util.ArrayList<>(r.peers());
        peers.add(Peer.learner(fx.peerId(), 4));
        final RegionInfo withLearner = r.toBuilder().epoch(2, 1).peers(peers).build();
        assertEquals(List.of(new OperatorStep.RemovePeer(4)), check(fx, config(), withLearner, 0).steps());
    }

    @Test
    void shouldPutReplicasInDistinctZonesWhenTheLabelsAllow() {
        final Fixture fx = new Fixture().store(1, zoneHost("z1", "h1")).store(2, zoneHost("z1", "h2"))
            .store(3, zoneHost("z2", "h3")).store(4, zoneHost("z2", "h4")).store(5, zoneHost("z3", "h5"));
        final ScheduleConfig config = config().locationLabels(List.of("zone", "host"));
        // Two replicas in z1 (stores 1 and 2): one moves to z3, the only zone without a replica.
        final Operator op = check(fx, config, fx.region(1, 2, 3), 0);
        assertEquals(5, ((OperatorStep.AddLearner) op.steps().get(0)).storeId());
        assertEquals(new OperatorStep.RemovePeer(2), op.steps().get(op.steps().size() - 1));
        // Already one per zone: nothing to improve.
        assertNull(check(fx, config().locationLabels(List.of("zone", "host")), fx.region(1, 3, 5), 0));
        // A missing replica goes to the zone that has none, even though z1's store 2 is emptier.
        final Operator add = check(fx, config().locationLabels(List.of("zone", "host")), fx.region(1, 3), 0);
        assertEquals(5, ((OperatorStep.AddLearner) add.steps().get(0)).storeId());
    }

    @Test
    void shouldNotMoveWhenTheLabelsDoNotAllowBetter() {
        // Two zones for three replicas: two must share one; a move within the zone improves nothing.
        final Fixture fx = new Fixture().store(1, zoneHost("z1", "h1")).store(2, zoneHost("z1", "h2"))
            .store(3, zoneHost("z2", "h3")).store(4, zoneHost("z1", "h4"));
        assertNull(check(fx, config().locationLabels(List.of("zone", "host")), fx.region(1, 2, 3), 0));
    }
}
