package io.tkv.server.storepd;

import io.tkv.server.StoreCounters;
import io.tkv.server.region.RegionRegistry;
import io.tkv.storage.EngineSize;
import io.tkv.storage.StorageEngine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link StoreStats} of a running store: the data dir's file system, RocksDB's size, the region registry, and the
 * apply agent's written counters. Any thread.
 */
public final class EngineStoreStats implements StoreStats {
    private final FileStore disk;
    private final EngineSize size;
    private final RegionRegistry regions;
    private final StoreCounters counters;

    public EngineStoreStats(
        final Path dataDir, final StorageEngine engine, final RegionRegistry regions, final StoreCounters counters) {
        try {
            this.disk = Files.getFileStore(dataDir);
        } catch (final IOException ex) {
            throw new UncheckedIOException("cannot find the file system of " + dataDir, ex);
        }
        this.size = new EngineSize(engine);
        this.regions = regions;
        this.counters = counters;
    }

    @Override
    public long capacityBytes() {
        try {
            return disk.getTotalSpace();
        } catch (final IOException ex) {
            return 0;
        }
    }

    @Override
    public long availableBytes() {
        try {
            return disk.getUsableSpace();
        } catch (final IOException ex) {
            return 0;
        }
    }

    @Override
    public long usedBytes() {
        return size.usedBytes();
    }

    @Override
    public int regionCount() {
        return regions.size();
    }

    @Override
    public long bytesWritten() {
        return counters.bytesWritten().get();
    }

    @Override
    public long keysWritten() {
        return counters.keysWritten().get();
    }
}
