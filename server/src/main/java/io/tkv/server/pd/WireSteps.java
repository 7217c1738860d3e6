package io.tkv.server.pd;

import io.tkv.codec.OperatorKind;
import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import io.tkv.pd.schedule.OperatorStep;

/**
 * How the {@code pd} module's operator steps go on the wire (RegionHeartbeatResponse, GetOperators): TransferLeader
 * is TRANSFER_LEADER to a store (with the peer there), AddLearner ADD_LEARNER, PromoteLearner ADD_VOTER (promote),
 * RemovePeer REMOVE_PEER (with the peer PD knows on that store), SplitRegion SPLIT (on the leader's store).
 *
 * @param kind    the wire kind.
 * @param peerId  the peer it acts on (0 when not known).
 * @param storeId the store it acts on.
 */
record WireSteps(OperatorKind kind, long peerId, long storeId) {
    /** Nothing to do. */
    static final WireSteps NONE = new WireSteps(OperatorKind.NONE, 0, 0);

    /**
     * @param step   a step.
     * @param region the region as PD knows it (null: unknown, peer ids then 0 where the step does not name one).
     * @return the step on the wire.
     */
    static WireSteps of(final OperatorStep step, final RegionInfo region) {
        if (step instanceof OperatorStep.TransferLeader t) {
            return new WireSteps(OperatorKind.TRANSFER_LEADER, peerIdOn(region, t.toStore()), t.toStore());
        } else if (step instanceof OperatorStep.AddLearner a) {
            return new WireSteps(OperatorKind.ADD_LEARNER, a.peerId(), a.storeId());
        } else if (step instanceof OperatorStep.PromoteLearner p) {
            return new WireSteps(OperatorKind.ADD_VOTER, p.peerId(), p.storeId());
        } else if (step instanceof OperatorStep.RemovePeer r) {
            return new WireSteps(OperatorKind.REMOVE_PEER, peerIdOn(region, r.storeId()), r.storeId());
        } else if (step instanceof OperatorStep.SplitRegion) {
            return new WireSteps(OperatorKind.SPLIT, 0,
                region == null || region.leader() == null ? 0 : region.leader().storeId());
        }
        throw new IllegalArgumentException("no wire form for " + step);
    }

    private static long peerIdOn(final RegionInfo region, final long storeId) {
        final Peer peer = region == null ? null : region.peerOnStore(storeId);
        return peer == null ? 0 : peer.peerId();
    }
}
