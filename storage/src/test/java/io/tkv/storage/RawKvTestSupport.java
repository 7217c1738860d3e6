package io.tkv.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine and a raw store over a temporary directory with a manual clock, and string-friendly helpers.
 */
abstract class RawKvTestSupport {
    static final long START_MS = 1_700_000_000_000L;
    static final DirectBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    @TempDir
    Path dataDir;

    final CachedEpochClock clock = new CachedEpochClock();
    final ExpandableDirectByteBuffer valueOut = new ExpandableDirectByteBuffer(16);
    StorageEngine engine;
    RawKvStore store;

    @BeforeEach
    void openStore() {
        clock.update(START_MS);
        engine = StorageEngine.open(smallConfig(dataDir));
        store = new RawKvStore(engine, clock);
    }

    @AfterEach
    void closeStore() {
        store.close();
        engine.close();
    }

    static StorageConfig smallConfig(final Path dataDir) {
        return new StorageConfig()
            .dataDir(dataDir)
            .blockCacheBytes(8L * 1024 * 1024)
            .writeBufferBytes(4L * 1024 * 1024);
    }

    void reopen() {
        store.close();
        engine.close();
        engine = StorageEngine.open(smallConfig(dataDir));
        store = new RawKvStore(engine, clock);
    }

    static UnsafeBuffer buf(final String s) {
        return new UnsafeBuffer(bytes(s));
    }

    static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(final DirectBuffer buffer, final int offset, final int length) {
        return buffer.getStringWithoutLengthUtf8(offset, length);
    }

    void put(final String key, final String value) {
        put(key, value, 0);
    }

    void put(final String key, final String value, final long ttlSeconds) {
        put(bytes(key), bytes(value), ttlSeconds);
    }

    void put(final byte[] key, final byte[] value, final long ttlSeconds) {
        store.put(new UnsafeBuffer(key), 0, key.length, new UnsafeBuffer(value), 0, value.length, ttlSeconds);
    }

    /** @return the value, or null when absent. */
    String get(final String key) {
        final byte[] value = getBytes(bytes(key));
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    byte[] getBytes(final byte[] key) {
        final int length = store.get(new UnsafeBuffer(key), 0, key.length, valueOut);
        if (length < 0) {
            return null;
        }
        final byte[] value = new byte[length];
        valueOut.getBytes(0, value);
        return value;
    }

    void delete(final String key) {
        final byte[] k = bytes(key);
        store.delete(new UnsafeBuffer(k), 0, k.length);
    }

    void stagePut(final String key, final String value, final long ttlSeconds) {
        final byte[] k = bytes(key);
        final byte[] v = bytes(value);
        store.stagePut(new UnsafeBuffer(k), 0, k.length, new UnsafeBuffer(v), 0, v.length, ttlSeconds);
    }

    void stageDelete(final String key) {
        final byte[] k = bytes(key);
        store.stageDelete(new UnsafeBuffer(k), 0, k.length);
    }

    /** Scans and returns "key=value" strings (or just keys when keyOnly). */
    List<String> scan(final String start, final String end, final int limit, final boolean reverse,
        final boolean keyOnly) {
        final List<String> pairs = new ArrayList<>();
        final UnsafeBuffer s = buf(start);
        final UnsafeBuffer e = buf(end);
        final int visited = store.scan(s, 0, s.capacity(), e, 0, e.capacity(), limit, reverse, keyOnly,
            (key, keyOffset, keyLength, value, valueOffset, valueLength) -> {
                final String k = str(key, keyOffset, keyLength);
                pairs.add(keyOnly ? k + "/" + valueLength : k + "=" + str(value, valueOffset, valueLength));
                return true;
            });
        if (visited != pairs.size()) {
            throw new AssertionError("scan returned " + visited + " but visited " + pairs.size());
        }
        return pairs;
    }

    List<String> scanAll() {
        return scan("", "", Integer.MAX_VALUE, false, false);
    }

    void deleteRange(final String start, final String end) {
        final UnsafeBuffer s = buf(start);
        final UnsafeBuffer e = buf(end);
        store.deleteRange(s, 0, s.capacity(), e, 0, e.capacity());
    }
}
