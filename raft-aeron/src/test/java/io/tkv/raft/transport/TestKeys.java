package io.tkv.raft.transport;

import io.tkv.codec.auth.ClusterKey;
import io.tkv.codec.auth.PeerFrameSealer;
import io.tkv.codec.auth.PeerFrames;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/** The cluster key tests run under, and sealing of frames a test builds by hand. */
public final class TestKeys {
    /** Every test cluster's secret. */
    public static final byte[] SECRET = "raft-aeron test cluster secret".getBytes(StandardCharsets.UTF_8);
    /** Room a buffer needs after a frame for its trailer. */
    public static final int TRAILER = PeerFrames.TRAILER_LENGTH;

    private TestKeys() {
    }

    /** @return the key of a test cluster. */
    public static ClusterKey key(final long clusterId) {
        return ClusterKey.fromSecret(SECRET, clusterId);
    }

    /** @return a sealer for hand-built Raft frames of a test cluster (incarnation 1). */
    public static PeerFrameSealer raftSealer(final long clusterId) {
        return new PeerFrameSealer(key(clusterId).streamKey(ClusterKey.Stream.RAFT), 1);
    }

    /** @return a sealer for hand-built snapshot frames of a test cluster (incarnation 1). */
    public static PeerFrameSealer snapshotSealer(final long clusterId) {
        return new PeerFrameSealer(key(clusterId).streamKey(ClusterKey.Stream.SNAPSHOT), 1);
    }

    /** Seals the frame at 0 of {@code buffer}; @return the sealed length. */
    public static int seal(final PeerFrameSealer sealer, final MutableDirectBuffer buffer, final int length) {
        return sealer.seal(buffer, 0, length);
    }
}
