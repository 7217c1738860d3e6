package io.tkv.pd.schedule;

import io.tkv.pd.cluster.Cluster;
import io.tkv.pd.cluster.RegionHeartbeatResult;
import io.tkv.pd.cluster.RegionInfo;
import io.tkv.pd.cluster.StoreInfo;
import io.tkv.pd.cluster.StoreState;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Drives scheduling (PD's coordinator): region heartbeats go to the registry and then to the operator controller,
 * which answers with the step the leader should take; a periodic {@link #schedule(long)} round marks silent stores
 * down, retires timed-out operators, runs the replica checker over every region without an operator, then each
 * enabled balance scheduler until it has nothing worth doing or a limit stops it. The checker leaves a region with a
 * running operator alone (a stuck one times out first), unless the region has a peer on a down or offline store and
 * the operator is a balance one: the repair replaces it, as PD's higher-priority operators do (a balance step aimed
 * at the dead store would otherwise hold the repair back until its step timed out). Balancing leaves alone regions
 * the checker would change.
 * Deterministic: the clock is passed in and every iteration is ordered. Not thread safe: the PD leader's one
 * scheduling thread owns it.
 */
public final class Coordinator {
    private final Cluster cluster;
    private final ScheduleConfig config;
    private final OperatorController operators;
    private final Placement placement;
    private final LongSupplier peerIds;
    private final ReplicaChecker replicaChecker = new ReplicaChecker();
    private final List<Scheduler> schedulers = List.of(new BalanceLeaderScheduler(), new BalanceRegionScheduler());
    private final Map<SchedulerType, Boolean> enabled = new EnumMap<>(SchedulerType.class);

    /**
     * @param cluster the registry.
     * @param config  the settings (concluded here).
     * @param peerIds new peer ids (PD's id allocator); 0 means none available now.
     */
    public Coordinator(final Cluster cluster, final ScheduleConfig config, final LongSupplier peerIds) {
        this.cluster = cluster;
        this.config = config.conclude();
        this.operators = new OperatorController(config, this::isAlive);
        this.placement = new Placement(config.locationLabels(),
            config.brokenRule() == ScheduleConfig.BrokenRule.IGNORE_LOCATION_LABELS);
        this.peerIds = peerIds;
        for (final SchedulerType t : SchedulerType.values()) {
            enabled.put(t, true);
        }
    }

    /** @return whether the store is alive (UP or OFFLINE): only then does a peer change cost it anything. */
    private boolean isAlive(final long storeId) {
        final StoreInfo s = cluster.store(storeId);
        return s != null && (s.state() == StoreState.UP || s.state() == StoreState.OFFLINE);
    }

    /** Switches a scheduler or checker on or off; running operators it made run to their end. */
    public void setEnabled(final SchedulerType type, final boolean on) {
        enabled.put(type, on);
    }

    /** @return whether a scheduler or checker is on. */
    public boolean isEnabled(final SchedulerType type) {
        return enabled.get(type);
    }

    /**
     * A region leader's heartbeat.
     *
     * @param region what it reports.
     * @param nowMs  PD's clock.
     * @return the step the leader should take now (the heartbeat response), or null.
     */
    public OperatorStep onRegionHeartbeat(final RegionInfo region, final long nowMs) {
        return regionHeartbeat(region, nowMs).step();
    }

    /**
     * A region leader's heartbeat, with what the registry made of it.
     *
     * @param region what it reports.
     * @param nowMs  PD's clock.
     * @return the registry's outcome, and the step (with its operator) for the leader to take now, if any.
     */
    public HeartbeatAnswer regionHeartbeat(final RegionInfo region, final long nowMs) {
        final RegionHeartbeatResult result = cluster.regionHeartbeat(region);
        if (!result.accepted()) {
            return new HeartbeatAnswer(result, null, null);
        }
        for (final RegionInfo gone : result.dropped()) {
            operators.onRegionGone(gone.id());
        }
        final OperatorStep step = operators.dispatch(region, nowMs);
        return new HeartbeatAnswer(result, step, step == null ? null : operators.get(region.id()));
    }

    /**
     * What a region heartbeat led to.
     *
     * @param result   the registry's outcome (a stale heartbeat is refused and changes nothing).
     * @param step     the step for the region's leader now, or null.
     * @param operator the operator the step belongs to, or null.
     */
    public record HeartbeatAnswer(RegionHeartbeatResult result, OperatorStep step, Operator operator) {
    }

    /**
     * One scheduling round.
     *
     * @param nowMs PD's clock.
     * @return the operators added in this round.
     */
    public List<Operator> schedule(final long nowMs) {
        cluster.updateStoreStates(nowMs, config.maxStoreDownTimeMs());
        operators.checkTimeouts(nowMs);
        final List<Operator> added = new ArrayList<>();
        if (isEnabled(SchedulerType.REPLICA_CHECKER)) {
            // One context until an operator is added: only then does the influence change.
            ScheduleContext ctx = context(nowMs);
            for (final RegionInfo region : cluster.regions().all()) {
                if (operators.runningCount(OperatorKind.REPLICA) >= config.replicaScheduleLimit()) {
                    break;
                }
                final Operator running = operators.get(region.id());
                if (running != null && (running.kind().priority() >= OperatorKind.REPLICA.priority()
                    || !ReplicaChecker.hasUnhealthyPeer(region, ctx))) {
                    continue;
                }
                final Operator op = replicaChecker.check(region, ctx);
                if (op != null && isAdded(operators.add(op))) {
                    added.add(op);
                    ctx = context(nowMs);
                }
            }
        }
        for (final Scheduler scheduler : schedulers) {
            if (!isEnabled(scheduler.type())) {
                continue;
            }
            while (true) {
                final Operator op = scheduler.schedule(context(nowMs));
                if (op == null || !isAdded(operators.add(op))) {
                    break;
                }
                added.add(op);
            }
        }
        return added;
    }

    private static boolean isAdded(final OperatorController.AddResult result) {
        return result == OperatorController.AddResult.ADDED || result == OperatorController.AddResult.REPLACED;
    }

    private ScheduleContext context(final long nowMs) {
        return new ScheduleContext(cluster, config, operators, placement, peerIds, nowMs);
    }

    /** @return the running operators and their counters. */
    public OperatorController operators() {
        return operators;
    }

    /** @return the registry. */
    public Cluster cluster() {
        return cluster;
    }
}
