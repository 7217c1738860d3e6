package io.tkv.pd.schedule;

import java.util.List;

/**
 * Scheduling settings, with PD's defaults and units in the names. Set, then {@link #conclude()} (validates; the
 * config is read-only afterwards).
 */
public final class ScheduleConfig {
    /** Replicas per region. */
    public static final int MAX_REPLICAS_DEFAULT = 3;
    /** A store silent this long is DOWN and its peers are replaced (PD: {@code max-store-down-time}, 30 min). */
    public static final long MAX_STORE_DOWN_TIME_MS_DEFAULT = 30 * 60_000L;
    /** Running leader-balance operators at once (PD: {@code leader-schedule-limit}). */
    public static final int LEADER_SCHEDULE_LIMIT_DEFAULT = 4;
    /** Running region-balance operators at once (PD: {@code region-schedule-limit}, 2048; ours is lower). */
    public static final int REGION_SCHEDULE_LIMIT_DEFAULT = 64;
    /** Running replica-repair operators at once (PD: {@code replica-schedule-limit}). */
    public static final int REPLICA_SCHEDULE_LIMIT_DEFAULT = 64;
    /** Running operators that add or remove a peer on one store (each costs it a snapshot or a cleanup). */
    public static final int STORE_PEER_OPERATOR_LIMIT_DEFAULT = 4;
    /** Stores within this fraction of the average leader or region score count as balanced. */
    public static final double BALANCE_TOLERANCE_RATIO_DEFAULT = 0.05;
    /** A leader transfer that has not happened within this is given up (PD's fast step wait). */
    public static final long LEADER_STEP_TIMEOUT_MS_DEFAULT = 60_000;
    /** A peer change (snapshot included) that has not happened within this is given up (PD's slow step wait). */
    public static final long PEER_STEP_TIMEOUT_MS_DEFAULT = 10 * 60_000L;

    /**
     * Deliberately broken rules, for the simulation's negative control only: each breaks one scheduling rule so
     * the test can show the property checks catch it. Never set outside tests.
     */
    public enum BrokenRule {
        /** Correct scheduling. */
        NONE,
        /** Balance moves whenever a source scores above a target, without tolerance: moves ping-pong. */
        NO_BALANCE_TOLERANCE,
        /**
         * Balance by the gap alone (at least twice the heaviest unit), without givers and takers: moves go sideways
         * between full stores while the emptiest is at its limit, and some come back.
         */
        GAP_ONLY_BALANCE,
        /** Placement ignores location labels: replicas may share a zone. */
        IGNORE_LOCATION_LABELS
    }

    private int maxReplicas = MAX_REPLICAS_DEFAULT;
    private List<String> locationLabels = List.of();
    private long maxStoreDownTimeMs = MAX_STORE_DOWN_TIME_MS_DEFAULT;
    private int leaderScheduleLimit = LEADER_SCHEDULE_LIMIT_DEFAULT;
    private int regionScheduleLimit = REGION_SCHEDULE_LIMIT_DEFAULT;
    private int replicaScheduleLimit = REPLICA_SCHEDULE_LIMIT_DEFAULT;
    private int storePeerOperatorLimit = STORE_PEER_OPERATOR_LIMIT_DEFAULT;
    private double balanceToleranceRatio = BALANCE_TOLERANCE_RATIO_DEFAULT;
    private long leaderStepTimeoutMs = LEADER_STEP_TIMEOUT_MS_DEFAULT;
    private long peerStepTimeoutMs = PEER_STEP_TIMEOUT_MS_DEFAULT;
    private BrokenRule brokenRule = BrokenRule.NONE;
    private boolean concluded;

    /**
     * Validates the settings; idempotent.
     *
     * @return this.
     * @throws IllegalArgumentException on a bad setting.
     */
    public ScheduleConfig conclude() {
        if (concluded) {
            return this;
        }
        require(maxReplicas >= 1, "maxReplicas must be >= 1");
        require(maxStoreDownTimeMs > 0, "maxStoreDownTimeMs must be positive");
        require(leaderScheduleLimit >= 0 && regionScheduleLimit >= 0 && replicaScheduleLimit >= 0,
            "schedule limits must be >= 0");
        require(storePeerOperatorLimit >= 1, "storePeerOperatorLimit must be >= 1");
        require(balanceToleranceRatio >= 0, "balanceToleranceRatio must be >= 0");
        require(leaderStepTimeoutMs > 0 && peerStepTimeoutMs > 0, "step timeouts must be positive");
        // List.copyOf in the setter already refused nulls.
        require(locationLabels.stream().distinct().count() == locationLabels.size(), "locationLabels must be distinct");
        concluded = true;
        return this;
    }

