package io.tkv.perf.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawGetEncoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.perf.KeySpace;
import io.tkv.server.apply.ApplyPath;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the store's apply path without network or consensus: {@link RawKvStore#put} and {@link RawKvStore#get}
 * of a 16-byte key and a 256-byte value on a RocksDB in a temp directory, fsync policy NONE (writes reach the WAL
 * with {@code write(2)}, never {@code fsync}), so the numbers are CPU and memtable work. {@code putFrame} and
 * {@code getFrame} run the whole per-request work of the store's apply agent ({@link ApplyPath}): encode the
 * request frame as a client would, decode it, run it, encode the reply. With {@code -prof gc},
 * {@code gc.alloc.rate.norm} is the Java allocation per operation on this path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class ApplyPathBenchmark {
    private static final int KEYS = 100_000;
    private static final int KEY_BYTES = 16;
    private static final int VALUE_BYTES = 256;
    /** Entry time of the benchmark's writes (they carry no TTL, so any fixed time does). */
    private static final long NOW_MS = 1_700_000_000_000L;

    private final KeySpace keySpace = new KeySpace(KEYS, KEY_BYTES);
    private final byte[] keyBytes = keySpace.newKeyBuffer();
    private final UnsafeBuffer key = new UnsafeBuffer(keyBytes);
    private final ExpandableDirectByteBuffer valueOut = new ExpandableDirectByteBuffer(VALUE_BYTES);
    private UnsafeBuffer value;
    private Path dataDir;
    private StorageEngine engine;
    private RawKvStore store;
    private long next;
    private ApplyPath applyPath;
    private final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final RawPutEncoder putEncoder = new RawPutEncoder();
    private final RawGetEncoder getEncoder = new RawGetEncoder();

    /**
     * Opens a fresh RocksDB and writes every key once, so gets hit.
     *
     * @throws IOException if the temp directory cannot be made.
     */
    @Setup(Level.Trial)
    public void open() throws IOException {
        dataDir = Files.createTempDirectory("tkv-jmh-apply-");
        engine = StorageEngine.open(new StorageConfig().dataDir(dataDir).fsyncPolicy(FsyncPolicy.NONE));
        store = new RawKvStore(engine, SystemEpochClock.INSTANCE);
        applyPath = new ApplyPath(engine, store, 512 * 1024);
        value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_BYTES));
        for (int i = 0; i < VALUE_BYTES; i++) {
            value.putByte(i, (byte)i);
        }
        for (int i = 0; i < KEYS; i++) {
            keySpace.encode(i, keyBytes);
            store.put(key, 0, KEY_BYTES, value, 0, VALUE_BYTES, 0);
        }
    }

    /**
     * Closes the store and deletes its directory.
     *
     * @throws IOException if the directory cannot be deleted.
     */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        applyPath.close();
        store.close();
        engine.close();
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /**
     * @return the written key's index.
     */
    @Benchmark
    public long put() {
        final long index = nextIndex();
        value.putLong(0, index);
        store.put(key, 0, KEY_BYTES, value, 0, VALUE_BYTES, 0);
        return index;
    }

    /**
     * @return the value length read (-1 would mean a miss).
     */
    @Benchmark
    public int get() {
        nextIndex();
        return store.get(key, 0, KEY_BYTES, valueOut);
    }

    /**
     * @return the reply's length.
     */
    @Benchmark
    public int putFrame() {
        final long index = nextIndex();
        value.putLong(0, index);
        putEncoder.wrapAndApplyHeader(frame, 0, header).correlationId(index).sessionToken(1).ttlSeconds(0);
        putEncoder.region().regionId(1).confVer(1).version(1);
        putEncoder.putKey(keyBytes, 0, KEY_BYTES).putValue(value, 0, VALUE_BYTES);
        return applyPath.apply(RawPutEncoder.TEMPLATE_ID, frame, 0,
            MessageHeaderEncoder.ENCODED_LENGTH + putEncoder.encodedLength(), NOW_MS);
    }

    /**
     * @return the reply's length.
     */
    @Benchmark
    public int getFrame() {
        final long index = nextIndex();
        getEncoder.wrapAndApplyHeader(frame, 0, header).correlationId(index).sessionToken(1);
        getEncoder.region().regionId(1).confVer(1).version(1);
        getEncoder.putKey(keyBytes, 0, KEY_BYTES);
        return applyPath.apply(RawGetEncoder.TEMPLATE_ID, frame, 0,
            MessageHeaderEncoder.ENCODED_LENGTH + getEncoder.encodedLength(), NOW_MS);
    }

    private long nextIndex() {
        // A fixed odd stride visits every key in a scattered order without a random source on the measured path.
        next = (next + 7_919) % KEYS;
        keySpace.encode(next, keyBytes);
        return next;
    }
}
