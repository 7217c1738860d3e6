package io.tkv.pd.cluster;

import java.util.Collection;
import java.util.List;

/** Read access to the regions: routing queries (by key, by id, scan) and iteration for the schedulers. */
public interface RegionTreeView {
    /** @return the region with this id, or null. */
    RegionInfo byId(long regionId);

    /** @return the region holding {@code key}, or null. */
    RegionInfo byKey(byte[] key);

    /**
     * @param start first key (empty: the beginning).
     * @param end   end key, exclusive (empty: the end).
     * @param limit at most this many; 0 or less: all.
     * @return the regions overlapping {@code [start, end)}, in key order.
     */
    List<RegionInfo> scan(byte[] start, byte[] end, int limit);

    /** @return every region in key order. */
    Collection<RegionInfo> all();

    /** @return the number of regions. */
    int size();
}
