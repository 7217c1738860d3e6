package io.tkv.server.storepd;

import io.tkv.storage.RegionDescriptor;

/** What the PD worker reads of a region's data: its approximate size, and where to split it. Cheap to fake. */
public interface RegionData {
    /** @return {bytes, keys}, approximate (RocksDB's estimate, no data read). */
    long[] approximateSize(RegionDescriptor region);

    /** @return the first key at which the region reaches the split size or key count, or null (reads the data). */
    byte[] splitKey(RegionDescriptor region, long splitBytes, long splitKeys);

    /** @return the key that halves the region's bytes, or null (reads the data). */
    byte[] halfSplitKey(RegionDescriptor region);
}
