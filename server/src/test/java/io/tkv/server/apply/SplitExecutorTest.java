package io.tkv.server.apply;

import io.tkv.codec.ErrorResponseDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.RawPutResponseDecoder;
import io.tkv.codec.SplitRegionResponseDecoder;
import io.tkv.codec.Status;
import io.tkv.raft.store.MultiRaft;
import io.tkv.server.region.RegionRegistry;
import io.tkv.storage.ApplyBatch;
import io.tkv.storage.DedupTable;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.RegionApplyState;
import io.tkv.storage.RegionDescriptor;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import io.tkv.storage.command.Command;
import io.tkv.storage.command.CommandWriter;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SPLIT command applied on one replica: both regions' descriptors and the new region's apply state in one write, the
 * parent's dedup records copied to the new region (a retry of a write made before the split is answered, not applied
 * again, in either region), publication and announcement only after the commit, and refusals that change nothing.
 */
class SplitExecutorTest {
    private static final long CLIENT = 77;
    private static final long T0 = 1_800_000_000_000L;
    private static final List<RegionDescriptor.Peer> PEERS = List.of(
        new RegionDescriptor.Peer(1, 1, RegionDescriptor.Role.VOTER),
        new RegionDescriptor.Peer(2, 2, RegionDescriptor.Role.VOTER),
        new RegionDescriptor.Peer(3, 3, RegionDescriptor.Role.LEARNER));

    @TempDir
    Path dir;

    private StorageEngine engine;
    private ApplyBatch batch;
    private final RegionRegistry registry = new RegionRegistry();
    private final List<AppliedRegions.RegionEvent> created = new ArrayList<>();
    private final AppliedRegions regions = new AppliedRegions(registry, created::add);
    private final PendingReplies replies = new PendingReplies();
    private final CommandExecutor writes = new CommandExecutor(replies);
    private final SplitExecutor splits = new SplitExecutor(replies, regions);
    private final EntryDecoder entries = new EntryDecoder();
    private final ExpandableArrayBuffer entry = new ExpandableArrayBuffer(256);

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

    /** Applies one entry of a region, alone in its batch, and returns the reply's status. */
    private Status apply(final long regionId, final int length, final boolean split) {
        final AppliedRegions.Region region = regions.get(regionId);
        replies.clear();
        batch.begin(region.state);
        assertTrue(entries.decode(entry, 0, length), entries.reason());
        if (split) {
            batch.beginEntry(region.state.appliedIndex() + 1, 6);
            splits.execute(batch, entries.command(), region, 1, 1);
        } else {
            batch.beginEntry(region.state.appliedIndex() + 1, 6, entries.timeMs());
            writes.execute(batch, entries.command(), region, 1, 1);
        }
        batch.commit();
        regions.afterCommit(region);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(replies.buffer(), 0);
        return switch (header.templateId()) {
            case ErrorResponseDecoder.TEMPLATE_ID ->
                new ErrorResponseDecoder().wrapAndApplyHeader(replies.buffer(), 0, header).status();
            case SplitRegionResponseDecoder.TEMPLATE_ID ->
                new SplitRegionResponseDecoder().wrapAndApplyHeader(replies.buffer(), 0, header).status();
            default -> new RawPutResponseDecoder().wrapAndApplyHeader(replies.buffer(), 0, header).status();
        };
    }

    private Status put(final long regionId, final long version, final long requestId, final String key,
        final String value) {
        final int length = new CommandWriter().begin(entry, 0, Command.PUT, 0, T0, regionId, 1, version, CLIENT,
            requestId, 1, 0).item(b("" + key)).item(b(value)).finish();
        return apply(regionId, length, false);
    }

    private Status split(final long confVer, final long version, final String storedKey, final long newRegionId,
        final long... peerIds) {
        final CommandWriter writer = new CommandWriter().begin(entry, 0, Command.SPLIT, 0, T0, 1, confVer, version, 0,
            99, 0, 0).item(b(storedKey)).id(newRegionId);
        for (final long peerId : peerIds) {
            writer.id(peerId);
        }
        return apply(1, writer.finish(), true);
    }

