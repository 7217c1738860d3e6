package io.tkv.server.apply;

import io.tkv.codec.ErrorResponseDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.RawPutResponseDecoder;
import io.tkv.codec.Status;
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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A write proposed under one region epoch may commit after the region changed (a split between proposal and apply):
 * apply checks every command against the region as of the entries before it, and one that no longer fits applies
 * nothing, touches no dedup record, and is answered with why — as TiKV's apply does.
 */
class CommandRegionCheckTest {
    private static final long REGION = 5;
    private static final long CLIENT = 77;
    private static final long T0 = 1_800_000_000_000L;
    /** Raw keys [b, m) at epoch (1, 3). */
    private static final RegionDescriptor REGION_B_TO_M = new RegionDescriptor(REGION, b("rb"), b("rm"), 1, 3,
        List.of(new RegionDescriptor.Peer(1, 1, RegionDescriptor.Role.VOTER)));

    @TempDir
    Path dir;

    private StorageEngine engine;
    private ApplyBatch batch;
    private RegionApplyState state;
    private AppliedRegions.Region region;
    private final PendingReplies replies = new PendingReplies();
    private final CommandExecutor executor = new CommandExecutor(replies);
    private final EntryDecoder entries = new EntryDecoder();
    private long index;

    @BeforeEach
    void open() {
        engine = StorageEngine.open(new StorageConfig().dataDir(dir).fsyncPolicy(FsyncPolicy.NONE));
        batch = new ApplyBatch(engine, DedupTable.load(engine));
        state = RegionApplyState.load(engine, REGION);
        final AppliedRegions regions = new AppliedRegions(new RegionRegistry(), event -> { });
        regions.add(state, REGION_B_TO_M);
        region = regions.get(REGION);
    }

    @AfterEach
    void close() {
        batch.close();
        engine.close();
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** @return the status of the reply. */
    private Status apply(final long regionId, final long version, final long requestId, final String key) {
        final ExpandableArrayBuffer entry = new ExpandableArrayBuffer(128);
        final int length = new CommandWriter().begin(entry, 0, Command.PUT, 0, T0, regionId, 1, version, CLIENT,
            requestId, requestId, 0).item(b(key)).item(b("value")).finish();
        replies.clear();
        batch.begin(state);
        assertTrue(entries.decode(entry, 0, length), entries.reason());
        batch.beginEntry(++index, 1, entries.timeMs());
        executor.execute(batch, entries.command(), region, 1, 1);
        batch.commit();
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(replies.buffer(), 0);
        if (header.templateId() == ErrorResponseDecoder.TEMPLATE_ID) {
            return new ErrorResponseDecoder().wrapAndApplyHeader(replies.buffer(), 0, header).status();
        }
        return new RawPutResponseDecoder().wrapAndApplyHeader(replies.buffer(), 0, header).status();
    }

    /** @return how many of the keys the tests write are stored. */
    private int dataKeys() {
        final RawKvStore store = new RawKvStore(engine, SystemEpochClock.INSTANCE);
        int keys = 0;
        for (final String key : List.of("a", "c", "m")) {
            if (store.get(new UnsafeBuffer(b(key)), 0, key.length(), new ExpandableDirectByteBuffer(64)) >= 0) {
                keys++;
            }
        }
        return keys;
    }

    @Test
    void shouldApplyAWriteThatFitsTheRegion() {
        assertEquals(Status.OK, apply(REGION, 3, 1, "c"));
        assertEquals(1, dataKeys());
        assertEquals(Status.OK, apply(REGION, 3, 1, "c"), "a retry is answered from the dedup record");
        assertEquals(1, dataKeys());
        assertEquals("c".length() + "value".length(), region.bytesWritten(), "the write counted once in its region");
        assertEquals(1, region.keysWritten());
    }

    @Test
    void shouldRefuseAWriteProposedUnderAnotherVersion() {
        assertEquals(Status.EPOCH_NOT_MATCH, apply(REGION, 2, 1, "c"));
        assertEquals(Status.EPOCH_NOT_MATCH, apply(REGION, 4, 2, "c"));
        assertEquals(0, dataKeys());
        assertEquals(Status.OK, apply(REGION, 3, 1, "c"), "a refused write left no dedup record: it applies now");
        assertEquals(1, dataKeys());
        assertEquals(index, state.appliedIndex(), "refused entries still count as applied");
    }

    @Test
    void shouldRefuseKeysOutsideTheRegionAndCommandsOfAnotherRegion() {
        assertEquals(Status.KEY_NOT_IN_REGION, apply(REGION, 3, 1, "a"));
        assertEquals(Status.KEY_NOT_IN_REGION, apply(REGION, 3, 2, "m"));
        assertEquals(Status.MALFORMED, apply(REGION + 1, 3, 3, "c"));
        assertEquals(0, dataKeys());
        assertEquals(3, executor.epochMismatches());
        assertEquals(0, region.bytesWritten(), "refused writes count nothing");
        assertEquals(0, region.keysWritten());
    }
}
