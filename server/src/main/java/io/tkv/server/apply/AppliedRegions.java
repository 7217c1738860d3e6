package io.tkv.server.apply;

import io.tkv.server.region.RegionRegistry;
import io.tkv.storage.RegionApplyState;
import io.tkv.storage.RegionDescriptor;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The state the apply agent owns for each region on the store: how far it applied ({@link RegionApplyState}) and the
 * region as of that point ({@link RegionDescriptor}) — both persisted together, both changed only by applying the log
 * or installing a snapshot. Each change of a descriptor is published to the store's {@link RegionRegistry} for the
 * other agents once it is committed. Filled at start-up, then owned by the apply agent.
 */
public final class AppliedRegions {
    /** One region's apply-side state. */
    static final class Region {
        RegionApplyState state;
        RegionDescriptor descriptor;

        Region(final RegionApplyState state, final RegionDescriptor descriptor) {
            this.state = state;
            this.descriptor = descriptor;
        }
    }

    private final Long2ObjectHashMap<Region> regions = new Long2ObjectHashMap<>();
    private final RegionRegistry registry;

    /** @param registry where descriptors are published. */
    public AppliedRegions(final RegionRegistry registry) {
        this.registry = registry;
    }

    /** Adds a region (start-up, before the agents run) and publishes it. */
    public void add(final RegionApplyState state, final RegionDescriptor descriptor) {
        if (state.regionId() != descriptor.id()) {
            throw new IllegalArgumentException("apply state of region " + state.regionId() + " with " + descriptor);
        }
        regions.put(state.regionId(), new Region(state, descriptor));
        registry.publish(descriptor);
    }

    /** @return the region's state, or null if it is not on this store. */
    Region get(final long regionId) {
        return regions.get(regionId);
    }

    /** @return the applied index of a region, or 0 if it is not on this store. */
    public long appliedIndex(final long regionId) {
        final Region region = regions.get(regionId);
        return region == null ? 0 : region.state.appliedIndex();
    }

    /** Replaces a region's state after a snapshot install, and publishes its descriptor. Apply agent only. */
    void replace(final RegionApplyState state, final RegionDescriptor descriptor) {
        final Region region = regions.get(state.regionId());
        region.state = state;
        region.descriptor = descriptor;
        registry.publish(descriptor);
    }
}