    private String get(final String key) {
        final ExpandableDirectByteBuffer value = new ExpandableDirectByteBuffer(64);
        final int length = new RawKvStore(engine, SystemEpochClock.INSTANCE).get(new UnsafeBuffer(b(key)), 0,
            key.length(), value);
        return length < 0 ? null : value.getStringWithoutLengthUtf8(0, length);
    }

    @Test
    void shouldSplitTheRegionInOneWriteAndCarryTheDedupRecords() {
        assertEquals(Status.OK, put(1, 1, 1, "x", "first"));
        assertEquals(Status.OK, put(1, 1, 2, "b", "first"));
        assertEquals(Status.OK, split(1, 1, "rm", 2, 11, 12, 13));

        final RegionDescriptor left = regions.get(1).descriptor;
        final RegionDescriptor right = regions.get(2).descriptor;
        assertArrayEquals(b("rm"), left.end());
        assertArrayEquals(new byte[0], left.start());
        assertArrayEquals(b("rm"), right.start());
        assertArrayEquals(new byte[0], right.end());
        assertEquals(2, left.version());
        assertEquals(2, right.version());
        assertEquals(List.of(new RegionDescriptor.Peer(11, 1, RegionDescriptor.Role.VOTER),
            new RegionDescriptor.Peer(12, 2, RegionDescriptor.Role.VOTER),
            new RegionDescriptor.Peer(13, 3, RegionDescriptor.Role.LEARNER)), right.peers());
        assertEquals(left, RegionDescriptor.load(engine, 1), "persisted with the split");
        assertEquals(right, RegionDescriptor.load(engine, 2));
        assertEquals(MultiRaft.BOOTSTRAP_INDEX, RegionApplyState.load(engine, 2).appliedIndex());
        assertEquals(List.of(new AppliedRegions.RegionEvent(right, 1)), created, "announced after the commit");
        assertEquals(right, registry.get(2));
        assertEquals(left, registry.get(1));

        // A retry of a write made before the split, now in region 2: answered from the copied record.
        assertEquals(Status.OK, put(2, 2, 1, "x", "second"));
        assertEquals("first", get("x"), "not applied again");
        assertEquals(Status.OK, put(1, 2, 2, "b", "second"));
        assertEquals("first", get("b"));
        assertEquals(Status.OK, put(2, 2, 3, "y", "new"));
        assertEquals("new", get("y"));
        assertEquals(MultiRaft.BOOTSTRAP_INDEX + 2, RegionApplyState.load(engine, 2).appliedIndex());
        assertEquals(Status.EPOCH_NOT_MATCH, put(1, 1, 4, "c", "stale epoch"));
        assertEquals(Status.KEY_NOT_IN_REGION, put(1, 2, 5, "z", "other side"));
        assertNull(get("c"));
        assertNull(get("z"));
    }

    @Test
    void shouldRefuseASplitThatDoesNotFitAndChangeNothing() {
        assertEquals(Status.EPOCH_NOT_MATCH, split(1, 2, "rm", 2, 11, 12, 13));
        assertEquals(Status.EPOCH_NOT_MATCH, split(2, 1, "rm", 2, 11, 12, 13), "both counters are checked");
        assertEquals(Status.MALFORMED, split(1, 1, "rm", 2, 11, 12), "one new peer per peer");
        assertEquals(Status.MALFORMED, split(1, 1, "rm", 2, 11, 11, 13), "repeated peer ids");
        assertEquals(Status.MALFORMED, split(1, 1, "rm", 2, 1, 12, 13), "a peer id of the region");
        assertEquals(Status.MALFORMED, split(1, 1, "rm", 1, 11, 12, 13), "the region's own id");
        assertEquals(Status.OK, split(1, 1, "rm", 2, 11, 12, 13));
        assertEquals(Status.KEY_NOT_IN_REGION, split(1, 2, "rz", 3, 21, 22, 23), "after the region's end");
        assertEquals(1, created.size());
        assertEquals(2, registry.size());
        assertThrows(IllegalStateException.class, () -> split(1, 2, "rc", 2, 21, 22, 23),
            "a region id this store holds: ids were handed out twice");
    }
}
