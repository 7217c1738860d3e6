package io.tkv.server.region;

import io.tkv.storage.RegionDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The store's one view of its regions — range, epoch, peers — for the agents that do not own region state: the
 * ingress checks every request against it, tools list it. The apply agent owns the state (it changes only by applying
 * the log, and is persisted with the applied index, {@link RegionDescriptor}); it publishes each change here after it
 * committed it, and start-up publishes what it loaded.
 *
 * <p>Copy on write: a change (rare: a split, a membership change, a snapshot) publishes a new immutable map through a
 * volatile field, so a lookup from any thread is a volatile read and a primitive-keyed get, without locks or
 * allocation. The apply agent is the only writer once the agents run.
 */
public final class RegionRegistry {
    private volatile Long2ObjectHashMap<RegionDescriptor> regions = new Long2ObjectHashMap<>();
    /** The same regions, by start key: published with {@link #regions}, read after it. */
    private volatile RegionDescriptor[] byStart = new RegionDescriptor[0];

    /** @return the region's descriptor, or null if the region is not on this store. Any thread. */
    public RegionDescriptor get(final long regionId) {
        return regions.get(regionId);
    }

    /** Publishes a region's new state (or a new region). Its single writer only. */
    public void publish(final RegionDescriptor region) {
        final Long2ObjectHashMap<RegionDescriptor> next = new Long2ObjectHashMap<>(regions);
        next.put(region.id(), region);
        install(next);
    }

    /** Forgets a region that left this store. Its single writer only. */
    public void remove(final long regionId) {
        final Long2ObjectHashMap<RegionDescriptor> next = new Long2ObjectHashMap<>(regions);
        next.remove(regionId);
        install(next);
    }

    private void install(final Long2ObjectHashMap<RegionDescriptor> next) {
        final RegionDescriptor[] sorted = next.values().toArray(new RegionDescriptor[0]);
        Arrays.sort(sorted, Comparator.comparing(RegionDescriptor::start, Arrays::compareUnsigned));
        byStart = sorted;
        regions = next;
    }

    /** @return every region on this store, by start key. Any thread; allocates (tools, not the hot path). */
    public List<RegionDescriptor> all() {
        return List.of(byStart);
    }

    /**
     * @return the region of this store whose range holds the stored key, or null. Any thread; a binary search over the
     *     regions by start key, allocation-free.
     */
    public RegionDescriptor containing(final DirectBuffer key, final int offset, final int length) {
        final RegionDescriptor[] sorted = byStart;
        int low = 0;
        int high = sorted.length - 1;
        while (low <= high) {
            final int mid = (low + high) >>> 1;
            final RegionDescriptor region = sorted[mid];
            if (region.containsStoredKey(key, offset, length)) {
                return region;
            }
            if (region.startsAfter(key, offset, length)) {
                high = mid - 1;
            } else {
                low = mid + 1;
            }
        }
        return null;
    }

    /** @return how many regions are on this store. Any thread. */
    public int size() {
        return regions.size();
    }
}
