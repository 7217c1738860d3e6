package io.tkv.pd.schedule;

import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import io.tkv.pd.cluster.StoreInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks one region's replicas against the rules, in PD's order, and proposes at most one operator:
 * <ol>
 *   <li>a peer on a store that is DOWN (silent for {@code maxStoreDownTimeMs}), OFFLINE, a tombstone or unknown is
 *       replaced by a new one on the best-placed store (or just removed if the region has replicas to spare);</li>
 *   <li>a learner left behind by an operator that did not finish is removed;</li>
 *   <li>missing voters are added, extra voters removed (the worst-placed first);</li>
 *   <li>with location labels: the worst-isolated peer moves to a store that isolates strictly better.</li>
 * </ol>
 * New peers always come in as learners and are promoted once caught up; a leader is moved away before its own
 * peer is removed.
 */
public final class ReplicaChecker {
    /**
     * @param region the region, with no running operator (or a lower-priority one, if it has an unhealthy peer).
     * @param ctx    the cluster.
     * @return an operator, or null if the region's replicas are fine (or cannot be fixed now).
     */
    public Operator check(final RegionInfo region, final ScheduleContext ctx) {
        if (region.leader() == null) {
            return null;
        }
        final Peer unhealthy = firstUnhealthyPeer(region, ctx);
        if (unhealthy != null) {
            return replaceOrRemove(region, unhealthy, ctx);
        }
        final List<Peer> learners = region.learners();
        if (!learners.isEmpty()) {
            return ctx.newOperator(region, OperatorKind.REPLICA, "remove-orphan-learner",
                List.of(new OperatorStep.RemovePeer(learners.get(0).storeId())));
        }
        final int voters = region.voters().size();
        final int maxReplicas = ctx.config().maxReplicas();
        if (voters < maxReplicas) {
            final StoreInfo target = bestTarget(region, 0, true, ctx);
            return target == null ? null : addVoter(region, target, 0, "add-replica", ctx);
        }
        if (voters > maxReplicas) {
            return removeVoter(region, worstVoter(region, ctx), "remove-extra-replica", ctx);
        }
        if (ctx.placement().enabled()) {
            return improvePlacement(region, ctx);
        }
        return null;
    }

    /**
     * @return whether a peer of the region is on a store that keeps no peers (down, offline, a tombstone, unknown):
     *     a repair that replaces a running balance operator, which such a store may never let finish.
     */
    static boolean hasUnhealthyPeer(final RegionInfo region, final ScheduleContext ctx) {
        return firstUnhealthyPeer(region, ctx) != null;
    }

    private static Peer firstUnhealthyPeer(final RegionInfo region, final ScheduleContext ctx) {
        for (final Peer p : region.peers()) {
            if (!ctx.storeKeepsPeers(p.storeId())) {
                return p;
            }
        }
        return null;
    }

    private static Operator replaceOrRemove(final RegionInfo region, final Peer victim, final ScheduleContext ctx) {
        int healthyVoters = 0;
        for (final Peer p : region.voters()) {
            if (ctx.storeKeepsPeers(p.storeId())) {
                healthyVoters++;
            }
        }
        if (!victim.isVoter() || healthyVoters >= ctx.config().maxReplicas()) {
            return removeVoter(region, victim, "remove-unhealthy-replica", ctx);
        }
        final StoreInfo target = bestTarget(region, victim.storeId(), true, ctx);
        if (target == null) {
            return null;
        }
        return addVoter(region, target, victim.storeId(), "replace-unhealthy-replica", ctx);
    }

    /**
     * The best store for a new peer: UP, not holding the region, with room for a peer change if
     * {@code requireRoom}; most isolated from the region's other stores (without {@code leavingStore}), then least
     * loaded, then lowest id.
     */
    private static StoreInfo bestTarget(final RegionInfo region, final long leavingStore, final boolean requireRoom,
        final ScheduleContext ctx) {
        final List<StoreInfo> others = ctx.storesOf(region, leavingStore);
        StoreInfo best = null;
        double bestDistinct = 0;
        double bestLoad = 0;
        for (final StoreInfo s : ctx.upStores()) {
            if (region.peerOnStore(s.id()) != null || requireRoom && !ctx.storeHasRoom(s.id())) {
                continue;
            }
            final double distinct = ctx.placement().distinctScore(others, s);
            final double load = ctx.regionScore(s.id());
            if (best == null || distinct > bestDistinct || distinct == bestDistinct && load < bestLoad) {
                best = s;
                bestDistinct = distinct;
                bestLoad = load;
            }
        }
        return best;
    }

