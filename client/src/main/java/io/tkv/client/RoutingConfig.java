package io.tkv.client;

import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link RawKvClient} finds a key's region, part of its {@link ClientConfig} (set through it, read through
 * {@link ClientConfig#routing()}): by default from the stores ({@code LocateRegion}); from PD when
 * {@link ClientConfig#pdEndpoints(String...)} names its members; or not at all when
 * {@link ClientConfig#region(long, long, long)} pins one region.
 */
public final class RoutingConfig {
    private List<String> pdEndpoints = List.of();
    private long regionId = 1;
    private long regionConfVer = 1;
    private long regionVersion = 1;
    private boolean regionPinned;

    RoutingConfig() {
    }

    /** @return PD members' endpoints (host:port; any one is enough), empty when the client routes without PD. */
    public List<String> pdEndpoints() {
        return pdEndpoints;
    }

    /** @return whether the client asks PD for regions and store addresses. */
    public boolean usesPd() {
        return !pdEndpoints.isEmpty();
    }

    /** @return whether {@link ClientConfig#region(long, long, long)} pinned the client to one region. */
    public boolean regionPinned() {
        return regionPinned;
    }

    /** @return the region id requests carry when pinned. */
    public long regionId() {
        return regionId;
    }

    /** @return the region conf version requests carry when pinned. */
    public long regionConfVer() {
        return regionConfVer;
    }

    /** @return the region version requests carry when pinned. */
    public long regionVersion() {
        return regionVersion;
    }

    void pdEndpoints(final List<String> endpoints) {
        this.pdEndpoints = List.copyOf(endpoints);
    }

    void region(final long id, final long confVer, final long version) {
        this.regionId = id;
        this.regionConfVer = confVer;
        this.regionVersion = version;
        this.regionPinned = true;
    }

    /** Validates: each PD endpoint host:port, no duplicates, and not both PD and a pinned region. */
    void conclude() {
        Endpoints.checkList("pdEndpoints", pdEndpoints);
        if (regionPinned && usesPd()) {
            throw new IllegalArgumentException("a client pinned to region " + regionId +
                " does not route, so it has no use for pdEndpoints " + pdEndpoints);
        }
        pdEndpoints = List.copyOf(new ArrayList<>(pdEndpoints));
    }

    @Override
    public String toString() {
        return regionPinned ? "region=" + regionId + '/' + regionConfVer + '/' + regionVersion + " pinned" :
            usesPd() ? "pd=" + pdEndpoints : "by stores";
    }
}
