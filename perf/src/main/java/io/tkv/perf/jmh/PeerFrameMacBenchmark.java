package io.tkv.perf.jmh;

import io.tkv.codec.auth.ClusterKey;
import io.tkv.codec.auth.PeerFrameSealer;
import io.tkv.codec.auth.PeerFrameVerifier;
import io.tkv.codec.auth.PeerFrames;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What authenticating a store-to-store frame costs ({@link PeerFrames}: HMAC-SHA256 under the cluster key, 16-byte
 * tag): sealing on the sender, verifying on the receiver, per frame, for the frame sizes Raft sends — 96 bytes (a
 * heartbeat batch), 400 bytes (an append of one 256-byte put), 4 KiB, 64 KiB and 256 KiB (the largest append
 * batch with the default 4 MiB term). Frames live in direct buffers, as in the transport; with {@code -prof gc},
 * {@code gc.alloc.rate.norm} should read ~0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class PeerFrameMacBenchmark {
    @Param({"96", "400", "4096", "65536", "262144"})
    int frameBytes;

    private UnsafeBuffer frame;
    private PeerFrameSealer sealer;
    private PeerFrameVerifier verifier;
    private long senderStoreId;

    @Setup
    public void setUp() {
        final byte[] key = ClusterKey.fromSecret("a benchmark cluster secret".getBytes(StandardCharsets.UTF_8), 1)
            .streamKey(ClusterKey.Stream.RAFT);
        frame = new UnsafeBuffer(ByteBuffer.allocateDirect(frameBytes + PeerFrames.TRAILER_LENGTH));
        for (int i = 0; i < frameBytes; i++) {
            frame.putByte(i, (byte)i);
        }
        sealer = new PeerFrameSealer(key, 1);
        verifier = new PeerFrameVerifier(key);
        senderStoreId = 2;
    }

    /** The sender's cost: appends the trailer (sequence, tag) to an encoded frame. */
    @Benchmark
    public int seal() {
        return sealer.seal(frame, 0, frameBytes);
    }

    /** Both ends: seal, then verify (tag and replay window) as the receiver does before decoding. */
    @Benchmark
    public int sealAndVerify() {
        final int sealed = sealer.seal(frame, 0, frameBytes);
        return verifier.verify(frame, 0, sealed, senderStoreId);
    }
}
