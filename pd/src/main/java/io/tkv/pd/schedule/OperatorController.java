package io.tkv.pd.schedule;

import io.tkv.pd.cluster.RegionInfo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * The running operators: at most one per region, within per-kind limits ({@code leader/region/replicaScheduleLimit})
 * and a per-store limit on peer changes; hands each region's leader its current step in the heartbeat response and
 * retires operators that succeeded, timed out or can no longer happen. Iteration is in insertion order, so runs
 * replay exactly. Not thread safe.
 */
public final class OperatorController {
    /** Why {@link #add} refused an operator. */
    public enum AddResult {
        /** Running. */
        ADDED,
        /** Running; it replaced a lower-priority operator on the region. */
        REPLACED,
        /** The region already has an operator of the same or a higher priority. */
        REGION_BUSY,
        /** The kind's schedule limit is reached. */
        KIND_LIMIT,
        /** A store it adds or removes a peer on has reached its limit. */
        STORE_LIMIT
    }

    private final ScheduleConfig config;
    private final LongPredicate limitedStore;
    private final Map<Long, Operator> byRegion = new LinkedHashMap<>();
    private final Map<OperatorKind, Integer> runningByKind = new EnumMap<>(OperatorKind.class);
    private final Map<Operator.Status, Long> finished = new EnumMap<>(Operator.Status.class);
    private long added;

    /**
     * @param config       the schedule settings (concluded here).
     * @param limitedStore whether a store's peer changes count toward its limit: a store that is gone (down, a
     *                     tombstone) pays nothing for a peer removed from it, so repairs are not throttled by it.
     */
    public OperatorController(final ScheduleConfig config, final LongPredicate limitedStore) {
        this.config = config.conclude();
        this.limitedStore = limitedStore;
        for (final OperatorKind k : OperatorKind.values()) {
            runningByKind.put(k, 0);
        }
    }

    /** @param config the schedule settings (concluded here); every store's peer changes are limited. */
    public OperatorController(final ScheduleConfig config) {
        this(config, storeId -> true);
    }

    /**
     * @param op a new operator.
     * @return whether it runs, and if not, why.
     */
    public AddResult add(final Operator op) {
        final Operator existing = byRegion.get(op.regionId());
        if (existing != null && existing.kind().priority() >= op.kind().priority()) {
            return AddResult.REGION_BUSY;
        }
        if (runningByKind.get(op.kind()) >= limit(op.kind())) {
            return AddResult.KIND_LIMIT;
        }
        for (final OperatorStep step : op.steps()) {
            final long store = step instanceof OperatorStep.AddLearner a ? a.storeId()
                : step instanceof OperatorStep.RemovePeer r ? r.storeId() : 0;
            if (store != 0 && !storeHasRoom(store, existing)) {
                return AddResult.STORE_LIMIT;
            }
        }
        if (existing != null) {
            retire(existing, Operator.Status.REPLACED);
        }
        byRegion.put(op.regionId(), op);
        runningByKind.merge(op.kind(), 1, Integer::sum);
        added++;
        return existing != null ? AddResult.REPLACED : AddResult.ADDED;
    }

    private int limit(final OperatorKind kind) {
        return switch (kind) {
            case LEADER -> config.leaderScheduleLimit();
            case REGION -> config.regionScheduleLimit();
            case REPLICA -> config.replicaScheduleLimit();
            case ADMIN -> Integer.MAX_VALUE;
        };
    }

    /**
     * @param storeId a store.
     * @param ignore  an operator not to count (one about to be replaced), or null.
     * @return whether another operator may add or remove a peer on the store.
     */
    boolean storeHasRoom(final long storeId, final Operator ignore) {
        if (!limitedStore.test(storeId)) {
            return true;
        }
        int running = 0;
        for (final Operator op : byRegion.values()) {
            if (op != ignore && op.changesPeerOn(storeId)) {
                running++;
            }
        }
        return running < config.storePeerOperatorLimit();
    }

    /**
     * A region heartbeat arrived: advances the region's operator.
     *
     * @param region the region as reported (and accepted by the registry).
     * @param nowMs  PD's clock.
     * @return the step for the leader to carry out, or null.
     */
    public OperatorStep dispatch(final RegionInfo region, final long nowMs) {
        final Operator op = byRegion.get(region.id());
        if (op == null) {
            return null;
        }
        final OperatorStep step = op.check(region, nowMs);
        if (step == null) {
            retire(op, op.status());
        }
        return step;
    }

    /**
     * Retires operators whose step timed out, for regions that stopped reporting.
     *
     * @param nowMs PD's clock.
     */
    public void checkTimeouts(final long nowMs) {
        List<Operator> expired = Collections.emptyList();
        for (final Operator op : byRegion.values()) {
            if (op.checkTimeout(nowMs)) {
                if (expired.isEmpty()) {
                    expired = new ArrayList<>();
                }
                expired.add(op);
            }
        }
        for (final Operator op : expired) {
            retire(op, Operator.Status.TIMEOUT);
        }
    }

    /**
     * A region left the registry (merged, or dropped by an overlapping newer region): its operator is void.
     *
     * @param regionId the region.
     */
    public void onRegionGone(final long regionId) {
        final Operator op = byRegion.get(regionId);
        if (op != null) {
            retire(op, Operator.Status.CANCELED);
        }
    }

    private void retire(final Operator op, final Operator.Status status) {
        op.end(status);
        byRegion.remove(op.regionId());
        runningByKind.merge(op.kind(), -1, Integer::sum);
        finished.merge(op.status(), 1L, Long::sum);
    }

    /** @return what the running operators will still change, per store. */
    public OperatorInfluence influence() {
        final OperatorInfluence influence = new OperatorInfluence();
        for (final Operator op : byRegion.values()) {
            op.addInfluence(influence);
        }
        return influence;
    }

    /** @return the region's running operator, or null. */
    public Operator get(final long regionId) {
        return byRegion.get(regionId);
    }

    /** @return the running operators (read-only). */
    public Collection<Operator> running() {
        return Collections.unmodifiableCollection(byRegion.values());
    }

    /** @return operators running of a kind. */
    public int runningCount(final OperatorKind kind) {
        return runningByKind.get(kind);
    }

    /** @return operators added since creation. */
    public long addedCount() {
        return added;
    }

    /** @return operators that ended with this status since creation. */
    public long finishedCount(final Operator.Status status) {
        return finished.getOrDefault(status, 0L);
    }
}
