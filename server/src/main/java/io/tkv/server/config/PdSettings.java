package io.tkv.server.config;

import java.util.List;
import java.util.Locale;

/**
 * A PD member's scheduling and registry settings, in PD's sections: {@code [replication]} (max-replicas,
 * location-labels) and {@code [schedule]} (the rest). Read by {@code tkv-pd} only; a store ignores them. Units in the
 * names; {@link #conclude()} checks them.
 */
public final class PdSettings {
    /** The scheduler names SetScheduler and {@code schedule.schedulers} take. */
    public static final List<String> SCHEDULER_NAMES = List.of("balance-leader", "balance-region", "replica-checker");

    private long scheduleIntervalMs = 200;
    private int maxReplicas = 3;
    private List<String> locationLabels = List.of();
    private long maxStoreDownTimeMs = 30 * 60_000L;
    private long storeHeartbeatIntervalMs = 10_000;
    private long leaderStepTimeoutMs = 60_000;
    private long peerStepTimeoutMs = 10 * 60_000L;
    private List<String> schedulers = SCHEDULER_NAMES;
    private int maxStores = 1024;
    private int maxRegions = 200_000;
    private long gcLifeTimeMs = 10 * 60_000L;

    /**
     * Checks every setting.
     *
     * @return this.
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public PdSettings conclude() {
        require(scheduleIntervalMs >= 10 && scheduleIntervalMs <= 60_000,
            "schedule.interval-ms must be in [10, 60000]");
        require(maxReplicas >= 1 && maxReplicas <= 7, "replication.max-replicas must be in [1, 7]");
        require(maxStoreDownTimeMs > 0, "schedule.max-store-down-time-ms must be > 0");
        require(storeHeartbeatIntervalMs > 0, "schedule.store-heartbeat-interval-ms must be > 0");
        require(leaderStepTimeoutMs > 0 && peerStepTimeoutMs > 0, "schedule step timeouts must be > 0");
        require(maxStores >= 1 && maxStores <= 1_000_000, "schedule.max-stores must be in [1, 1000000]");
        require(maxRegions >= 1 && maxRegions <= 10_000_000, "schedule.max-regions must be in [1, 10000000]");
        require(gcLifeTimeMs >= 0 && gcLifeTimeMs <= 365L * 24 * 3_600_000,
            "gc-life-time-ms must be in [0, 1 year] (0: the GC safe point moves only by hand)");
        require(locationLabels.size() <= 8 && locationLabels.stream().distinct().count() == locationLabels.size(),
            "replication.location-labels: at most 8 distinct label keys");
        for (final String label : locationLabels) {
            require(StoreLabels.isValidKey(label), "replication.location-labels: bad label key '" + label + "'");
        }
        for (final String name : schedulers) {
            require(SCHEDULER_NAMES.contains(name), "schedule.schedulers: unknown scheduler '" + name + "' (known: "
                + SCHEDULER_NAMES + ")");
        }
        return this;
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** @return how often the PD leader runs a scheduling round, ms. */
    public long scheduleIntervalMs() {
        return scheduleIntervalMs;
    }

    public PdSettings scheduleIntervalMs(final long value) {
        scheduleIntervalMs = value;
        return this;
    }

    /** @return replicas per region. */
    public int maxReplicas() {
        return maxReplicas;
    }

    public PdSettings maxReplicas(final int value) {
        maxReplicas = value;
        return this;
    }

    /** @return location label keys, widest first (e.g. zone, rack, host). */
    public List<String> locationLabels() {
        return locationLabels;
    }

    public PdSettings locationLabels(final List<String> value) {
        locationLabels = List.copyOf(value);
        return this;
    }

    /** @return silence after which a store is DOWN and its replicas are repaired elsewhere, ms (PD: 30 min). */
    public long maxStoreDownTimeMs() {
        return maxStoreDownTimeMs;
    }

    public PdSettings maxStoreDownTimeMs(final long value) {
        maxStoreDownTimeMs = value;
        return this;
    }

    /**
     * @return how often stores are expected to heartbeat, ms (a hint: a store silent for two intervals shows as
     *     DISCONNECTED in GetStores).
     */
    public long storeHeartbeatIntervalMs() {
        return storeHeartbeatIntervalMs;
    }

    public PdSettings storeHeartbeatIntervalMs(final long value) {
        storeHeartbeatIntervalMs = value;
        return this;
    }

    /** @return how long a leader transfer (or a split) may take before its operator is dropped, ms. */
    public long leaderStepTimeoutMs() {
        return leaderStepTimeoutMs;
    }

    public PdSettings leaderStepTimeoutMs(final long value) {
        leaderStepTimeoutMs = value;
        return this;
    }

    /** @return how long a peer change (snapshot included) may take before its operator is dropped, ms. */
    public long peerStepTimeoutMs() {
        return peerStepTimeoutMs;
    }

    public PdSettings peerStepTimeoutMs(final long value) {
        peerStepTimeoutMs = value;
        return this;
    }

    /** @return the schedulers on at start ({@link #SCHEDULER_NAMES}); SetScheduler switches them later. */
    public List<String> schedulers() {
        return schedulers;
    }

    public PdSettings schedulers(final List<String> value) {
        schedulers = value.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
        return this;
    }

    /** @return the most stores PD registers; a PutStore for a new store beyond it is refused TOO_LARGE. */
    public int maxStores() {
        return maxStores;
    }

    public PdSettings maxStores(final int value) {
        maxStores = value;
        return this;
    }

    /** @return the most regions the leader holds; a heartbeat of a new region beyond it is refused TOO_LARGE. */
    public int maxRegions() {
        return maxRegions;
    }

    public PdSettings maxRegions(final int value) {
        maxRegions = value;
        return this;
    }

    /**
     * @return how long MVCC versions are kept, ms: the PD leader advances the GC safe point to
     *     {@code TSO(now - gcLifeTimeMs)}; 0: only {@code tkv-ctl gc --safe-point} moves it.
     */
    public long gcLifeTimeMs() {
        return gcLifeTimeMs;
    }

    public PdSettings gcLifeTimeMs(final long value) {
        gcLifeTimeMs = value;
        return this;
    }

    @Override
    public String toString() {
        return "PdSettings{scheduleIntervalMs=" + scheduleIntervalMs + ", maxReplicas=" + maxReplicas
            + ", locationLabels=" + locationLabels + ", maxStoreDownTimeMs=" + maxStoreDownTimeMs
            + ", storeHeartbeatIntervalMs=" + storeHeartbeatIntervalMs + ", schedulers=" + schedulers
            + ", maxStores=" + maxStores + ", maxRegions=" + maxRegions + ", gcLifeTimeMs=" + gcLifeTimeMs + '}';
    }
}
