package io.tkv.perf.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchPutEncoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.codec.Status;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import io.tkv.server.ingress.RequestLimits;
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
 * What the apply agent adds to every committed write by checking it again before applying it: the frame's layout
 * ({@link Protocol#committedWriteValidator()}) and the rules that hold whatever a store's limits
 * ({@link RequestLimits#protocolRules()}), for a put of a 16-byte key and a 256-byte value and for a batch put of 64
 * such pairs. Compare with {@code ApplyPathBenchmark.putFrame}, the whole per-write work of the apply path, which
 * includes this check. With {@code -prof gc}, {@code gc.alloc.rate.norm} shows it allocates nothing.
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

    private final FrameValidator validator = Protocol.committedWriteValidator();
    private final RequestLimits rules = RequestLimits.protocolRules();
    private final UnsafeBuffer put = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
    private final UnsafeBuffer batch = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
    private int putLength;
    private int batchLength;

    /** Encodes the two frames once, as a version 3 client would. */
    @Setup
    public void encode() {
        final byte[] key = new byte[KEY_BYTES];
        final byte[] value = new byte[VALUE_BYTES];
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final RawPutEncoder putEncoder = new RawPutEncoder().wrapAndApplyHeader(put, 0, header);
        putEncoder.correlationId(1).sessionToken(2).ttlSeconds(0).clientId(3).firstIncompleteId(1);
        putEncoder.region().regionId(1).confVer(1).version(1);
        putEncoder.putKey(key, 0, KEY_BYTES).putValue(value, 0, VALUE_BYTES);
        putLength = MessageHeaderEncoder.ENCODED_LENGTH + putEncoder.encodedLength();
        final RawBatchPutEncoder batchEncoder = new RawBatchPutEncoder().wrapAndApplyHeader(batch, 0, header);
        batchEncoder.correlationId(1).sessionToken(2).ttlSeconds(0).clientId(3).firstIncompleteId(1);
        batchEncoder.region().regionId(1).confVer(1).version(1);
        final RawBatchPutEncoder.PairsEncoder pairs = batchEncoder.pairsCount(PAIRS);
        for (int i = 0; i < PAIRS; i++) {
            key[0] = (byte)i;
            pairs.next().putKey(key, 0, KEY_BYTES).putValue(value, 0, VALUE_BYTES);
        }
        batchLength = MessageHeaderEncoder.ENCODED_LENGTH + batchEncoder.encodedLength();
    }

    /** @return the outcome (OK). */
    @Benchmark
    public Status checkPut() {
        return check(put, putLength);
    }

    /** @return the outcome (OK). */
    @Benchmark
    public Status checkBatchPutOf64() {
        return check(batch, batchLength);
    }

    private Status check(final UnsafeBuffer frame, final int length) {
        if (validator.validate(frame, 0, length) != FrameValidator.VALID) {
            return Status.MALFORMED;
        }
        return rules.check(validator.templateId(), frame, 0, validator.blockLength(), validator.version());
    }
}