    private void requireOpen() {
        if (concluded) {
            throw new IllegalStateException("ScheduleConfig already concluded");
        }
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** @param value replicas per region. @return this. */
    public ScheduleConfig maxReplicas(final int value) {
        requireOpen();
        maxReplicas = value;
        return this;
    }

    /** @param value location label keys from the widest to the narrowest, e.g. zone, rack, host. @return this. */
    public ScheduleConfig locationLabels(final List<String> value) {
        requireOpen();
        locationLabels = List.copyOf(value);
        return this;
    }

    /** @param value silence after which a store is DOWN, ms. @return this. */
    public ScheduleConfig maxStoreDownTimeMs(final long value) {
        requireOpen();
        maxStoreDownTimeMs = value;
        return this;
    }

    /** @param value running leader-balance operators at once. @return this. */
    public ScheduleConfig leaderScheduleLimit(final int value) {
        requireOpen();
        leaderScheduleLimit = value;
        return this;
    }

    /** @param value running region-balance operators at once. @return this. */
    public ScheduleConfig regionScheduleLimit(final int value) {
        requireOpen();
        regionScheduleLimit = value;
        return this;
    }

    /** @param value running replica-repair operators at once. @return this. */
    public ScheduleConfig replicaScheduleLimit(final int value) {
        requireOpen();
        replicaScheduleLimit = value;
        return this;
    }

    /** @param value running peer-changing operators per store. @return this. */
    public ScheduleConfig storePeerOperatorLimit(final int value) {
        requireOpen();
        storePeerOperatorLimit = value;
        return this;
    }

    /** @param value fraction of the average score within which stores count as balanced. @return this. */
    public ScheduleConfig balanceToleranceRatio(final double value) {
        requireOpen();
        balanceToleranceRatio = value;
        return this;
    }

    /** @param value timeout of a leader transfer step, ms. @return this. */
    public ScheduleConfig leaderStepTimeoutMs(final long value) {
        requireOpen();
        leaderStepTimeoutMs = value;
        return this;
    }

    /** @param value timeout of a peer change step, ms. @return this. */
    public ScheduleConfig peerStepTimeoutMs(final long value) {
        requireOpen();
        peerStepTimeoutMs = value;
        return this;
    }

    /** @param rule a rule to break, for the negative control only. @return this. */
    public ScheduleConfig brokenRuleForTesting(final BrokenRule rule) {
        requireOpen();
        brokenRule = rule;
        return this;
    }

    /** @return replicas per region. */
    public int maxReplicas() {
        return maxReplicas;
    }

    /** @return location label keys, widest first. */
    public List<String> locationLabels() {
        return locationLabels;
    }

    /** @return silence after which a store is DOWN, ms. */
    public long maxStoreDownTimeMs() {
        return maxStoreDownTimeMs;
    }

    /** @return running leader-balance operators at once. */
    public int leaderScheduleLimit() {
        return leaderScheduleLimit;
    }

    /** @return running region-balance operators at once. */
    public int regionScheduleLimit() {
        return regionScheduleLimit;
    }

    /** @return running replica-repair operators at once. */
    public int replicaScheduleLimit() {
        return replicaScheduleLimit;
    }

    /** @return running peer-changing operators per store. */
    public int storePeerOperatorLimit() {
        return storePeerOperatorLimit;
    }

    /** @return fraction of the average score within which stores count as balanced. */
    public double balanceToleranceRatio() {
        return balanceToleranceRatio;
    }

    /** @return timeout of a leader transfer step, ms. */
    public long leaderStepTimeoutMs() {
        return leaderStepTimeoutMs;
    }

    /** @return timeout of a peer change step, ms. */
    public long peerStepTimeoutMs() {
        return peerStepTimeoutMs;
    }

    /** @return the broken rule, {@link BrokenRule#NONE} in any real use. */
    public BrokenRule brokenRule() {
        return brokenRule;
    }
}
