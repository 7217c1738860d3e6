package io.tkv.pd.cluster;

/**
 * A region's epoch: {@code confVer} grows with every membership change, {@code version} with every split or
 * merge. Heartbeats and requests carrying a lower one than known are stale.
 *
 * @param confVer the configuration version.
 * @param version the range version.
 */
public record RegionEpoch(long confVer, long version) {
    /** @return whether this epoch is older than {@code other} in either part (PD refuses such a heartbeat). */
    public boolean isStaleAgainst(final RegionEpoch other) {
        return confVer < other.confVer || version < other.version;
    }

    /** @return this epoch after a membership change. */
    public RegionEpoch nextConfVer() {
        return new RegionEpoch(confVer + 1, version);
    }

    /** @return this epoch after a split or merge. */
    public RegionEpoch nextVersion() {
        return new RegionEpoch(confVer, version + 1);
    }
}
