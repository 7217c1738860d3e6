package io.tkv.raft.snapshot;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.BooleanType;
import io.tkv.codec.SnapshotChunkRequestEncoder;
import io.tkv.codec.SnapshotDoneEncoder;
import io.tkv.codec.auth.PeerFrameSealer;
import io.tkv.raft.transport.TestCounters;
import io.tkv.raft.transport.TestKeys;
import io.tkv.raft.transport.TransportCounters;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every snapshot frame is checked before it is read: cluster id, target and sending store, tag, layout. */
class SnapshotAgentFrameTest {
    private static final long CLUSTER = 9;
    private static final long STORE = 2;

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private final PeerFrameSealer sealer = TestKeys.snapshotSealer(CLUSTER);
    private final TransportCounters counters = TestCounters.create();

    private int request(final long clusterId, final long fromStoreId, final long toStoreId) {
        final SnapshotChunkRequestEncoder encoder = new SnapshotChunkRequestEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .clusterId(clusterId).fromStoreId(fromStoreId).toStoreId(toStoreId).snapshotId(5).regionId(1)
            .fileOffset(0).length(100).fileName("default.sst");
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int done(final long clusterId, final long fromStoreId, final long toStoreId) {
        final SnapshotDoneEncoder encoder = new SnapshotDoneEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .clusterId(clusterId).fromStoreId(fromStoreId).toStoreId(toStoreId).snapshotId(5).regionId(1).peerId(1)
            .ok(BooleanType.TRUE);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    @Test
    void shouldDropFramesOfAnotherClusterOrStoreUnauthenticatedReplayedAndMalformedOnes() {
        final SnapshotAgent agent = new SnapshotAgent(new SnapshotConfig().rootDir(dir).clusterId(CLUSTER)
            .storeId(STORE).clusterKey(TestKeys.key(CLUSTER)), null, null, System::nanoTime, counters);
        agent.addStore(1, "127.0.0.1:1");
        assertFalse(agent.onFrame(buffer, 0, sealer.seal(buffer, 0, request(CLUSTER + 1, 1, STORE))),
            "another cluster");
        assertFalse(agent.onFrame(buffer, 0, sealer.seal(buffer, 0, request(CLUSTER, 1, STORE + 1))),
            "another store");
        assertEquals(2, counters.wrongCluster().get());
        assertFalse(agent.onFrame(buffer, 0, sealer.seal(buffer, 0, request(CLUSTER, 3, STORE))),
            "a store not in the cluster");
        assertEquals(1, counters.notMember().get());
        final int length = request(CLUSTER, 1, STORE);
        assertFalse(agent.onFrame(buffer, 0, length), "not sealed");
        assertEquals(1, counters.unauthenticated().get());
        assertFalse(agent.onFrame(buffer, 0, sealer.seal(buffer, 0, length - 3)), "truncated");
        assertEquals(1, counters.malformed().get());
        assertEquals(5, agent.framesDropped());
        // A SnapshotDone of no transfer: accepted, and nothing to answer (this test has no media driver).
        final int sealed = sealer.seal(buffer, 0, done(CLUSTER, 1, STORE));
        assertTrue(agent.onFrame(buffer, 0, sealed), "a well-formed frame for this store is handled");
        assertFalse(agent.onFrame(buffer, 0, sealed), "and only once");
        assertEquals(1, counters.replayed().get());
        assertEquals(6, agent.framesDropped());
        agent.onClose();
    }
}
