package io.tkv.server.raft;

import io.tkv.raft.snapshot.SnapshotDirs;
import io.tkv.storage.RegionSnapshot;
import io.tkv.storage.SnapshotDescriptor;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The small worker that exports region snapshots ({@link RegionSnapshot#export}: SST files from one RocksDB
 * snapshot, into {@code <snap>/send-<id>}) on its own thread, so neither the raft agent nor the apply agent waits
 * for it. Requests come from the raft agent's {@link StoreSnapshotSource} and results go back to it, each on a
 * one-to-one Agrona queue; the worker owns nothing else.
 */
final class SnapshotExporter implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotExporter.class);
    private static final int QUEUE_CAPACITY = 16;

    /** An export's outcome: a descriptor, or the error that stopped it. */
    record Export(long regionId, long snapshotId, SnapshotDescriptor descriptor, String error) {
    }

    private final RegionSnapshot regionSnapshot;
    private final Path root;
    private final OneToOneConcurrentArrayQueue<Long> requests = new OneToOneConcurrentArrayQueue<>(QUEUE_CAPACITY);
    private final OneToOneConcurrentArrayQueue<Export> results = new OneToOneConcurrentArrayQueue<>(QUEUE_CAPACITY);
    private long lastId;

    SnapshotExporter(final RegionSnapshot regionSnapshot, final Path root) {
        this.regionSnapshot = regionSnapshot;
        this.root = root;
    }

    /** Raft agent: asks for an export of the region. @return false if the queue is full. */
    boolean request(final long regionId) {
        return requests.offer(regionId);
    }

    /** Raft agent: the next finished export, or null. */
    Export poll() {
        return results.poll();
    }

    @Override
    public int doWork() {
        final Long regionId = requests.peek();
        if (regionId == null) {
            return 0;
        }
        final long snapshotId = nextId();
        final Path dir = SnapshotDirs.sendDir(root, snapshotId);
        Export export;
        try {
            final SnapshotDescriptor descriptor = regionSnapshot.export(regionId, dir);
            LOG.info("exported snapshot {} of region {} at {}@{}: {} bytes", Long.toHexString(snapshotId), regionId,
                descriptor.appliedIndex(), descriptor.appliedTerm(), descriptor.totalBytes());
            export = new Export(regionId, snapshotId, descriptor, null);
        } catch (final RuntimeException ex) {
            LOG.warn("cannot export a snapshot of region {}", regionId, ex);
            delete(dir);
            export = new Export(regionId, snapshotId, null, ex.toString());
        }
        // One producer, one consumer, capacity above the requests in flight (one per region): the offer fits.
        if (results.offer(export)) {
            requests.poll();
        }
        return 1;
    }

    @Override
    public String roleName() {
        return "tkv-snapshot-export";
    }

    /** Ids are unique across restarts: the wall clock's milliseconds, bumped past the last one. */
    private long nextId() {
        lastId = Math.max(lastId + 1, System.currentTimeMillis());
        return lastId;
    }

    private static void delete(final Path dir) {
        try {
            SnapshotDirs.deleteTree(dir);
        } catch (final IOException ex) {
            LOG.warn("cannot delete {}: {}", dir, ex.toString());
        }
    }
}
