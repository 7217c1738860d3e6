package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;

class RegionSnapshotTest {
    private static final long REGION = 1;
    private static final long OTHER_REGION = 2;
    private static final long T0 = ApplyTestSupport.T0;

    @TempDir
    Path tempDir;

    private Node source;
    private Node target;
    private Path snapshotDir;

    @BeforeEach
    void openNodes() {
        source = new Node(tempDir.resolve("source"));
        target = new Node(tempDir.resolve("target"));
        snapshotDir = tempDir.resolve("snapshot");
    }

    @AfterEach
    void closeNodes() {
        source.close();
        target.close();
    }

    @Test
    void shouldReproduceTheRegionOnAnotherStore() throws RocksDBException {
        fillSource();
        fillTarget();
        final Map<String, String> targetOtherBand = target.band(OTHER_REGION);
        final long targetStoreId = new StoreMeta(target.engine).storeId();

        final SnapshotDescriptor descriptor = source.snapshots.export(REGION, snapshotDir);
        assertEquals(4, descriptor.appliedIndex());
        assertEquals(3, descriptor.appliedTerm());
        assertEquals(ColumnFamily.values().length, descriptor.files().size());
        final SnapshotDescriptor received = SnapshotDescriptor.decode(descriptor.encode());
        final RegionApplyState applied = target.snapshots.ingest(REGION, snapshotDir, received);
        target.state = applied;

        assertEquals(4, applied.appliedIndex());
        assertEquals(3, applied.appliedTerm());
        for (final ColumnFamily family : List.of(ColumnFamily.DEFAULT, ColumnFamily.LOCK, ColumnFamily.WRITE)) {
            assertEquals(ApplyTestSupport.dump(source.engine, family), ApplyTestSupport.dump(target.engine, family),
                family.cfName());
        }
        assertEquals(source.band(REGION), target.band(REGION));
        assertEquals(targetOtherBand, target.band(OTHER_REGION), "another region's state is untouched");
        assertEquals(targetStoreId, new StoreMeta(target.engine).storeId(), "the store identity is untouched");
        assertFalse(target.snapshots.isIngestInterrupted(REGION));
        for (final SnapshotFile file : descriptor.files()) {
            assertFalse(Files.exists(snapshotDir.resolve(file.fileName())), "ingested files are moved in");
        }

        // The dedup records came along: the source's client is known, the target's old one is gone.
        assertEquals(source.dedup.clientCount(REGION), target.dedup.clientCount(REGION));
        target.batch.begin(target.state);
        target.batch.beginEntry(5, 3, T0);
        assertEquals(DedupStatus.DUPLICATE, target.batch.checkRequest(11, 2));
        final UnsafeBuffer reply = new UnsafeBuffer(target.batch.duplicateReply().byteArray());
        assertEquals("reply-2", reply.getStringWithoutLengthUtf8(0, reply.capacity()));
        assertEquals(DedupStatus.NEW, target.batch.checkRequest(99, 1));
        target.batch.commit();
        assertEquals(5, target.state.appliedIndex());

        // And all of it survives a restart of the target.
        target.reopen();
        assertEquals(5, target.state.appliedIndex());
        assertEquals(source.dedup.clientCount(REGION), target.dedup.clientCount(REGION));
    }