    /** The voter whose store is least isolated from the others; ties: the most loaded store, then highest id. */
    private static Peer worstVoter(final RegionInfo region, final ScheduleContext ctx) {
        Peer worst = null;
        double worstDistinct = 0;
        double worstLoad = 0;
        for (final Peer p : region.voters()) {
            final StoreInfo s = ctx.cluster().store(p.storeId());
            final double distinct = ctx.placement().distinctScore(ctx.storesOf(region, p.storeId()), s);
            final double load = ctx.regionScore(p.storeId());
            if (worst == null || distinct < worstDistinct || distinct == worstDistinct && load >= worstLoad) {
                worst = p;
                worstDistinct = distinct;
                worstLoad = load;
            }
        }
        return worst;
    }

    private static Operator improvePlacement(final RegionInfo region, final ScheduleContext ctx) {
        final Peer worst = worstVoter(region, ctx);
        final StoreInfo target = betterPlaced(region, worst, true, ctx);
        if (target == null || !ctx.storeHasRoom(worst.storeId())) {
            return null;
        }
        return addVoter(region, target, worst.storeId(), "improve-isolation", ctx);
    }

    /**
     * @return a store that would isolate the region strictly better than the worst-placed voter's, or null. Only
     *     strictly better: an equal score is no reason to move data, and moves stop once nothing improves.
     */
    private static StoreInfo betterPlaced(final RegionInfo region, final Peer worst, final boolean requireRoom,
        final ScheduleContext ctx) {
        final List<StoreInfo> others = ctx.storesOf(region, worst.storeId());
        final double current = ctx.placement().distinctScore(others, ctx.cluster().store(worst.storeId()));
        final StoreInfo target = bestTarget(region, worst.storeId(), requireRoom, ctx);
        return target == null || ctx.placement().distinctScore(others, target) <= current ? null : target;
    }

    /**
     * Whether the replica checker would move one of the region's peers for better isolation, were there room:
     * balancing leaves such a region alone, or two schedulers would each move one of its peers.
     */
    static boolean placementImprovable(final RegionInfo region, final ScheduleContext ctx) {
        if (!ctx.placement().enabled() || region.voters().isEmpty()) {
            return false;
        }
        return betterPlaced(region, worstVoter(region, ctx), false, ctx) != null;
    }

    /** A repair move: see {@link Moves#movePeer}. */
    private static Operator addVoter(final RegionInfo region, final StoreInfo target, final long leavingStore,
        final String description, final ScheduleContext ctx) {
        return Moves.movePeer(region, target.id(), leavingStore, OperatorKind.REPLICA, description, ctx);
    }

    private static Operator removeVoter(final RegionInfo region, final Peer victim, final String description,
        final ScheduleContext ctx) {
        final List<OperatorStep> steps = new ArrayList<>(2);
        if (region.leaderOn(victim.storeId())) {
            final Peer next = leastLoadedOtherVoter(region, victim, ctx);
            if (next == null) {
                return null;
            }
            steps.add(new OperatorStep.TransferLeader(victim.storeId(), next.storeId()));
        }
        steps.add(new OperatorStep.RemovePeer(victim.storeId()));
        return ctx.newOperator(region, OperatorKind.REPLICA, description, steps);
    }

    private static Peer leastLoadedOtherVoter(final RegionInfo region, final Peer except, final ScheduleContext ctx) {
        Peer best = null;
        for (final Peer p : region.voters()) {
            if (p.peerId() != except.peerId() && ctx.storeKeepsPeers(p.storeId())
                && (best == null || ctx.leaderScore(p.storeId()) < ctx.leaderScore(best.storeId()))) {
                best = p;
            }
        }
        return best;
    }
}
