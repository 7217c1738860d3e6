package io.tkv.server.apply;

import io.tkv.server.region.RegionRegistry;
import io.tkv.server.region.RegionWriteStats;
import io.tkv.storage.ApplyBatch;
import io.tkv.storage.DedupTable;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.RegionApplyState;
import io.tkv.storage.RegionDescriptor;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import io.tkv.storage.command.Command;
import io.tkv.storage.command.CommandWriter;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each region's written bytes and keys, counted as its writes apply (on real RocksDB), published after each commit, and
 * read by the PD worker as the difference since its last report: a write counts in its own region once (a retry, a
 * refused write, nothing), a split leaves what was written before it with the parent and starts the new region from 0,
 * and a region that leaves the store takes its counts with it.
 */
class RegionWriteCountingTest {
    private static final long CLIENT = 77;
    private static final long T0 = 1_800_000_000_000L;
    private static final List<RegionDescriptor.Peer> PEERS = List.of(
        new RegionDescriptor.Peer(1, 1, RegionDescriptor.Role.VOTER),
        new RegionDescriptor.Peer(2, 2, RegionDescriptor.Role.VOTER));

    @TempDir
    Path dir;

    private StorageEngine engine;
    private ApplyBatch batch;
    private final AppliedRegions regions = new AppliedRegions(new RegionRegistry(), event -> { });
    private final RegionWriteStats stats = regions.writeStats();
    private final PendingReplies replies = new PendingReplies();
    private final CommandExecutor writes = new CommandExecutor(replies);
    private final SplitExecutor splits = new SplitExecutor(replies, regions);
    private final EntryDecoder entries = new EntryDecoder();
    private final ExpandableArrayBuffer entry = new ExpandableArrayBuffer(256);
    private long requestId;
    /** The index of the next entry of the open batch's region. */
    private long nextIndex;

    @BeforeEach
    void open() {
        engine = StorageEngine.open(new StorageConfig().dataDir(dir).fsyncPolicy(FsyncPolicy.NONE));
        batch = new ApplyBatch(engine, DedupTable.load(engine));
        regions.add(RegionApplyState.load(engine, 1), new RegionDescriptor(1, new byte[0], new byte[0], 1, 1, PEERS));
    }

