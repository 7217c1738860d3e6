package io.tkv.pd.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Regions by start key (non-overlapping ranges) and by id. Knows ranges only: whether a region may enter is the
 * caller's rule ({@link Cluster}); {@link #put(RegionInfo)} makes room by dropping whatever it overlaps. Not thread
 * safe: one owner.
 */
public final class RegionTree implements RegionTreeView {
    private final TreeMap<byte[], RegionInfo> byStart = new TreeMap<>(Keys.ORDER);
    private final Map<Long, RegionInfo> byId = new HashMap<>();

    /** @return the region with this id, or null. */
    @Override
    public RegionInfo byId(final long regionId) {
        return byId.get(regionId);
    }

    /** @return the region whose range holds {@code key}, or null (a gap, e.g. before the first heartbeat). */
    @Override
    public RegionInfo byKey(final byte[] key) {
        final Map.Entry<byte[], RegionInfo> floor = byStart.floorEntry(key);
        if (floor == null || !floor.getValue().contains(key)) {
            return null;
        }
        return floor.getValue();
    }

    /**
     * @param start the first key (empty: from the beginning).
     * @param end   the end key, exclusive (empty: to the end).
     * @param limit at most this many regions; 0 or less means no limit.
     * @return the regions overlapping {@code [start, end)}, in key order.
     */
    @Override
    public List<RegionInfo> scan(final byte[] start, final byte[] end, final int limit) {
        final List<RegionInfo> out = new ArrayList<>();
        final byte[] from = byStart.floorKey(start);
        final Collection<RegionInfo> tail = (from == null ? byStart : byStart.tailMap(from, true)).values();
        for (final RegionInfo r : tail) {
            if (!Keys.beforeEnd(r.startKeyUnsafe(), end)) {
                break;
            }
            if (Keys.overlap(r.startKeyUnsafe(), r.endKeyUnsafe(), start, end)) {
                out.add(r);
                if (limit > 0 && out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }

    /** @return the regions whose ranges overlap {@code region}'s (itself included if present with its range). */
    public List<RegionInfo> overlaps(final RegionInfo region) {
        return scan(region.startKeyUnsafe(), region.endKeyUnsafe(), 0);
    }

    /**
     * Puts a region, replacing the one with its id and dropping every other region its range overlaps (after a
     * split the new ranges push out the old one's).
     *
     * @param region the region.
     * @return the regions dropped because they overlapped, not counting an earlier version of {@code region}.
     */
    public List<RegionInfo> put(final RegionInfo region) {
        final RegionInfo origin = byId.get(region.id());
        if (origin != null) {
            removeEntry(origin);
        }
        List<RegionInfo> dropped = Collections.emptyList();
        final List<RegionInfo> overlapping = overlaps(region);
        if (!overlapping.isEmpty()) {
            dropped = new ArrayList<>(overlapping.size());
            for (final RegionInfo old : overlapping) {
                removeEntry(old);
                dropped.add(old);
            }
        }
        byStart.put(region.startKeyUnsafe(), region);
        byId.put(region.id(), region);
        return dropped;
    }

    /**
     * @param regionId the region to remove.
     * @return the removed region, or null.
     */
    public RegionInfo remove(final long regionId) {
        final RegionInfo r = byId.get(regionId);
        if (r != null) {
            removeEntry(r);
        }
        return r;
    }

    private void removeEntry(final RegionInfo r) {
        byId.remove(r.id());
        byStart.remove(r.startKeyUnsafe());
    }

    /** @return the number of regions. */
    @Override
    public int size() {
        return byId.size();
    }

    /** @return every region, in key order (a read-only view). */
    @Override
    public Collection<RegionInfo> all() {
        return Collections.unmodifiableCollection(byStart.values());
    }
}
