package io.tkv.pd.schedule;

import io.tkv.pd.cluster.RegionInfo;

import java.util.ArrayList;
import java.util.List;

/** The steps of moving a region's peer from one store to another, shared by the replica checker and balancing. */
final class Moves {
    private Moves() {
    }

    /**
     * Adds a voter on {@code target} (a learner first, promoted once caught up) and, if {@code leavingStore} is not
     * 0, then removes the peer there, moving the leader to the new peer first if it was there (a leader never
     * removes itself).
     *
     * @return the operator, or null if no peer id can be had now.
     */
    static Operator movePeer(final RegionInfo region, final long target, final long leavingStore,
        final OperatorKind kind, final String description, final ScheduleContext ctx) {
        final long peerId = ctx.newPeerId();
        if (peerId == 0) {
            return null;
        }
        final List<OperatorStep> steps = new ArrayList<>(4);
        steps.add(new OperatorStep.AddLearner(target, peerId));
        steps.add(new OperatorStep.PromoteLearner(target, peerId));
        if (leavingStore != 0) {
            if (region.leaderOn(leavingStore)) {
                steps.add(new OperatorStep.TransferLeader(leavingStore, target));
            }
            steps.add(new OperatorStep.RemovePeer(leavingStore));
        }
        return ctx.newOperator(region, kind, description, steps);
    }
}
