package io.tkv.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.concurrent.UnsafeBuffer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.IngestExternalFileOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A region's whole state as SST files: exported from one consistent RocksDB view on the leader, streamed by the
 * transport, ingested on a lagging or new peer.
 * <p>
 * A region's state is the keys of its {@link KeyRange} in each data column family ({@code default}, {@code lock},
 * {@code write}) plus its band of the {@code raft} column family ({@link RegionKeys}): its apply state and its
 * dedup records. One file per column family that holds any of them, named by {@link SnapshotFile#fileName()}.
 * <p>
 * Ingest replaces the region's state wholesale, and is made crash safe by a marker: the marker (holding the range
 * being replaced) is written synced first and deleted synced last. A store that crashes in between finds it;
 * {@link RegionApplyState#load} then refuses the region until {@link #discardInterruptedIngest} or a new
 * {@link #ingest} runs, rather than replaying the log over half a snapshot.
 * <p>
 * <b>Threads:</b> {@link #export} only reads RocksDB through a snapshot and may run on any thread, e.g. off the
 * apply agent, while the region keeps applying. {@link #ingest} and {@link #discardInterruptedIngest} change the
 * region and its {@link DedupTable}: call them on the apply agent, with no {@link ApplyBatch} of the region open.
 */
public final class RegionSnapshot {
    private static final ColumnFamily[] DATA_FAMILIES = {ColumnFamily.DEFAULT, ColumnFamily.LOCK, ColumnFamily.WRITE};

    private final StorageEngine engine;
    private final DedupTable dedup;

    /**
     * @param engine the open engine; must outlive this object.
     * @param dedup  the store's dedup table, reloaded for a region after its ingest.
     */
    public RegionSnapshot(final StorageEngine engine, final DedupTable dedup) {
        this.engine = engine;
        this.dedup = dedup;
    }

    /**
     * Exports a region over the range its descriptor has in the same consistent view (the whole key space for a
     * region without one).
     *
     * @see #export(long, KeyRange, Path)
     */
    public SnapshotDescriptor export(final long regionId, final Path dir) {
        return export(regionId, null, dir);
    }

    /**
     * Writes the region's state, as of one consistent point, to SST files in {@code dir}.
     *
     * @param regionId  the region.
     * @param dataRange the region's data range, or null for the range of its descriptor in the exported view.
     * @param dir       where the files go; created if missing, best empty (same-named files are replaced).
     * @return the descriptor: apply state of the export, files, sizes and CRC32Cs.
     * @throws StorageException if RocksDB or the file system fails, or the region's last ingest was interrupted.
     */
    public SnapshotDescriptor export(final long regionId, final KeyRange range, final Path dir) {
        final RocksDB db = engine.db();
        final Snapshot snapshot = db.getSnapshot();
        try (ReadOptions read = new ReadOptions().setSnapshot(snapshot)) {
            Files.createDirectories(dir);
            final ColumnFamilyHandle raft = engine.handle(ColumnFamily.RAFT);
            if (db.get(raft, read, RegionKeys.ingestMarkerKey(regionId)) != null) {
                throw new StorageException("region " + regionId + " has an interrupted ingest: nothing to export");
            }
            final RegionApplyState state =
                RegionApplyState.decode(regionId, db.get(raft, read, applyStateKey(regionId)));
            final byte[] region = range == null ? db.get(raft, read, RegionKeys.regionKey(regionId)) : null;
            final KeyRange dataRange = range != null ? range
                : region == null ? KeyRange.WHOLE : RegionDescriptor.decode(regionId, region).range();
            final List<SnapshotFile> files = new ArrayList<>(ColumnFamily.values().length);
            for (final ColumnFamily family : ColumnFamily.values()) {
                final SnapshotFile file = SstFiles.write(db, engine.handle(family), family, snapshot,
                    start(family, regionId, dataRange), end(family, regionId, dataRange),
                    engine.config().compression(), dir.resolve(SnapshotFile.fileName(family)));
                if (file != null) {
                    files.add(file);
                }
            }
            return new SnapshotDescriptor(regionId, state.appliedIndex(), state.appliedTerm(), dataRange, files);
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot export region " + regionId + ": " + ex.getMessage(), ex);
        } catch (final IOException ex) {
            throw new StorageException("cannot write snapshot of region " + regionId + " to " + dir + ": " +
                ex.getMessage(), ex);
        } finally {
            db.releaseSnapshot(snapshot);
        }
    }

    /**
     * Replaces the region's state by a snapshot: checks every file against the descriptor, deletes the region's
     * current state in every column family (the descriptor's data range and the region's {@code raft} band),
     * ingests the files (moved into RocksDB: they are gone from {@code dir} afterwards), and reloads the region's
     * dedup records.
     *
     * @param regionId   the region.
     * @param dir        the directory holding the files named in the descriptor.
     * @param descriptor the snapshot's descriptor, as sent by the exporting peer.
     * @return the region's apply state after the ingest: replace any state object held for the region by it.
     * @throws SnapshotException if the snapshot is refused (another region, a missing, corrupt or out-of-range
     *                           file, an apply state that disagrees with the descriptor); nothing was changed.
     * @throws StorageException  if RocksDB fails part way: the region is then left marked as interrupted.
     */
    public RegionApplyState ingest(final long regionId, final Path dir, final SnapshotDescriptor descriptor) {
        if (descriptor.regionId() != regionId) {
            throw new SnapshotException(
                "snapshot of region " + descriptor.regionId() + " offered to region " + regionId);
        }
        ensureNoBatch(regionId);
        final Path raftFile = verify(regionId, dir, descriptor);
        final RocksDB db = engine.db();
        final byte[] marker = RegionKeys.ingestMarkerKey(regionId);
        try (WriteOptions synced = new WriteOptions().setSync(true);
            IngestExternalFileOptions options = new IngestExternalFileOptions().setMoveFiles(true)) {
            db.put(engine.handle(ColumnFamily.RAFT), synced, marker, encodeRange(descriptor.dataRange()));
            clear(regionId, descriptor.dataRange(), synced);
            for (final ColumnFamily family : DATA_FAMILIES) {
                final SnapshotFile file = descriptor.file(family);
                if (file != null) {
                    db.ingestExternalFile(engine.handle(family), List.of(dir.resolve(file.fileName()).toString()),
                        options);
                }
            }
            if (raftFile != null) {
                db.ingestExternalFile(engine.handle(ColumnFamily.RAFT), List.of(raftFile.toString()), options);
            }
            db.delete(engine.handle(ColumnFamily.RAFT), synced, marker);
        } catch (final RocksDBException ex) {
            throw new StorageException("ingest of region " + regionId + " failed part way, the region is marked " +
                "interrupted: " + ex.getMessage(), ex);
        } finally {
            // Memory follows RocksDB whatever happened, so a failed ingest leaves no stale records either.
            dedup.reload(regionId);
        }
        return RegionApplyState.load(engine, regionId);
    }

    /**
     * Destroys a region this store no longer holds a peer of (its removal applied here): deletes its data range and its
     * band, and records a tombstone with the removed peer's id, in one synced write, then forgets its dedup records.
     * The tombstone outlives the region, so a late message of the region to that peer (or an older one) never makes a
     * peer of it here again ({@link #tombstones}). Apply agent, with no batch of the region open.
     *
     * @throws StorageException if RocksDB fails.
     */
    public void destroy(final long regionId, final KeyRange dataRange, final long removedPeerId) {
        ensureNoBatch(regionId);
        try (WriteOptions synced = new WriteOptions().setSync(true)) {
            clear(regionId, dataRange, synced);
            final byte[] peer = new byte[Long.BYTES];
            ByteBuffer.wrap(peer).order(ByteOrder.BIG_ENDIAN).putLong(removedPeerId);
            engine.db().put(engine.handle(ColumnFamily.RAFT), synced, RegionKeys.tombstoneKey(regionId), peer);
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot destroy region " + regionId + ": " + ex.getMessage(), ex);
        } finally {
            dedup.reload(regionId);
        }
    }

    /**
     * @return per region destroyed here, the highest peer id of it removed from this store.
     * @throws StorageException if RocksDB fails.
     */
    public Map<Long, Long> tombstones() {
        final Map<Long, Long> tombstones = new HashMap<>();
        try (RocksIterator iterator = engine.db().newIterator(engine.handle(ColumnFamily.RAFT))) {
            for (iterator.seek(RegionKeys.tombstonesStart()); iterator.isValid(); iterator.next()) {
                final byte[] key = iterator.key();
                if (key.length != RegionKeys.REGION_PREFIX_LENGTH || key[0] != RegionKeys.TOMBSTONE_PREFIX) {
                    break;
                }
                tombstones.put(RegionKeys.regionId(new UnsafeBuffer(key)),
                    ByteBuffer.wrap(iterator.value()).order(ByteOrder.BIG_ENDIAN).getLong());
            }
            iterator.status();
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot list tombstones: " + ex.getMessage(), ex);
        }
        return tombstones;
    }

    /**
     * @return the regions whose ingest started and did not finish, ascending.
     * @throws StorageException if RocksDB fails.
     */
    public long[] interruptedIngests() {
        final List<Long> regions = new ArrayList<>();
        try (RocksIterator iterator = engine.db().newIterator(engine.handle(ColumnFamily.RAFT))) {
            for (iterator.seek(RegionKeys.allBandsEnd()); iterator.isValid(); iterator.next()) {
                final byte[] key = iterator.key();
                if (key.length != RegionKeys.REGION_PREFIX_LENGTH || key[0] != RegionKeys.INGEST_MARKER_PREFIX) {
                    break;
                }
                regions.add(RegionKeys.regionId(new UnsafeBuffer(key)));
            }
            iterator.status();
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot list interrupted ingests: " + ex.getMessage(), ex);
        }
        return regions.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * @return whether an ingest of the region started and did not finish (a crash or a RocksDB error part way).
     */
    public boolean isIngestInterrupted(final long regionId) {
        try {
            return engine.db().get(engine.handle(ColumnFamily.RAFT), RegionKeys.ingestMarkerKey(regionId)) != null;
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot read ingest marker of region " + regionId + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * After an interrupted ingest, deletes the region's half-replaced state (the range the ingest was replacing,
     * and the region's {@code raft} band) and the marker: the region is then empty, at apply state (0, 0), and
     * needs a snapshot.
     *
     * @return whether there was an interrupted ingest to discard.
     */
    public boolean discardInterruptedIngest(final long regionId) {
        ensureNoBatch(regionId);
        final byte[] marker = RegionKeys.ingestMarkerKey(regionId);
        final RocksDB db = engine.db();
        try (WriteOptions synced = new WriteOptions().setSync(true)) {
            final byte[] range = db.get(engine.handle(ColumnFamily.RAFT), marker);
            if (range == null) {
                return false;
            }
            clear(regionId, decodeRange(range), synced);
            db.delete(engine.handle(ColumnFamily.RAFT), synced, marker);
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot discard ingest of region " + regionId + ": " + ex.getMessage(), ex);
        } finally {
            dedup.reload(regionId);
        }
        return true;
    }

    /**
     * Checks every file of the descriptor before anything changes.
     *
     * @return the {@code raft} file, or null when the snapshot has none.
     */
    private Path verify(final long regionId, final Path dir, final SnapshotDescriptor descriptor) {
        Path raftFile = null;
        for (final SnapshotFile file : descriptor.files()) {
            final Path path = dir.resolve(file.fileName());
            checkSizeAndCrc(path, file);
            final ColumnFamily family = file.columnFamily();
            SstFiles.checkKeysWithin(path, start(family, regionId, descriptor.dataRange()),
                end(family, regionId, descriptor.dataRange()));
            if (family == ColumnFamily.RAFT) {
                raftFile = path;
            }
        }
        final byte[] state = raftFile == null ? null : SstFiles.find(raftFile, applyStateKey(regionId));
        final RegionApplyState applied;
        try {
            applied = RegionApplyState.decode(regionId, state);
        } catch (final StorageException ex) {
            throw new SnapshotException("snapshot of region " + regionId + ": " + ex.getMessage(), ex);
        }
        if (applied.appliedIndex() != descriptor.appliedIndex() || applied.appliedTerm() != descriptor.appliedTerm()) {
            throw new SnapshotException("snapshot of region " + regionId + " holds apply state " +
                applied.appliedIndex() + "/" + applied.appliedTerm() + ", its descriptor says " +
                descriptor.appliedIndex() + "/" + descriptor.appliedTerm());
        }
        return raftFile;
    }

    private static void checkSizeAndCrc(final Path path, final SnapshotFile file) {
        try {
            if (!Files.isRegularFile(path)) {
                throw new SnapshotException("snapshot file " + path + " is missing");
            }
            final long size = Files.size(path);
            if (size != file.sizeBytes()) {
                throw new SnapshotException(
                    "snapshot file " + path + " has " + size + " bytes, " + file.sizeBytes() + " expected");
            }
            final int crc = SstFiles.crc32c(path);
            if (crc != file.crc32c()) {
                throw new SnapshotException("snapshot file " + path + " is corrupt: CRC32C " +
                    Integer.toHexString(crc) + ", " + Integer.toHexString(file.crc32c()) + " expected");
            }
        } catch (final IOException ex) {
            throw new SnapshotException("cannot read snapshot file " + path + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Deletes the region's state: its data range in each data column family and its {@code raft} band, in one
     * synced write (synced, so that an ingested file can never end up above data the tombstones failed to hide).
     */
    private void clear(final long regionId, final KeyRange dataRange, final WriteOptions synced)
        throws RocksDBException {
        final RocksDB db = engine.db();
        try (WriteBatch batch = new WriteBatch()) {
            for (final ColumnFamily family : DATA_FAMILIES) {
                final byte[] start = dataRange.startRef();
                final byte[] end = dataRange.hasEnd() ? dataRange.endRef() : pastLastKey(family, start);
                if (end != null) {
                    batch.deleteRange(engine.handle(family), start, end);
                }
            }
            batch.deleteRange(engine.handle(ColumnFamily.RAFT), RegionKeys.bandStart(regionId),
                RegionKeys.bandEnd(regionId));
            db.write(synced, batch);
        }
    }

    /**
     * @return the smallest key after the column family's last key at or above {@code start}, or null when there is
     *         none: the end of a range delete with no end. The apply agent is the only writer, so it stays the end.
     */
    private byte[] pastLastKey(final ColumnFamily family, final byte[] start) throws RocksDBException {
        try (Slice lower = new Slice(start);
            ReadOptions read = new ReadOptions().setIterateLowerBound(lower);
            RocksIterator it = engine.db().newIterator(engine.handle(family), read)) {
            it.seekToLast();
            if (!it.isValid()) {
                it.status();
                return null;
            }
            final byte[] last = it.key();
            final byte[] past = new byte[last.length + 1];
            System.arraycopy(last, 0, past, 0, last.length);
            return past;
        }
    }

    private void ensureNoBatch(final long regionId) {
        if (dedup.region(regionId).batchOpen) {
            throw new IllegalStateException("an apply batch of region " + regionId + " is open: commit or abort it");
        }
    }

    private static byte[] start(final ColumnFamily family, final long regionId, final KeyRange dataRange) {
        return family == ColumnFamily.RAFT ? RegionKeys.bandStart(regionId) : dataRange.startRef();
    }

    private static byte[] end(final ColumnFamily family, final long regionId, final KeyRange dataRange) {
        return family == ColumnFamily.RAFT ? RegionKeys.bandEnd(regionId) : dataRange.endRef();
    }

    private static byte[] applyStateKey(final long regionId) {
        final byte[] key = new byte[RegionKeys.APPLY_STATE_KEY_LENGTH];
        RegionKeys.applyStateKey(new UnsafeBuffer(key), regionId);
        return key;
    }

    /** The ingest marker's value: the range being replaced. */
    static byte[] encodeRange(final KeyRange range) {
        final byte[] start = range.startRef();
        final byte[] end = range.endRef();
        return ByteBuffer.allocate(2 * Integer.BYTES + start.length + end.length).order(ByteOrder.BIG_ENDIAN)
            .putInt(start.length).put(start).putInt(end.length).put(end).array();
    }

    private static KeyRange decodeRange(final byte[] bytes) {
        final ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        final byte[] start = new byte[in.getInt()];
        in.get(start);
        final byte[] end = new byte[in.getInt()];
        in.get(end);
        return KeyRange.of(start, end);
    }
}
