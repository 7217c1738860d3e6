package io.tkv.raft.snapshot;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.SnapshotChunkRequestEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every snapshot frame is checked before it is read: layout, cluster id, target store. */
class SnapshotAgentFrameTest {
    private static final long CLUSTER = 9;
    private static final long STORE = 2;

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);

    private int request(final long clusterId, final long toStoreId) {
        final SnapshotChunkRequestEncoder encoder = new SnapshotChunkRequestEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .clusterId(clusterId).fromStoreId(1).toStoreId(toStoreId).snapshotId(5).regionId(1).fileOffset(0)
            .length(100).fileName("default.sst");
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    @Test
    void shouldDropFramesOfAnotherClusterOrStoreAndMalformedOnes() {
        final SnapshotAgent agent = new SnapshotAgent(new SnapshotConfig().rootDir(dir).clusterId(CLUSTER)
            .storeId(STORE), null, null, System::nanoTime);
        assertFalse(agent.onFrame(buffer, 0, request(CLUSTER + 1, STORE)), "another cluster");
        assertFalse(agent.onFrame(buffer, 0, request(CLUSTER, STORE + 1)), "another store");
        final int length = request(CLUSTER, STORE);
        assertFalse(agent.onFrame(buffer, 0, length - 3), "truncated");
        assertEquals(3, agent.framesDropped());
        assertTrue(agent.onFrame(buffer, 0, length), "a well-formed request for this store is handled");
        assertEquals(3, agent.framesDropped());
        agent.onClose();
    }
}
