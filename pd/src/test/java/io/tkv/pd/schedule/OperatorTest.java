package io.tkv.pd.schedule;

import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class OperatorTest {
    private final Fixture fx = new Fixture().stores(1, 2, 3, 4);

    private static RegionInfo withPeers(final RegionInfo r, final List<Peer> peers, final Peer leader) {
        return r.toBuilder().epoch(r.epoch().nextConfVer()).peers(peers).leader(leader).build();
    }

    private static Operator move(final RegionInfo r, final long peerId) {
        return new Operator(r, OperatorKind.REGION, "move", List.of(new OperatorStep.AddLearner(4, peerId),
            new OperatorStep.PromoteLearner(4, peerId), new OperatorStep.TransferLeader(1, 4),
            new OperatorStep.RemovePeer(1)), 10, 100, 0);
    }

    @Test
    void shouldAdvanceOnlyOnWhatTheRegionShows() {
        final RegionInfo r = fx.region(1, 2, 3);
        final Operator op = move(r, 77);
        assertEquals(new OperatorStep.AddLearner(4, 77), op.check(r, 1));
        final List<Peer> peers = new ArrayList<>(r.peers());
        peers.add(Peer.learner(77, 4));
        final RegionInfo pending = withPeers(r, peers, r.leader()).toBuilder()
            .pendingPeers(List.of(Peer.learner(77, 4))).build();
        assertEquals(new OperatorStep.AddLearner(4, 77), op.check(pending, 2), "still catching up");
        final RegionInfo learnerReady = pending.toBuilder().pendingPeers(List.of()).build();
        assertEquals(new OperatorStep.PromoteLearner(4, 77), op.check(learnerReady, 3));
        peers.set(3, Peer.voter(77, 4));
        final RegionInfo promoted = withPeers(learnerReady, peers, r.leader());
        assertEquals(new OperatorStep.TransferLeader(1, 4), op.check(promoted, 4));
        final RegionInfo moved = withPeers(promoted, peers, peers.get(3));
        assertEquals(new OperatorStep.RemovePeer(1), op.check(moved, 5));
        final RegionInfo removed = withPeers(moved, peers.subList(1, 4), peers.get(3));
        assertNull(op.check(removed, 6));
        assertEquals(Operator.Status.SUCCESS, op.status());
    }

    @Test
    void shouldTimeOutAStepThatDoesNotHappen() {
        final RegionInfo r = fx.region(1, 2, 3);
        final Operator op = new Operator(r, OperatorKind.LEADER, "t", List.of(new OperatorStep.TransferLeader(1, 2)),
            10, 100, 0);
        assertEquals(new OperatorStep.TransferLeader(1, 2), op.check(r, 10));
        assertNull(op.check(r, 11));
        assertEquals(Operator.Status.TIMEOUT, op.status());
    }

    @Test
    void shouldCancelWhenTheRegionChangedUnderIt() {
        final RegionInfo r = fx.region(1, 2, 3);
        final Operator op = move(r, 77);
        // Another peer appeared on store 4 with a different id: this operator's learner can never be there.
        final List<Peer> peers = new ArrayList<>(r.peers());
        peers.add(Peer.learner(55, 4));
        assertNull(op.check(withPeers(r, peers, r.leader()), 1));
        assertEquals(Operator.Status.CANCELED, op.status());
    }
}
