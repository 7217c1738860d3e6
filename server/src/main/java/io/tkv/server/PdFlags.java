package io.tkv.server;

import io.tkv.server.config.PdSettings;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * The flags only {@code tkv-pd} takes (a picocli mixin beside {@code tkv-server}'s flags): PD's scheduling settings,
 * which win over the TOML file's {@code [replication]} and {@code [schedule]} sections, and the GC lifetime.
 */
final class PdFlags {
    @Option(names = "--schedule-interval-ms", description = "how often the PD leader runs a scheduling round (200)")
    private Long scheduleIntervalMs;

    @Option(names = "--max-replicas", description = "replicas per region (3)")
    private Integer maxReplicas;

    @Option(names = "--location-labels", split = ",", description = "label keys, widest first: zone,rack,host")
    private List<String> locationLabels;

    @Option(names = "--max-store-down-time-ms",
        description = "silence after which a store is DOWN and its replicas are repaired (1800000: 30 min)")
    private Long maxStoreDownTimeMs;

    @Option(names = "--store-heartbeat-interval-ms",
        description = "how often stores heartbeat (10000); silent for two intervals: DISCONNECTED")
    private Long storeHeartbeatIntervalMs;

    @Option(names = "--schedulers", split = ",",
        description = "schedulers on at start: balance-leader,balance-region,replica-checker (all); 'none' for none")
    private List<String> schedulers;

    @Option(names = "--max-stores", description = "most stores PD registers (1024)")
    private Integer maxStores;

    @Option(names = "--max-regions", description = "most regions the PD leader holds (200000)")
    private Integer maxRegions;

    @Option(names = "--gc-life-time-ms",
        description = "keep MVCC versions this long: the PD leader advances the GC safe point to TSO(now - it) "
            + "(600000: 10 min); 0: only tkv-ctl gc --safe-point moves it")
    private Long gcLifeTimeMs;

    /** Applies the flags given over what the config file set. */
    void applyTo(final PdSettings pd) {
        if (scheduleIntervalMs != null) pd.scheduleIntervalMs(scheduleIntervalMs);
        if (maxReplicas != null) pd.maxReplicas(maxReplicas);
        if (locationLabels != null) pd.locationLabels(locationLabels);
        if (maxStoreDownTimeMs != null) pd.maxStoreDownTimeMs(maxStoreDownTimeMs);
        if (storeHeartbeatIntervalMs != null) pd.storeHeartbeatIntervalMs(storeHeartbeatIntervalMs);
        if (schedulers != null) pd.schedulers(schedulers.contains("none") ? List.of() : schedulers);
        if (maxStores != null) pd.maxStores(maxStores);
        if (maxRegions != null) pd.maxRegions(maxRegions);
        if (gcLifeTimeMs != null) pd.gcLifeTimeMs(gcLifeTimeMs);
    }
}
