package io.tkv.server.raft;

import io.tkv.raft.core.ConfState;
import io.tkv.raft.core.Snapshot;
import io.tkv.raft.snapshot.SnapshotData;
import io.tkv.raft.snapshot.SnapshotProxy;
import io.tkv.raft.store.SnapshotSource;
import io.tkv.storage.SnapshotFile;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.List;

/**
 * The store's {@link SnapshotSource}, on the raft agent: answers with the region's latest export if it covers the
 * compacted index, else asks the {@link SnapshotExporter} for a new one and answers null (the core asks again). A
 * snapshot's data is a {@link SnapshotData}: the export's id and this store (where the follower fetches the
 * files), each file's size and CRC32C, and the storage's encoded descriptor. A superseded export is retired to the
 * snapshot agent, which deletes it once no transfer uses it.
 */
final class StoreSnapshotSource implements SnapshotSource {
    /** A finished export and its encoded data. */
    private record Latest(long snapshotId, long index, long term, byte[] data) {
    }

    private final long storeId;
    private final SnapshotExporter exporter;
    private final SnapshotProxy transfers;
    private final Long2ObjectHashMap<Latest> latest = new Long2ObjectHashMap<>();
    private final LongHashSet exporting = new LongHashSet();

    StoreSnapshotSource(final long storeId, final SnapshotExporter exporter, final SnapshotProxy transfers) {
        this.storeId = storeId;
        this.exporter = exporter;
        this.transfers = transfers;
    }

    @Override
    public Snapshot latest(final long regionId, final ConfState conf, final long minIndex) {
        collectExports();
        final Latest export = latest.get(regionId);
        if (export != null && export.index() >= minIndex) {
            return new Snapshot(export.index(), export.term(), conf, export.data());
        }
        if (!exporting.contains(regionId) && exporter.request(regionId)) {
            exporting.add(regionId);
        }
        return null;
    }

    private void collectExports() {
        SnapshotExporter.Export export;
        while ((export = exporter.poll()) != null) {
            exporting.remove(export.regionId());
            if (export.descriptor() == null) {
                continue;
            }
            final List<SnapshotData.FileInfo> files = new ArrayList<>();
            for (final SnapshotFile file : export.descriptor().files()) {
                files.add(new SnapshotData.FileInfo(file.fileName(), file.sizeBytes(), file.crc32c()));
            }
            final byte[] data = new SnapshotData(export.snapshotId(), storeId, files, export.descriptor().encode())
                .encode();
            final Latest previous = latest.put(export.regionId(), new Latest(export.snapshotId(),
                export.descriptor().appliedIndex(), export.descriptor().appliedTerm(), data));
            if (previous != null) {
                transfers.retire(previous.snapshotId());
            }
        }
    }
}