    @Test
    void shouldRefuseACorruptFileAndChangeNothing() throws IOException, RocksDBException {
        fillSource();
        fillTarget();
        final SnapshotDescriptor descriptor = source.snapshots.export(REGION, snapshotDir);
        final Map<String, Map<String, String>> before = ApplyTestSupport.dumpAll(target.engine);

        final Path file = snapshotDir.resolve(SnapshotFile.fileName(ColumnFamily.DEFAULT));
        final byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
        final SnapshotException ex = assertThrows(SnapshotException.class,
            () -> target.snapshots.ingest(REGION, snapshotDir, descriptor));
        assertTrue(ex.getMessage().contains("CRC32C"), ex.getMessage());

        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));
        assertThrows(SnapshotException.class, () -> target.snapshots.ingest(REGION, snapshotDir, descriptor));
        Files.delete(file);
        assertThrows(SnapshotException.class, () -> target.snapshots.ingest(REGION, snapshotDir, descriptor));

        assertEquals(before, ApplyTestSupport.dumpAll(target.engine));
        assertFalse(target.snapshots.isIngestInterrupted(REGION));
        assertEquals(1, target.dedup.clientCount(REGION));
        assertEquals(2, RegionApplyState.load(target.engine, REGION).appliedIndex());
    }

    @Test
    void shouldRefuseASnapshotThatDisagreesWithItsDescriptor() {
        fillSource();
        fillTarget();
        final SnapshotDescriptor descriptor = source.snapshots.export(REGION, snapshotDir);
        final Map<String, Map<String, String>> before = ApplyTestSupport.dumpAll(target.engine);

        assertThrows(SnapshotException.class, () -> target.snapshots.ingest(OTHER_REGION, snapshotDir, descriptor));
        final SnapshotDescriptor lying = new SnapshotDescriptor(REGION, 9, 3, descriptor.dataRange(),
            descriptor.files());
        assertTrue(assertThrows(SnapshotException.class, () -> target.snapshots.ingest(REGION, snapshotDir, lying))
            .getMessage().contains("apply state"));
        final SnapshotDescriptor narrower = new SnapshotDescriptor(REGION, 4, 3, KeyRange.of(bytes("rb"), bytes("rc")),
            descriptor.files());
        assertTrue(assertThrows(SnapshotException.class, () -> target.snapshots.ingest(REGION, snapshotDir, narrower))
            .getMessage().contains("outside the region"));

        assertEquals(before, ApplyTestSupport.dumpAll(target.engine));
    }

    @Test
    void shouldExportAndReplaceOnlyTheRangeOfABoundedRegion() throws RocksDBException {
        fillSource();
        fillTarget();
        final KeyRange range = KeyRange.of(bytes("rb"), bytes("rd"));
        final SnapshotDescriptor descriptor = source.snapshots.export(REGION, range, snapshotDir);
        assertEquals(range, descriptor.dataRange());
        final Map<String, String> targetDefault = ApplyTestSupport.dump(target.engine, ColumnFamily.DEFAULT);

        target.snapshots.ingest(REGION, snapshotDir, descriptor);
        final Map<String, String> expected = new TreeMap<>();
        targetDefault.forEach((key, value) -> {
            if (!range.contains(HexFormat.of().parseHex(key))) {
                expected.put(key, value);
            }
        });
        ApplyTestSupport.dump(source.engine, ColumnFamily.DEFAULT).forEach((key, value) -> {
            if (range.contains(HexFormat.of().parseHex(key))) {
                expected.put(key, value);
            }
        });
        assertEquals(expected, new TreeMap<>(ApplyTestSupport.dump(target.engine, ColumnFamily.DEFAULT)));
        assertNotEquals(targetDefault, expected, "the test must replace something");
    }

    @Test
    void shouldReplaceTheRegionWithAnEmptySnapshot() {
        fillTarget();
        final SnapshotDescriptor descriptor = source.snapshots.export(REGION, snapshotDir);
        assertTrue(descriptor.files().isEmpty());
        assertEquals(0, descriptor.appliedIndex());

        final RegionApplyState applied = target.snapshots.ingest(REGION, snapshotDir, descriptor);
        assertEquals(0, applied.appliedIndex());
        for (final ColumnFamily family : List.of(ColumnFamily.DEFAULT, ColumnFamily.LOCK, ColumnFamily.WRITE)) {
            assertTrue(ApplyTestSupport.dump(target.engine, family).isEmpty(), family.cfName());
        }
        assertTrue(target.band(REGION).isEmpty());
        assertFalse(target.band(OTHER_REGION).isEmpty());
        assertEquals(0, target.dedup.clientCount(REGION));
    }

    @Test
    void shouldRefuseARegionWithAnInterruptedIngestUntilDiscarded() throws RocksDBException {
        fillTarget();
        // What a crash between the marker and its removal leaves behind.
        target.engine.db().put(target.engine.handle(ColumnFamily.RAFT), RegionKeys.ingestMarkerKey(REGION),
            RegionSnapshot.encodeRange(KeyRange.WHOLE));
        target.reopenEngineOnly();
        assertTrue(target.snapshots.isIngestInterrupted(REGION));
        assertThrows(StorageException.class, () -> RegionApplyState.load(target.engine, REGION));
        assertThrows(StorageException.class, () -> target.snapshots.export(REGION, snapshotDir));

        assertTrue(target.snapshots.discardInterruptedIngest(REGION));
        assertFalse(target.snapshots.discardInterruptedIngest(REGION));
        final RegionApplyState state = RegionApplyState.load(target.engine, REGION);
        assertEquals(0, state.appliedIndex());
        assertTrue(ApplyTestSupport.dump(target.engine, ColumnFamily.DEFAULT).isEmpty());
        assertTrue(target.band(REGION).isEmpty());
        assertFalse(target.band(OTHER_REGION).isEmpty());
        assertEquals(0, target.dedup.clientCount(REGION));
    }

    /** Region 1 at (4, 3) with raw data, dedup records and keys in every data CF; region 2 and store identity. */
    private void fillSource() {
        source.batch.begin(source.state);
        for (int i = 1; i <= 4; i++) {
            source.batch.beginEntry(i, 3, T0 + i);
            source.write(11, i, "r" + (char)('a' + i), "source-" + i);
        }
        source.batch.commit();
        source.putDirect(ColumnFamily.LOCK, "rb-lock", "source-lock");
        source.putDirect(ColumnFamily.WRITE, "rc-write", "source-write");
        source.applyOtherRegion();
        new StoreMeta(source.engine).putStoreId(1);
    }

    /** Region 1 at (2, 1) with different data and another client; region 2; store identity. */
    private void fillTarget() {
        target.batch.begin(target.state);
        for (int i = 1; i <= 2; i++) {
            target.batch.beginEntry(i, 1, T0);
            target.write(22, i, "r" + (char)('b' + i), "target-" + i);
        }
        target.batch.commit();
        target.putDirect(ColumnFamily.DEFAULT, "ra-only-on-target", "x");
        target.putDirect(ColumnFamily.DEFAULT, "rz-only-on-target", "x");
        target.putDirect(ColumnFamily.LOCK, "rq-lock", "target-lock");
        target.putDirect(ColumnFamily.WRITE, "rq-write", "target-write");
        target.applyOtherRegion();
        new StoreMeta(target.engine).putStoreId(2);
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One store: engine, dedup table, apply batch, snapshots and region 1's state. */
    private static final class Node {
        private final Path dataDir;
        StorageEngine engine;
        DedupTable dedup;
        ApplyBatch batch;
        RegionSnapshot snapshots;
        RegionApplyState state;

        Node(final Path dataDir) {
            this.dataDir = dataDir;
            open();
        }

        void open() {
            engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir));
            dedup = DedupTable.load(engine);
            batch = new ApplyBatch(engine, dedup);
            snapshots = new RegionSnapshot(engine, dedup);
            state = RegionApplyState.load(engine, REGION);
        }

        /** Reopens without loading region 1's apply state, which refuses an interrupted region. */
        void reopenEngineOnly() {
            close();
            engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir));
            dedup = DedupTable.load(engine);
            batch = new ApplyBatch(engine, dedup);
            snapshots = new RegionSnapshot(engine, dedup);
        }

        void reopen() {
            close();
            open();
        }

        void close() {
            if (engine != null) {
                batch.close();
                engine.close();
                engine = null;
            }
        }

        /** A deduplicated put in the current entry, recording the reply "reply-requestId". */
        void write(final long clientId, final long requestId, final String key, final String value) {
            assertEquals(DedupStatus.NEW, batch.checkRequest(clientId, requestId));
            final UnsafeBuffer k = new UnsafeBuffer(bytes(key.substring(1)));
            final UnsafeBuffer v = new UnsafeBuffer(bytes(value));
            batch.put(k, 0, k.capacity(), v, 0, v.capacity(), requestId % 2 == 0 ? 3600 : 0);
            final UnsafeBuffer reply = new UnsafeBuffer(bytes("reply-" + requestId));
            batch.recordReply(clientId, requestId, 1, reply, 0, reply.capacity());
        }

        void putDirect(final ColumnFamily family, final String key, final String value) {
            try {
                engine.db().put(engine.handle(family), bytes(key), bytes(value));
            } catch (final RocksDBException ex) {
                throw new AssertionError(ex);
            }
        }

        void applyOtherRegion() {
            final RegionApplyState other = RegionApplyState.load(engine, OTHER_REGION);
            batch.begin(other);
            batch.beginEntry(1, 1, T0);
            assertEquals(DedupStatus.NEW, batch.checkRequest(33, 1));
            final UnsafeBuffer reply = new UnsafeBuffer(bytes(dataDir.getFileName().toString()));
            batch.recordReply(33, 1, 1, reply, 0, reply.capacity());
            batch.commit();
        }

        /** The region's keys in the raft CF, hex. */
        Map<String, String> band(final long regionId) {
            final String prefix = HexFormat.of().formatHex(RegionKeys.bandStart(regionId));
            final Map<String, String> band = new TreeMap<>();
            ApplyTestSupport.dump(engine, ColumnFamily.RAFT).forEach((key, value) -> {
                if (key.startsWith(prefix)) {
                    band.put(key, value);
                }
            });
            return band;
        }
    }
}
