package io.tkv.server.pd;

import io.tkv.codec.OperatorKind;
import io.tkv.pd.cluster.Cluster;
import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import io.tkv.pd.cluster.StoreInfo;
import io.tkv.pd.cluster.StoreState;
import io.tkv.pd.cluster.StoreStats;
import io.tkv.pd.id.IdAllocator;
import io.tkv.pd.schedule.OperatorStep;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminOperatorsTest {
    private static final LongSupplier IDS = () -> 500;

    private final Cluster cluster = new Cluster();
    /** Voters on stores 1 (leader) and 2, a learner on 3; stores 4 (UP) and 5 (DOWN) hold nothing. */
    private final RegionInfo region = RegionInfo.builder(9).epoch(2, 3)
        .peers(List.of(Peer.voter(91, 1), Peer.voter(92, 2), Peer.learner(93, 3))).leader(Peer.voter(91, 1)).build();

    AdminOperatorsTest() {
        for (long id = 1; id <= 5; id++) {
            cluster.putStore(StoreInfo.register(id, "127.0.0.1:" + (20160 + id), Map.of(), 0));
        }
        for (long id = 1; id <= 4; id++) {
            cluster.storeHeartbeat(id, StoreStats.EMPTY, 10);
        }
        cluster.updateStoreStates(10, 5);
        assertEquals(StoreState.DOWN, cluster.store(5).state());
    }

    @Test
    void shouldPlanWhatMakesSense() {
        assertEquals(List.of(new OperatorStep.AddLearner(4, 500)), steps(OperatorKind.ADD_LEARNER, 4));
        assertEquals(List.of(new OperatorStep.AddLearner(4, 500), new OperatorStep.PromoteLearner(4, 500)),
            steps(OperatorKind.ADD_VOTER, 4));
        assertEquals(List.of(new OperatorStep.PromoteLearner(3, 93)), steps(OperatorKind.ADD_VOTER, 3));
        assertEquals(List.of(new OperatorStep.RemovePeer(2)), steps(OperatorKind.REMOVE_PEER, 2));
        assertEquals(List.of(new OperatorStep.RemovePeer(3)), steps(OperatorKind.REMOVE_PEER, 3));
        assertEquals(List.of(new OperatorStep.TransferLeader(1, 2)), steps(OperatorKind.TRANSFER_LEADER, 2));
        assertEquals(List.of(new OperatorStep.SplitRegion(3)), steps(OperatorKind.SPLIT, 0));
    }

    @Test
    void shouldRefuseWhatMakesNoSenseWithTheReason() {
        refused(OperatorKind.ADD_LEARNER, 2, "voter on store 2");
        refused(OperatorKind.ADD_LEARNER, 3, "learner on store 3");
        refused(OperatorKind.ADD_VOTER, 1, "voter on store 1");
        refused(OperatorKind.ADD_LEARNER, 5, "DOWN");
        refused(OperatorKind.ADD_VOTER, 6, "not registered");
        refused(OperatorKind.REMOVE_PEER, 1, "leader");
        refused(OperatorKind.REMOVE_PEER, 4, "no peer on store 4");
        refused(OperatorKind.TRANSFER_LEADER, 3, "no voter on store 3");
        refused(OperatorKind.TRANSFER_LEADER, 1, "leads it already");
        refused(OperatorKind.NONE, 1, "no such operator kind");
        refused(OperatorKind.NULL_VAL, 1, "no such operator kind");
        final RegionInfo lone = RegionInfo.builder(8).peers(List.of(Peer.voter(81, 1), Peer.voter(82, 2)))
            .leader(Peer.voter(81, 1)).build();
        assertEquals(List.of(new OperatorStep.RemovePeer(2)),
            AdminOperators.plan(lone, OperatorKind.REMOVE_PEER, 2, cluster, IDS).steps());
        final AdminOperators.Plan noIds = AdminOperators.plan(region, OperatorKind.ADD_LEARNER, 4, cluster,
            () -> IdAllocator.NONE);
        assertTrue(noIds.idsShort(), noIds.toString());
    }

    private List<OperatorStep> steps(final OperatorKind kind, final long storeId) {
        final AdminOperators.Plan plan = AdminOperators.plan(region, kind, storeId, cluster, IDS);
        assertNull(plan.refusal());
        return plan.steps();
    }

    private void refused(final OperatorKind kind, final long storeId, final String reason) {
        final AdminOperators.Plan plan = AdminOperators.plan(region, kind, storeId, cluster, IDS);
        assertTrue(plan.refusal() != null && plan.refusal().contains(reason), kind + " " + storeId + ": " + plan);
        assertFalse(plan.idsShort());
        assertTrue(plan.steps().isEmpty());
    }
}
