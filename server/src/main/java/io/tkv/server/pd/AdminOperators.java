package io.tkv.server.pd;

import io.tkv.codec.OperatorKind;
import io.tkv.pd.cluster.Cluster;
import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import io.tkv.pd.cluster.StoreInfo;
import io.tkv.pd.id.IdAllocator;
import io.tkv.pd.schedule.OperatorStep;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Plans the steps of an operator an admin asks for (AddOperator), against the region as PD knows it:
 * <ul>
 *   <li>ADD_LEARNER on a store: a learner with a fresh peer id (the store is UP and has no peer of the region);</li>
 *   <li>ADD_VOTER on a store: its learner promoted, or a new learner added and then promoted;</li>
 *   <li>REMOVE_PEER on a store: its peer removed (not the leader's: transfer the leadership first; not the last
 *       voter);</li>
 *   <li>TRANSFER_LEADER to a store: to its voter (not the leader already);</li>
 *   <li>SPLIT: the region's leader picks the key and asks for ids (AskSplit); done once its version moves.</li>
 * </ul>
 * Anything else is refused with the reason. Pure: the ids come from the caller.
 */
final class AdminOperators {
    /**
     * @param steps    the steps, when planned.
     * @param refusal  why not, or null.
     * @param idsShort whether the refusal is only that no id is durable now (ask again shortly).
     */
    record Plan(List<OperatorStep> steps, String refusal, boolean idsShort) {
        static Plan of(final OperatorStep... steps) {
            return new Plan(List.of(steps), null, false);
        }

        static Plan refused(final String why) {
            return new Plan(List.of(), why, false);
        }
    }

    private AdminOperators() {
    }

    /**
     * @param region  the region as PD knows it.
     * @param kind    what the admin asks.
     * @param storeId the store it names.
     * @param cluster the registry (the store's state).
     * @param peerIds fresh peer ids ({@link IdAllocator#NONE}: none now).
     * @return the plan or the refusal.
     */
    static Plan plan(final RegionInfo region, final OperatorKind kind, final long storeId, final Cluster cluster,
        final LongSupplier peerIds) {
        final Peer peer = region.peerOnStore(storeId);
        switch (kind) {
            case SPLIT -> {
                return Plan.of(new OperatorStep.SplitRegion(region.epoch().version()));
            }
            case TRANSFER_LEADER -> {
                if (peer == null || !peer.isVoter()) {
                    return Plan.refused("the region has no voter on store " + storeId);
                }
                if (region.leader() == null) {
                    return Plan.refused("the region reported no leader");
                }
                if (region.leaderOn(storeId)) {
                    return Plan.refused("store " + storeId + " leads it already");
                }
                return Plan.of(new OperatorStep.TransferLeader(region.leader().storeId(), storeId));
            }
            case REMOVE_PEER -> {
                if (peer == null) {
                    return Plan.refused("the region has no peer on store " + storeId);
                }
                if (region.leaderOn(storeId)) {
                    return Plan.refused("that is the leader's peer: transfer the leadership away first");
                }
                if (peer.isVoter() && region.voters().size() == 1) {
                    return Plan.refused("that is the region's last voter");
                }
                return Plan.of(new OperatorStep.RemovePeer(storeId));
            }
            case ADD_LEARNER, ADD_VOTER -> {
                return addPeer(region, kind, storeId, peer, cluster, peerIds);
            }
            default -> {
                return Plan.refused("no such operator kind");
            }
        }
    }

    private static Plan addPeer(final RegionInfo region, final OperatorKind kind, final long storeId,
        final Peer peer, final Cluster cluster, final LongSupplier peerIds) {
        if (peer != null && (kind == OperatorKind.ADD_LEARNER || peer.isVoter())) {
            return Plan.refused("the region has a " + (peer.isVoter() ? "voter" : "learner") + " on store " + storeId
                + " already");
        }
        if (peer != null) {
            return Plan.of(new OperatorStep.PromoteLearner(storeId, peer.peerId()));
        }
        final StoreInfo store = cluster.store(storeId);
        if (store == null || !store.acceptsPeers()) {
            return Plan.refused("store " + storeId + (store == null ? " is not registered" : " is " + store.state())
                + ": no new peers there");
        }
        final long peerId = peerIds.getAsLong();
        if (peerId == IdAllocator.NONE) {
            return new Plan(List.of(), "PD's id range is being renewed: ask again shortly", true);
        }
        return kind == OperatorKind.ADD_LEARNER ? Plan.of(new OperatorStep.AddLearner(storeId, peerId))
            : Plan.of(new OperatorStep.AddLearner(storeId, peerId), new OperatorStep.PromoteLearner(storeId, peerId));
    }
}