    @AfterEach
    void close() {
        batch.close();
        engine.close();
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Stages one entry of a region in the open batch (begun on the region if it is not open). */
    private void stage(final long regionId, final int length) {
        final AppliedRegions.Region region = regions.get(regionId);
        if (!batch.isOpen()) {
            batch.begin(region.state);
            nextIndex = region.state.appliedIndex() + 1;
        }
        assertTrue(entries.decode(entry, 0, length), entries.reason());
        if (entries.command().type() == Command.SPLIT) {
            batch.beginEntry(nextIndex++, 6);
            splits.execute(batch, entries.command(), region, 0, 0);
        } else {
            batch.beginEntry(nextIndex++, 6, entries.timeMs());
            writes.execute(batch, entries.command(), region, 0, 0);
        }
    }

    /** Commits the open batch of a region, as the apply agent does. */
    private void commit(final long regionId) {
        batch.commit();
        regions.afterCommit(regions.get(regionId));
    }

    private int write(final byte type, final long regionId, final long version, final long request,
        final String... items) {
        final int flags = type == Command.COMPARE_AND_SWAP ? Command.FLAG_EXPECT_ABSENT : 0;
        final CommandWriter writer = new CommandWriter().begin(entry, 0, type, flags, T0, regionId, 1, version, CLIENT,
            request, 1, 0);
        for (final String item : items) {
            writer.item(b(item));
        }
        return writer.finish();
    }

    /** Applies a write of a region in a batch of its own. */
    private void apply(final byte type, final long regionId, final long version, final String... items) {
        stage(regionId, write(type, regionId, version, ++requestId, items));
        commit(regionId);
    }

    private void assertSinceLastReport(final long bytes, final long keys, final long regionId, final String why) {
        assertArrayEquals(new long[] {bytes, keys}, stats.sinceLastReport(regionId), why);
    }

    @Test
    void shouldCountEachWriteOnceInItsRegionAndReportWhatWasWrittenSinceTheLastReport() {
        apply(Command.PUT, 1, 1, "k1", "value1");
        assertEquals(8, stats.get(1).bytes(), "key and value bytes, published at the commit");
        assertEquals(1, stats.get(1).keys());
        assertSinceLastReport(8, 1, 1, "since the region came to the store");
        assertSinceLastReport(0, 0, 1, "nothing since the last report");

        apply(Command.BATCH_PUT, 1, 1, "k2", "v2", "k3", "value3");
        apply(Command.DELETE, 1, 1, "k1");
        apply(Command.COMPARE_AND_SWAP, 1, 1, "k9", "", "swapped");
        apply(Command.COMPARE_AND_SWAP, 1, 1, "k9", "", "not swapped: k9 is there now");
        assertSinceLastReport(12 + 2 + 9, 2 + 1 + 1, 1, "puts, a delete and one swap; a failed swap writes nothing");

        final int retried = write(Command.PUT, 1, 1, requestId, "k9", "again");
        stage(1, retried);
        commit(1);
        apply(Command.PUT, 1, 7, "k5", "under another epoch version");
        assertSinceLastReport(0, 0, 1, "a retry answered from its dedup record and a refused write count nothing");
        assertEquals(23 + 8, stats.get(1).bytes(), "the totals only grow");
    }

    @Test
    void shouldPublishARegionsCountsOnlyWhenItsBatchCommits() {
        stage(1, write(Command.PUT, 1, 1, ++requestId, "k1", "v1"));
        stage(1, write(Command.PUT, 1, 1, ++requestId, "k2", "v2"));
        assertEquals(8, regions.get(1).bytesWritten(), "counted on the apply side as the writes stage");
        assertSinceLastReport(0, 0, 1, "not published before the commit");
        commit(1);
        assertSinceLastReport(8, 2, 1, "published with the commit");
    }

    @Test
    void shouldLeaveWritesBeforeASplitWithTheParentAndStartTheNewRegionFromZero() {
        apply(Command.PUT, 1, 1, "b", "left");
        apply(Command.PUT, 1, 1, "x", "right");
        final RegionWriteStats.Counter parent = stats.get(1);
        stage(1, new CommandWriter().begin(entry, 0, Command.SPLIT, 0, T0, 1, 1, 1, 0, 99, 0, 0).item(b("rm")).id(2)
            .id(11).id(12).finish());
        commit(1);
        assertEquals(2, regions.get(2).descriptor.id(), "the split applied");

        assertEquals(parent, stats.get(1), "the parent keeps its counter");
        assertSinceLastReport(11, 2, 1, "both writes before the split stay with the parent, the right one too");
        assertSinceLastReport(0, 0, 2, "the new region starts from 0");

        apply(Command.PUT, 2, 2, "y", "new");
        apply(Command.PUT, 1, 2, "c", "parent");
        assertSinceLastReport(4, 1, 2, "each region counts its own writes after the split");
        assertSinceLastReport(7, 1, 1, "each region counts its own writes after the split");
    }

    @Test
    void shouldDropTheCountsOfARegionThatLeftTheStoreAndStartFromZeroIfItComesBack() {
        apply(Command.PUT, 1, 1, "k1", "v1");
        final RegionWriteStats.Counter before = stats.get(1);
        regions.remove(1);
        assertNull(stats.get(1), "its stats went with it");
        assertSinceLastReport(0, 0, 1, "nothing to report of a region not here");

        // A peer of it added here again: its first state comes with a snapshot.
        regions.replace(RegionApplyState.load(engine, 1), new RegionDescriptor(1, new byte[0], new byte[0], 2, 1,
            PEERS));
        assertNotSame(before, stats.get(1));
        assertSinceLastReport(0, 0, 1, "counted from 0 again, never negative");
        apply(Command.PUT, 1, 1, "k2", "v2");
        assertSinceLastReport(4, 1, 1, "what it applied since it came back");
    }

    @Test
    void shouldKeepTheCountsOfARegionWhoseSnapshotReplacesItsState() {
        apply(Command.PUT, 1, 1, "k1", "v1");
        final RegionWriteStats.Counter before = stats.get(1);
        regions.replace(RegionApplyState.load(engine, 1), regions.get(1).descriptor);
        assertEquals(before, stats.get(1), "the same region, here all along");
        assertSinceLastReport(4, 1, 1, "what was written before the snapshot is still to report");
    }
}
