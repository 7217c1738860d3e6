package io.tkv.pd.cluster;

import java.util.List;

/**
 * What a region heartbeat did to the registry.
 *
 * @param outcome  accepted (new or updated) or refused as stale.
 * @param known    after acceptance: the region as now registered; when stale: the newer region it lost against.
 * @param dropped  regions removed because the accepted one overlaps them (e.g. the pre-split range).
 */
public record RegionHeartbeatResult(Outcome outcome, RegionInfo known, List<RegionInfo> dropped) {
    /** What happened. */
    public enum Outcome {
        /** A region PD did not know by id. */
        NEW,
        /** A known region, updated. */
        UPDATED,
        /** Refused: the heartbeat's epoch (or leader term) is older than what PD knows. */
        STALE
    }

    /** @return whether the heartbeat was accepted. */
    public boolean accepted() {
        return outcome != Outcome.STALE;
    }
}
