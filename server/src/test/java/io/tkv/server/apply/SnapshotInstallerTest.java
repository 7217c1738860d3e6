package io.tkv.server.apply;

import io.tkv.raft.snapshot.SnapshotData;
import io.tkv.raft.snapshot.SnapshotDirs;
import io.tkv.storage.ApplyBatch;
import io.tkv.storage.DedupTable;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.RegionApplyState;
import io.tkv.storage.RegionSnapshot;
import io.tkv.storage.SnapshotDescriptor;
import io.tkv.storage.SnapshotFile;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import org.agrona.CloseHelper;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Installing a fetched snapshot into a real RocksDB: through the apply agent's INGEST path (the fetched files are
 * only linked into the ingest, and the directory is handed over afterwards), and at start-up for a store that
 * died after its log was compacted for the snapshot but before the state machine had it.
 */
class SnapshotInstallerTest {
    private static final long REGION = 1;

    @TempDir
    Path dir;

    private static StorageEngine open(final Path dataDir) {
        return StorageEngine.open(new StorageConfig().dataDir(dataDir).fsyncPolicy(FsyncPolicy.NONE));
    }

    /** Exports the leader's region into a receive directory as the snapshot agent would leave it. */
    private static byte[] fetchedSnapshot(final StorageEngine leader, final Path root) throws Exception {
        final DedupTable dedup = DedupTable.load(leader);
        try (ApplyBatch batch = new ApplyBatch(leader, dedup)) {
            final RegionApplyState state = RegionApplyState.load(leader, REGION);
            batch.begin(state);
            for (int i = 1; i <= 20; i++) {
                batch.beginEntry(i, 3, 1_000);
                final byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
                final byte[] value = ("v" + i).getBytes(StandardCharsets.UTF_8);
                batch.put(new UnsafeBuffer(key), 0, key.length, new UnsafeBuffer(value), 0, value.length, 0);
            }
            batch.commit();
        }
        final Path export = root.resolve("export");
        final SnapshotDescriptor descriptor = new RegionSnapshot(leader, dedup).export(REGION, export);
        final List<SnapshotData.FileInfo> files = new ArrayList<>();
        for (final SnapshotFile file : descriptor.files()) {
            files.add(new SnapshotData.FileInfo(file.fileName(), file.sizeBytes(), file.crc32c()));
        }
        final SnapshotData data = new SnapshotData(77, 2, files, descriptor.encode());
        final Path received = SnapshotDirs.receiveDir(root, REGION, data);
        Files.move(export, received);
        Files.write(received.resolve(SnapshotDirs.META_FILE), data.encode());
        return data.encode();
    }

    private static String get(final StorageEngine engine, final String key) {
        try (RawKvStore store = new RawKvStore(engine, SystemEpochClock.INSTANCE)) {
            final byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            final ExpandableDirectByteBuffer out = new ExpandableDirectByteBuffer(64);
            final int length = store.get(new UnsafeBuffer(bytes), 0, bytes.length, out);
            return length < 0 ? null : out.getStringWithoutLengthUtf8(0, length);
        }
    }

    @Test
    void shouldInstallAFetchedSnapshotAndHandItsDirectoryOver() throws Exception {
        final Path root = dir.resolve("snap");
        final StorageEngine leader = open(dir.resolve("leader"));
        final StorageEngine follower = open(dir.resolve("follower"));
        try {
            final byte[] data = fetchedSnapshot(leader, root);
            final List<Path> handedOver = new ArrayList<>();
            final SnapshotInstaller installer = new SnapshotInstaller(
                new RegionSnapshot(follower, DedupTable.load(follower)), root, handedOver::add);
            final RegionApplyState state = installer.install(REGION, 20, 3, data);
            assertEquals(20, state.appliedIndex());
            assertEquals(3, state.appliedTerm());
            assertEquals("v7", get(follower, "k7"));
            assertEquals(1, handedOver.size());
            assertTrue(Files.isRegularFile(handedOver.get(0).resolve(SnapshotDirs.META_FILE)),
                "the fetched files stay whole until the ingest returned");
            assertThrows(RuntimeException.class, () -> installer.install(REGION, 21, 3, data),
                "a snapshot whose state is not at the index it claims is refused");
        } finally {
            CloseHelper.closeAll(follower, leader);
        }
    }

    @Test
    void shouldInstallThePendingSnapshotAtStartUp() throws Exception {
        final Path root = dir.resolve("snap");
        final StorageEngine leader = open(dir.resolve("leader"));
        final StorageEngine follower = open(dir.resolve("follower"));
        try {
            fetchedSnapshot(leader, root);
            final SnapshotInstaller installer = new SnapshotInstaller(
                new RegionSnapshot(follower, DedupTable.load(follower)), root, path -> false);
            assertThrows(IllegalStateException.class, () -> installer.installPending(REGION, 19),
                "no fetched snapshot at another index");
            final RegionApplyState state = installer.installPending(REGION, 20);
            assertEquals(20, state.appliedIndex());
            assertEquals(20, RegionApplyState.load(follower, REGION).appliedIndex());
            assertEquals("v20", get(follower, "k20"));
            try (var left = Files.list(root)) {
                assertFalse(left.findAny().isPresent(), "the installed snapshot's directory is gone");
            }
        } finally {
            CloseHelper.closeAll(follower, leader);
        }
    }
}
