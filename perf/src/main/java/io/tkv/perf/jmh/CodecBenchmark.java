package io.tkv.perf.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawGetResponseDecoder;
import io.tkv.codec.RawGetResponseEncoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.codec.Status;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of the wire codecs on the request path: a {@code RawPut} with a 16-byte key and a 256-byte value, and the
 * {@code RawGetResponse} carrying such a value back. Flyweights over one {@link UnsafeBuffer}, reused: with
 * {@code -prof gc}, {@code gc.alloc.rate.norm} should read ~0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class CodecBenchmark {
    private static final int KEY_BYTES = 16;
    private static final int VALUE_BYTES = 256;
    private static final int FRAME_CAPACITY = 4096;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final RawPutEncoder putEncoder = new RawPutEncoder();
    private final RawPutDecoder putDecoder = new RawPutDecoder();
    private final RawGetResponseEncoder getResponseEncoder = new RawGetResponseEncoder();
    private final RawGetResponseDecoder getResponseDecoder = new RawGetResponseDecoder();
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer empty = new UnsafeBuffer(new byte[0]);
    private final FrameValidator validator = Protocol.storeIngressValidator(1024);

    private UnsafeBuffer frame;
    private UnsafeBuffer decodeFrame;
    private UnsafeBuffer key;
    private UnsafeBuffer value;
    private int putFrameLength;
    private long correlationId;

    /** Buffers off-heap, as Aeron's are; one pre-encoded frame for the decode-only benchmarks. */
    @Setup
    public void setup() {
        frame = new UnsafeBuffer(ByteBuffer.allocateDirect(FRAME_CAPACITY));
        decodeFrame = new UnsafeBuffer(ByteBuffer.allocateDirect(FRAME_CAPACITY));
        key = new UnsafeBuffer(ByteBuffer.allocateDirect(KEY_BYTES));
        value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_BYTES));
        for (int i = 0; i < KEY_BYTES; i++) {
            key.putByte(i, (byte)('a' + i));
        }
        for (int i = 0; i < VALUE_BYTES; i++) {
            value.putByte(i, (byte)i);
        }
        putFrameLength = encodePut(decodeFrame, 42);
    }

    /**
     * @return the encoded length of a RawPut frame.
     */
    @Benchmark
    public int rawPutEncode() {
        return encodePut(frame, ++correlationId);
    }

    /**
     * Validates (as the store's ingress does) and decodes a RawPut frame.
     *
     * @param blackhole consumes the decoded fields.
     */
    @Benchmark
    public void rawPutDecode(final Blackhole blackhole) {
        decodePut(decodeFrame, putFrameLength, blackhole);
    }

    /**
     * Encodes a RawPut, then validates and decodes it.
     *
     * @param blackhole consumes the decoded fields.
     */
    @Benchmark
    public void rawPutRoundTrip(final Blackhole blackhole) {
        final int length = encodePut(frame, ++correlationId);
        decodePut(frame, length, blackhole);
    }

    /**
     * Encodes a found RawGetResponse with a 256-byte value and decodes it.
     *
     * @param blackhole consumes the decoded fields.
     */
    @Benchmark
    public void rawGetResponseRoundTrip(final Blackhole blackhole) {
        getResponseEncoder.wrapAndApplyHeader(frame, 0, headerEncoder)
            .correlationId(++correlationId)
            .status(Status.OK)
            .found(BooleanType.TRUE)
            .putValue(value, 0, VALUE_BYTES)
            .putErrorMessage(empty, 0, 0);

        getResponseDecoder.wrapAndApplyHeader(frame, 0, headerDecoder);
        blackhole.consume(getResponseDecoder.correlationId());
        blackhole.consume(getResponseDecoder.statusRaw());
        blackhole.consume(getResponseDecoder.foundRaw());
        getResponseDecoder.wrapValue(valueView);
        blackhole.consume(valueView.getByte(VALUE_BYTES - 1));
        blackhole.consume(getResponseDecoder.skipErrorMessage());
    }

    private int encodePut(final UnsafeBuffer out, final long id) {
        putEncoder.wrapAndApplyHeader(out, 0, headerEncoder)
            .correlationId(id)
            .sessionToken(0x1234_5678L)
            .ttlSeconds(0);
        putEncoder.region().regionId(1).confVer(1).version(1);
        putEncoder.putKey(key, 0, KEY_BYTES).putValue(value, 0, VALUE_BYTES);
        return MessageHeaderEncoder.ENCODED_LENGTH + putEncoder.encodedLength();
    }

    private void decodePut(final UnsafeBuffer in, final int length, final Blackhole blackhole) {
        if (validator.validate(in, 0, length) != FrameValidator.VALID) {
            throw new IllegalStateException("invalid frame: " + validator.lastError());
        }
        putDecoder.wrapAndApplyHeader(in, 0, headerDecoder);
        blackhole.consume(putDecoder.correlationId());
        blackhole.consume(putDecoder.sessionToken());
        blackhole.consume(putDecoder.region().regionId());
        blackhole.consume(putDecoder.ttlSeconds());
        putDecoder.wrapKey(keyView);
        putDecoder.wrapValue(valueView);
        blackhole.consume(keyView.getByte(KEY_BYTES - 1));
        blackhole.consume(valueView.getByte(VALUE_BYTES - 1));
    }
}
