package io.tkv.server.storepd;

import io.tkv.storage.RegionDescriptor;
import io.tkv.storage.RegionSize;
import io.tkv.storage.SplitKeyFinder;
import io.tkv.storage.StorageEngine;

/** {@link RegionData} from the store's RocksDB: {@link RegionSize} and {@link SplitKeyFinder}. PD worker thread. */
public final class EngineRegionData implements RegionData {
    private final RegionSize sizes;
    private final SplitKeyFinder finder;

    public EngineRegionData(final StorageEngine engine) {
        this.sizes = new RegionSize(engine);
        this.finder = new SplitKeyFinder(engine);
    }

    @Override
    public long[] approximateSize(final RegionDescriptor region) {
        return sizes.estimate(region.range());
    }

    @Override
    public byte[] splitKey(final RegionDescriptor region, final long splitBytes, final long splitKeys) {
        return finder.find(region, splitBytes, splitKeys);
    }

    @Override
    public byte[] halfSplitKey(final RegionDescriptor region) {
        return finder.findHalf(region);
    }
}
