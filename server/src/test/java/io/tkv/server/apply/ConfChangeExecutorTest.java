package io.tkv.server.apply;

import io.tkv.codec.ChangePeerResponseDecoder;
import io.tkv.codec.ErrorResponseDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.Status;
import io.tkv.raft.core.ConfChange;
import io.tkv.server.region.RegionRegistry;
import io.tkv.storage.ApplyBatch;
import io.tkv.storage.DedupTable;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.RegionApplyState;
import io.tkv.storage.RegionDescriptor;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A committed membership change applied to a region's descriptor as the Raft core applies it to the membership: add,
 * promote, demote and remove, the conf version up by one when something changed, persisted with the entry; a change
 * that changes nothing or cannot be recorded leaves the region as it was; the removal of this store's own peer is
 * reported, for the apply agent to destroy the region.
 */
class ConfChangeExecutorTest {
    private static final long STORE = 1;

    @TempDir
    Path dir;

    private StorageEngine engine;
    private ApplyBatch batch;
    private final RegionRegistry registry = new RegionRegistry();
    private final AppliedRegions regions = new AppliedRegions(registry, event -> { });
    private final PendingReplies replies = new PendingReplies();
    private final ConfChangeExecutor executor = new ConfChangeExecutor(replies, regions, STORE);
    private long removedPeer;

    @BeforeEach
    void open() {
        engine = StorageEngine.open(new StorageConfig().dataDir(dir).fsyncPolicy(FsyncPolicy.NONE));
        batch = new ApplyBatch(engine, DedupTable.load(engine));
        regions.add(RegionApplyState.load(engine, 1), new RegionDescriptor(1, new byte[0], new byte[0], 1, 1, List.of(
            new RegionDescriptor.Peer(11, 1, RegionDescriptor.Role.VOTER),
            new RegionDescriptor.Peer(12, 2, RegionDescriptor.Role.VOTER))));
    }

    @AfterEach
    void close() {
        batch.close();
        engine.close();
    }

    private Status apply(final byte[] data) {
        final AppliedRegions.Region region = regions.get(1);
        replies.clear();
        batch.begin(region.state);
        batch.beginEntry(region.state.appliedIndex() + 1, 1);
        removedPeer = executor.execute(batch, data, region, 1, 1);
        batch.commit();
        regions.afterCommit(region);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(replies.buffer(), 0);
        return header.templateId() == ErrorResponseDecoder.TEMPLATE_ID
            ? new ErrorResponseDecoder().wrapAndApplyHeader(replies.buffer(), 0, header).status()
            : new ChangePeerResponseDecoder().wrapAndApplyHeader(replies.buffer(), 0, header).status();
    }

    private Status apply(final ConfChange.Type type, final long peerId, final long storeId) {
        return apply(new ConfChange(type, peerId, storeId, 9).encode());
    }

    private List<String> peers() {
        final List<String> peers = new ArrayList<>();
        for (final RegionDescriptor.Peer peer : regions.get(1).descriptor.peers()) {
            peers.add(peer.id() + "@" + peer.storeId() + (peer.role() == RegionDescriptor.Role.LEARNER ? "L" : ""));
        }
        return peers;
    }

    @Test
    void shouldAddPromoteDemoteAndRemoveAsTheCoreDoes() {
        assertEquals(Status.OK, apply(ConfChange.Type.ADD_LEARNER, 13, 3));
        assertEquals(List.of("11@1", "12@2", "13@3L"), peers());
        assertEquals(2, regions.get(1).descriptor.confVer());
        assertEquals(regions.get(1).descriptor, RegionDescriptor.load(engine, 1), "persisted with the entry");
        assertEquals(regions.get(1).descriptor, registry.get(1), "published after the commit");

        assertEquals(Status.OK, apply(ConfChange.Type.ADD_VOTER, 13, 3));
        assertEquals(List.of("11@1", "12@2", "13@3"), peers());
        assertEquals(Status.OK, apply(ConfChange.Type.ADD_LEARNER, 12, 2));
        assertEquals(List.of("11@1", "12@2L", "13@3"), peers());
        assertEquals(Status.OK, apply(ConfChange.Type.REMOVE_PEER, 12, 2));
        assertEquals(List.of("11@1", "13@3"), peers());
        assertEquals(5, regions.get(1).descriptor.confVer());
        assertEquals(0, removedPeer, "another store's peer");

        assertEquals(Status.OK, apply(ConfChange.Type.REMOVE_PEER, 11, 1));
        assertEquals(11, removedPeer, "this store's own peer: the region is to be destroyed here");
        assertEquals(List.of("13@3"), peers());
    }

    @Test
    void shouldLeaveTheRegionAsItWasForANoOpAMalformedOrAnUnrecordableChange() {
        assertEquals(Status.OK, apply(ConfChange.Type.ADD_VOTER, 11, 1), "already a voter");
        assertEquals(Status.OK, apply(ConfChange.Type.REMOVE_PEER, 99, 9), "not a peer");
        assertEquals(1, regions.get(1).descriptor.confVer());
        assertEquals(Status.MALFORMED, apply(new byte[] {7, 1, 2}));
        assertEquals(Status.MALFORMED, apply(ConfChange.Type.ADD_LEARNER, 14, 2), "a second peer on store 2");
        assertEquals(1, regions.get(1).descriptor.confVer());
        assertEquals(List.of("11@1", "12@2"), peers());
    }
}
