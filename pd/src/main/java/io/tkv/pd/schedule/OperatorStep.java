package io.tkv.pd.schedule;

import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;

/**
 * One step of an {@link Operator}, sent to the region's leader in a heartbeat response. Whether it happened is
 * read from what later region heartbeats show, never from an acknowledgement: the region's own state is the truth.
 */
public sealed interface OperatorStep {
    /** How far a step is, judged from a region heartbeat. */
    enum Progress {
        /** Not visible yet. */
        RUNNING,
        /** Visible in the region's state. */
        DONE,
        /** Can no longer happen as planned (the region changed under it): the operator is cancelled. */
        FAILED
    }

    /** @return how far the step is in this region state. */
    Progress check(RegionInfo region);

    /** @return whether this step is a leader transfer (fast) rather than a peer change (slow: snapshots). */
    boolean isLeaderStep();

    /**
     * Move the leader to the voter on {@code toStore}.
     *
     * @param fromStore where the leader is when planned.
     * @param toStore   where it should go.
     */
    record TransferLeader(long fromStore, long toStore) implements OperatorStep {
        @Override
        public Progress check(final RegionInfo region) {
            if (region.leaderOn(toStore)) {
                return Progress.DONE;
            }
            final Peer target = region.peerOnStore(toStore);
            return target == null || !target.isVoter() ? Progress.FAILED : Progress.RUNNING;
        }

        @Override
        public boolean isLeaderStep() {
            return true;
        }
    }

    /**
     * Add a learner with a new peer id on a store; done once it is there and caught up (not pending).
     *
     * @param storeId the store.
     * @param peerId  the new peer's id.
     */
    record AddLearner(long storeId, long peerId) implements OperatorStep {
        @Override
        public Progress check(final RegionInfo region) {
            final Peer p = region.peerOnStore(storeId);
            if (p == null) {
                return Progress.RUNNING;
            }
            if (p.peerId() != peerId) {
                return Progress.FAILED;
            }
            for (final Peer pending : region.pendingPeers()) {
                if (pending.peerId() == peerId) {
                    return Progress.RUNNING;
                }
            }
            return Progress.DONE;
        }

        @Override
        public boolean isLeaderStep() {
            return false;
        }
    }

    /**
     * Make the learner on a store a voter.
     *
     * @param storeId the store.
     * @param peerId  the learner's peer id.
     */
    record PromoteLearner(long storeId, long peerId) implements OperatorStep {
        @Override
        public Progress check(final RegionInfo region) {
            final Peer p = region.peerOnStore(storeId);
            if (p == null || p.peerId() != peerId) {
                return Progress.FAILED;
            }
            return p.isVoter() ? Progress.DONE : Progress.RUNNING;
        }

        @Override
        public boolean isLeaderStep() {
            return false;
        }
    }

    /**
     * Remove the peer on a store. A leader never removes itself: the operator transfers leadership first.
     *
     * @param storeId the store.
     */
    record RemovePeer(long storeId) implements OperatorStep {
        @Override
        public Progress check(final RegionInfo region) {
            return region.peerOnStore(storeId) == null ? Progress.DONE : Progress.RUNNING;
        }

        @Override
        public boolean isLeaderStep() {
            return false;
        }
    }

    /**
     * Split the region (its leader picks the key and asks PD for the new ids); done once the region's version is past
     * the one the split was asked at.
     *
     * @param version the region's version when the split was asked.
     */
    record SplitRegion(long version) implements OperatorStep {
        @Override
        public Progress check(final RegionInfo region) {
            return region.epoch().version() > version ? Progress.DONE : Progress.RUNNING;
        }

        @Override
        public boolean isLeaderStep() {
            // Only the leader's own work (no snapshot): as fast as a leader transfer.
            return true;
        }
    }
}
