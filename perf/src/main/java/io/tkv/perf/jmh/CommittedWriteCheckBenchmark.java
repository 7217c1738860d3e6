package io.tkv.perf.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchPutEncoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.server.raft.ProposalAdapter;
import io.tkv.storage.command.CommandReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a write costs on its way into the log and back out: the proposing store turns the client's frame into a
 * command ({@link ProposalAdapter#encode}, {@code propose*}), and every replica checks the command again before it
 * applies it ({@link CommandReader#wrap}, {@code check*}), for a put of a 16-byte key and a 256-byte value and for a
 * batch put of 64 such pairs. Compare with {@code ApplyPathBenchmark.putFrame}, the whole per-write work of the apply
 * path, which includes both. With {@code -prof gc}, {@code gc.alloc.rate.norm} shows neither allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class CommittedWriteCheckBenchmark {
    private static final int KEY_BYTES = 16;
    private static final int VALUE_BYTES = 256;
    private static final int PAIRS = 64;

    private final ProposalAdapter adapter = new ProposalAdapter();
    private final CommandReader reader = new CommandReader();
    private final UnsafeBuffer putCommand = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
    private final UnsafeBuffer batchCommand = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
    private int putCommandLength;
    private int batchCommandLength;
    private final UnsafeBuffer put = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
    private final UnsafeBuffer batch = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));

    /** Encodes the two frames once, as a version 3 client would, and their commands. */
    @Setup
    public void encode() {
        final byte[] key = new byte[KEY_BYTES];
        final byte[] value = new byte[VALUE_BYTES];
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final RawPutEncoder putEncoder = new RawPutEncoder().wrapAndApplyHeader(put, 0, header);
        putEncoder.correlationId(1).sessionToken(2).ttlSeconds(0).clientId(3).firstIncompleteId(1);
        putEncoder.region().regionId(1).confVer(1).version(1);
        putEncoder.putKey(key, 0, KEY_BYTES).putValue(value, 0, VALUE_BYTES);
        final RawBatchPutEncoder batchEncoder = new RawBatchPutEncoder().wrapAndApplyHeader(batch, 0, header);
        batchEncoder.correlationId(1).sessionToken(2).ttlSeconds(0).clientId(3).firstIncompleteId(1);
        batchEncoder.region().regionId(1).confVer(1).version(1);
        final RawBatchPutEncoder.PairsEncoder pairs = batchEncoder.pairsCount(PAIRS);
        for (int i = 0; i < PAIRS; i++) {
            key[0] = (byte)i;
            pairs.next().putKey(key, 0, KEY_BYTES).putValue(value, 0, VALUE_BYTES);
        }
        putCommandLength = adapter.encode(1, put, 0, putCommand, 0);
        batchCommandLength = adapter.encode(1, batch, 0, batchCommand, 0);
    }

    /** @return the command's length. */
    @Benchmark
    public int proposePut() {
        return adapter.encode(1, put, 0, putCommand, 0);
    }

    /** @return the command's length. */
    @Benchmark
    public int proposeBatchPutOf64() {
        return adapter.encode(1, batch, 0, batchCommand, 0);
    }

    /** @return whether the command is well formed (true). */
    @Benchmark
    public boolean checkPut() {
        return reader.wrap(putCommand, 0, putCommandLength);
    }

    /** @return whether the command is well formed (true). */
    @Benchmark
    public boolean checkBatchPutOf64() {
        return reader.wrap(batchCommand, 0, batchCommandLength);
    }
}
