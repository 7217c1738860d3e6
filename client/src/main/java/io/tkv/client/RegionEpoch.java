package io.tkv.client;

/** The region a request is for and the epoch the client knows; copied into every request's RegionContext. */
final class RegionEpoch {
    private final long regionId;
    private final long confVer;
    private final long version;

    RegionEpoch(final long regionId, final long confVer, final long version) {
        this.regionId = regionId;
        this.confVer = confVer;
        this.version = version;
    }

    long regionId() {
        return regionId;
    }

    long confVer() {
        return confVer;
    }

    long version() {
        return version;
    }

    @Override
    public String toString() {
        return "region " + regionId + " epoch(" + confVer + ", " + version + ')';
    }
}
