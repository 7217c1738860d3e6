package io.tkv.server.apply;

import io.tkv.server.region.RegionRegistry;
import io.tkv.server.region.RegionWriteStats;
import io.tkv.storage.RegionApplyState;
import io.tkv.storage.RegionDescriptor;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The state the apply agent owns for each region on the store: how far it applied ({@link RegionApplyState}) and the
 * region as of that point ({@link RegionDescriptor}) — both persisted together, both changed only by applying the log
 * (a split) or installing a snapshot. Each change of a descriptor is published to the store's {@link RegionRegistry}
 * for the other agents once it is committed, and each region a split made is announced to the raft agent. Each
 * region's written bytes and keys are counted here and published after each commit ({@link RegionWriteStats}, read by
 * the PD worker for region heartbeats). Filled at start-up, then owned by the apply agent.
 */
public final class AppliedRegions {
    /** One region's apply-side state. */
    static final class Region {
        RegionApplyState state;
        RegionDescriptor descriptor;
        /** Bytes of keys and values written to the region here since it came to this store (or the store started). */
        private long bytesWritten;
        /** Keys written (put or deleted) to the region here since then. */
        private long keysWritten;
        /** Where the totals are published for the PD worker, after each commit. */
        private final RegionWriteStats.Counter published;

        Region(final RegionApplyState state, final RegionDescriptor descriptor,
            final RegionWriteStats.Counter published) {
            this.state = state;
            this.descriptor = descriptor;
            this.published = published;
        }

        /** Counts a write applied to the region (staged in the open batch; published once it commits). */
        void countWrite(final long bytes, final long keys) {
            bytesWritten += bytes;
            keysWritten += keys;
        }

        /** @return bytes written to the region here, counted so far (published or not). */
        long bytesWritten() {
            return bytesWritten;
        }

        /** @return keys written to the region here, counted so far (published or not). */
        long keysWritten() {
            return keysWritten;
        }
    }

    /**
     * A change of the regions on this store that the raft agent acts on, once the apply agent committed it: a region a
     * split made (start its peer), a region whose peer here was removed (stop serving it).
     *
     * @param region   the region.
     * @param parentId for a split, the region it split from; 0 for a removal.
     * @param removed  whether this store's peer was removed from the region (and its state here destroyed).
     */
    public record RegionEvent(RegionDescriptor region, long parentId, boolean removed) {
        /** A region a split of {@code parentId} made. */
        public RegionEvent(final RegionDescriptor region, final long parentId) {
            this(region, parentId, false);
        }

        /** A region this store's peer was removed from. */
        static RegionEvent removal(final RegionDescriptor region) {
            return new RegionEvent(region, 0, true);
        }
    }

    private final Long2ObjectHashMap<Region> regions = new Long2ObjectHashMap<>();
    private final RegionRegistry registry;
    private final Consumer<RegionEvent> onEvent;
    private final List<RegionDescriptor> toPublish = new ArrayList<>();
    private final List<RegionEvent> toAnnounce = new ArrayList<>();
    private final RegionWriteStats writeStats = new RegionWriteStats();

    /**
     * @param registry  where descriptors are published.
     * @param onEvent   where regions splits make and regions that left the store are announced, once committed.
     */
    public AppliedRegions(final RegionRegistry registry, final Consumer<RegionEvent> onEvent) {
        this.registry = registry;
        this.onEvent = onEvent;
    }

    /** Adds a region (start-up, before the agents run) and publishes it. */
    public void add(final RegionApplyState state, final RegionDescriptor descriptor) {
        if (state.regionId() != descriptor.id()) {
            throw new IllegalArgumentException("apply state of region " + state.regionId() + " with " + descriptor);
        }
        regions.put(state.regionId(), new Region(state, descriptor, writeStats.add(state.regionId())));
        registry.publish(descriptor);
    }

    /** @return each region's written bytes and keys, as published after each commit. Read by the PD worker. */
    public RegionWriteStats writeStats() {
        return writeStats;
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

    /**
     * A split staged in the open batch: the parent's new descriptor and the new region take effect here at once (the
     * entries after the split see them); they are published and the new region announced once the batch commits
     * ({@link #afterCommit}). Were the batch to fail, the store fails stop and nothing is published. Apply agent only.
     */
    void split(final Region parent, final RegionDescriptor left, final RegionApplyState childState,
        final RegionDescriptor child) {
        parent.descriptor = left;
        // The new region's writes count from 0; what was written before the split stays with the parent.
        regions.put(child.id(), new Region(childState, child, writeStats.add(child.id())));
        toPublish.add(left);
        toPublish.add(child);
        toAnnounce.add(new RegionEvent(child, left.id()));
    }

    /**
     * A membership change staged in the open batch: the region's new descriptor takes effect here at once and is
     * published once the batch commits. Apply agent only.
     */
    void change(final Region region, final RegionDescriptor next) {
        region.descriptor = next;
        toPublish.add(next);
    }

    /**
     * The region left this store (its peer here was removed, and its state here destroyed, committed): forgotten here
     * and in the registry at once, and announced for the raft agent to stop serving it. Apply agent only.
     */
    void remove(final long regionId) {
        final Region region = regions.remove(regionId);
        if (region != null) {
            toPublish.removeIf(descriptor -> descriptor.id() == regionId);
            registry.remove(regionId);
            writeStats.remove(regionId);
            onEvent.accept(RegionEvent.removal(region.descriptor));
        }
    }

    /**
     * The open batch, of {@code committed}, committed: publishes the region's written totals and what the batch
     * changed, and announces the regions it made. Apply agent only.
     */
    void afterCommit(final Region committed) {
        committed.published.publish(committed.bytesWritten, committed.keysWritten);
        if (toPublish.isEmpty()) {
            return;
        }
        for (final RegionDescriptor region : toPublish) {
            registry.publish(region);
        }
        for (final RegionEvent created : toAnnounce) {
            onEvent.accept(created);
        }
        toPublish.clear();
        toAnnounce.clear();
    }

    /**
     * Replaces a region's state after a snapshot install (or adds the region, for a peer a membership change created
     * here, whose first state the snapshot is), and publishes its descriptor. Apply agent only.
     */
    void replace(final RegionApplyState state, final RegionDescriptor descriptor) {
        final Region region = regions.get(state.regionId());
        if (region == null) {
            regions.put(state.regionId(), new Region(state, descriptor, writeStats.add(state.regionId())));
        } else {
            // The same region, here all along: what this store counted of it stands.
            region.state = state;
            region.descriptor = descriptor;
        }
        registry.publish(descriptor);
    }
}
