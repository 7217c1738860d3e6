package io.tkv.server.apply;

import io.tkv.raft.snapshot.SnapshotData;
import io.tkv.raft.snapshot.SnapshotDirs;
import io.tkv.storage.KeyRange;
import io.tkv.storage.RegionApplyState;
import io.tkv.storage.RegionSnapshot;
import io.tkv.storage.SnapshotDescriptor;
import io.tkv.storage.SnapshotException;
import io.tkv.storage.SnapshotFile;
import io.tkv.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Installs a snapshot from the leader into RocksDB: the files the snapshot agent fetched into
 * {@code <snap>/recv-...} are hard-linked into a staging directory and ingested from there
 * ({@link RegionSnapshot#ingest} moves what it ingests), so the fetched files stay whole until the ingest has
 * returned; only then is the directory handed over for deletion.
 *
 * <p>Why keep them: the driver compacts the region's log to the snapshot point (synced) before the apply agent
 * installs it. A store that dies in between, or in the middle of the ingest, restarts with its state machine
 * behind its log's first index; {@link #installPending} then ingests the same files again at start-up (an
 * interrupted ingest is discarded first), instead of leaving the region unable to apply anything.
 *
 * <p>Runs on the apply agent ({@link #install}: it changes the region's data), or at start-up before any agent.
 */
public final class SnapshotInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotInstaller.class);
    private static final String STAGING = "ingest";

    private final RegionSnapshot regionSnapshot;
    private final Path root;
    private final Predicate<Path> deleteLater;

    /**
     * @param regionSnapshot the store's snapshot export/ingest.
     * @param root           the snapshot root ({@code <data-dir>/snap}).
     * @param deleteLater    hands a directory to the snapshot agent for deletion; false if it could not.
     */
    public SnapshotInstaller(final RegionSnapshot regionSnapshot, final Path root, final Predicate<Path> deleteLater) {
        this.regionSnapshot = regionSnapshot;
        this.root = root;
        this.deleteLater = deleteLater;
    }

    /**
     * Ingests a snapshot the raft agent handed over (an INGEST record).
     *
     * @param data the snapshot's data: which files, and the storage descriptor.
     * @return the region's apply state afterwards (at {@code index}).
     * @throws SnapshotException if the snapshot is refused (its files do not match it); nothing changed.
     * @throws StorageException  if RocksDB or the file system fails.
     */
    public RegionApplyState install(final long regionId, final long index, final long term, final byte[] data) {
        final SnapshotData snapshotData;
        final SnapshotDescriptor descriptor;
        try {
            snapshotData = SnapshotData.decode(data);
            descriptor = SnapshotDescriptor.decode(snapshotData.payload());
        } catch (final RuntimeException ex) {
            throw new SnapshotException("snapshot " + index + "@" + term + " of region " + regionId
                + " is not readable: " + ex.getMessage(), ex);
        }
        if (descriptor.appliedIndex() != index || descriptor.appliedTerm() != term) {
            throw new SnapshotException("snapshot " + index + "@" + term + " of region " + regionId + " holds state "
                + descriptor.appliedIndex() + "@" + descriptor.appliedTerm());
        }
        final Path dir = SnapshotDirs.receiveDir(root, regionId, snapshotData);
        final RegionApplyState state = ingest(regionId, dir, descriptor);
        if (!deleteLater.test(dir)) {
            LOG.warn("snapshot directory {} stays until the next start-up", dir);
        }
        return state;
    }

    /** Destroys a region this store's peer left (see {@link RegionSnapshot#destroy}). Apply agent. */
    public void destroy(final long regionId, final KeyRange dataRange, final long removedPeerId) {
        regionSnapshot.destroy(regionId, dataRange, removedPeerId);
    }

    /**
     * Start-up: the region's state machine is behind its log's snapshot point ({@code snapshotIndex}); ingests the
     * fetched snapshot the log was compacted for.
     *
     * @return the region's apply state afterwards.
     * @throws IllegalStateException if no complete fetched snapshot at that index is on disk.
     */
    public RegionApplyState installPending(final long regionId, final long snapshotIndex) {
        regionSnapshot.discardInterruptedIngest(regionId);
        try (Stream<Path> dirs = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
            for (final Path dir : (Iterable<Path>)dirs::iterator) {
                final Path meta = dir.resolve(SnapshotDirs.META_FILE);
                if (!SnapshotDirs.isReceiveDirOf(dir, regionId) || !Files.isRegularFile(meta)) {
                    continue;
                }
                final SnapshotDescriptor descriptor =
                    SnapshotDescriptor.decode(SnapshotData.decode(Files.readAllBytes(meta)).payload());
                if (descriptor.appliedIndex() == snapshotIndex) {
                    LOG.info("region {}: installing the snapshot at {} that was fetched before a restart", regionId,
                        snapshotIndex);
                    final RegionApplyState state = ingest(regionId, dir, descriptor);
                    SnapshotDirs.deleteTree(dir);
                    return state;
                }
            }
        } catch (final IOException | RuntimeException ex) {
            throw new IllegalStateException("region " + regionId + ": cannot install the fetched snapshot at "
                + snapshotIndex + ": " + ex.getMessage(), ex);
        }
        throw new IllegalStateException("region " + regionId + ": the state machine is behind the Raft log's "
            + "snapshot point " + snapshotIndex + " and no fetched snapshot at that index is in " + root);
    }

    private RegionApplyState ingest(final long regionId, final Path dir, final SnapshotDescriptor descriptor) {
        final Path staging = dir.resolve(STAGING);
        try {
            SnapshotDirs.deleteTree(staging);
            Files.createDirectories(staging);
            final List<SnapshotFile> files = descriptor.files();
            for (final SnapshotFile file : files) {
                Files.createLink(staging.resolve(file.fileName()), dir.resolve(file.fileName()));
            }
        } catch (final IOException ex) {
            throw new StorageException("cannot stage snapshot files of " + dir + ": " + ex.getMessage(), ex);
        }
        final RegionApplyState state = regionSnapshot.ingest(regionId, staging, descriptor);
        LOG.info("region {}: installed snapshot at {}@{} ({} bytes)", regionId, state.appliedIndex(),
            state.appliedTerm(), descriptor.totalBytes());
        return state;
    }
}
