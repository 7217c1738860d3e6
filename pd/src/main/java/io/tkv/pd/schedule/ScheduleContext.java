package io.tkv.pd.schedule;

import io.tkv.pd.cluster.Cluster;
import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import io.tkv.pd.cluster.StoreInfo;
import io.tkv.pd.cluster.StoreState;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What a scheduler or checker sees in one scheduling attempt: the registry, the settings, the clock, new peer
 * ids, and store scores that count the running operators' influence. Made fresh for each attempt so a second
 * operator sees the first one's influence.
 */
public final class ScheduleContext {
    private final Cluster cluster;
    private final ScheduleConfig config;
    private final OperatorController operators;
    private final OperatorInfluence influence;
    private final Placement placement;
    private final LongSupplier peerIds;
    private final long nowMs;

    ScheduleContext(final Cluster cluster, final ScheduleConfig config, final OperatorController operators,
        final Placement placement, final LongSupplier peerIds, final long nowMs) {
        this.cluster = cluster;
        this.config = config;
        this.operators = operators;
        this.influence = operators.influence();
        this.placement = placement;
        this.peerIds = peerIds;
        this.nowMs = nowMs;
    }

    /** @return the registry. */
    public Cluster cluster() {
        return cluster;
    }

    /** @return the settings. */
    public ScheduleConfig config() {
        return config;
    }

    /** @return location scoring. */
    public Placement placement() {
        return placement;
    }

    /** @return PD's clock. */
    public long nowMs() {
        return nowMs;
    }

    /** @return whether the region has a running operator. */
    public boolean hasOperator(final RegionInfo region) {
        return operators.get(region.id()) != null;
    }

    /** @return whether another operator may add or remove a peer on the store. */
    public boolean storeHasRoom(final long storeId) {
        return operators.storeHasRoom(storeId, null);
    }

    /** @return the stores that are UP, in id order. */
    public List<StoreInfo> upStores() {
        final List<StoreInfo> out = new ArrayList<>();
        for (final StoreInfo s : cluster.stores()) {
            if (s.state() == StoreState.UP) {
                out.add(s);
            }
        }
        return out;
    }

    /** @return whether a peer on this store is healthy where it is (the store is known and UP). */
    public boolean storeKeepsPeers(final long storeId) {
        final StoreInfo s = cluster.store(storeId);
        return s != null && s.state() == StoreState.UP;
    }

    /** @return the stores of the region's peers, known ones only, skipping {@code exceptStore} (0: none). */
    public List<StoreInfo> storesOf(final RegionInfo region, final long exceptStore) {
        final List<StoreInfo> out = new ArrayList<>(region.peers().size());
        for (final Peer p : region.peers()) {
            final StoreInfo s = cluster.store(p.storeId());
            if (s != null && p.storeId() != exceptStore) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * A region is fit for balancing when it has a leader, exactly {@code maxReplicas} voters, no learner, and no
     * down or pending peer: moving a peer of an unhealthy region risks its quorum.
     */
    public boolean isHealthy(final RegionInfo region) {
        return region.leader() != null && region.downPeers().isEmpty() && region.pendingPeers().isEmpty()
            && region.learners().isEmpty() && region.voters().size() == config.maxReplicas();
    }

    /** @return the store's leaders once running operators finish. */
    public double leaderScore(final long storeId) {
        return cluster.leaderCount(storeId) + influence.leaders(storeId);
    }

    /** @return the bytes the store's peers weigh once running operators finish. */
    public double regionScore(final long storeId) {
        return cluster.regionSizeBytes(storeId) + influence.sizeBytes(storeId);
    }

    /** @return a fresh peer id, or 0 if the id allocator cannot hand one out now. */
    public long newPeerId() {
        return peerIds.getAsLong();
    }

    /** @return an operator for the region with the configured step timeouts. */
    public Operator newOperator(final RegionInfo region, final OperatorKind kind, final String description,
        final List<OperatorStep> steps) {
        return new Operator(region, kind, description, steps, config.leaderStepTimeoutMs(),
            config.peerStepTimeoutMs(), nowMs);
    }

    /**
     * Whether moving a unit (a leader, or a region's peer) from a store scoring {@code source} to one scoring
     * {@code target} is worth it. Givers are stores at least {@code band} above the average, takers stores more
     * than {@code band} below it, where {@code band} is half the heaviest unit: a giver never drops low enough to
     * take and a taker never climbs high enough to give, so a store only ever gives or only ever takes and a unit
     * never comes back to a store it left (as long as the average holds), and every move lowers the sum of squared
     * scores, so balancing ends. (A plain "gap at least twice the weight" rule is not enough: while the emptiest
     * store is at its operator limit, moves go sideways between two full stores on projected scores, and later
     * back; and with a band per unit's own weight, a store that took a large region can then give a small one.)
     * The gap must also exceed the tolerance, a fraction of the average, so stores that are close enough are left
     * alone.
     *
     * @param source  the source's score, counting running operators.
     * @param target  the target's score, counting running operators.
     * @param band    half the weight of the heaviest unit that may move.
     * @param average the average score of the stores that take part.
     * @return whether to move.
     */
    public boolean shouldBalance(final double source, final double target, final double band,
        final double average) {
        final double gap = source - target;
        if (config.brokenRule() == ScheduleConfig.BrokenRule.NO_BALANCE_TOLERANCE) {
            return gap > 0;
        }
        if (config.brokenRule() == ScheduleConfig.BrokenRule.GAP_ONLY_BALANCE) {
            return gap >= 4 * band && gap > config.balanceToleranceRatio() * average;
        }
        return source >= average + band && target < average - band && gap > config.balanceToleranceRatio() * average;
    }
}
