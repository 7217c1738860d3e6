package io.tkv.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksIterator;

/**
 * One store's replicated apply path over a temporary directory: engine, dedup table, apply batch, a RawKV store for
 * client reads, and region 1's apply state; with string helpers and a full dump of a column family.
 */
abstract class ApplyTestSupport {
    static final long REGION = 1;
    static final long T0 = 1_700_000_000_000L;
    static final long CLIENT_TTL_MS = DedupTable.CLIENT_TTL_MS;

    @TempDir
    Path dataDir;

    final CachedEpochClock clock = new CachedEpochClock();
    final ExpandableDirectByteBuffer valueOut = new ExpandableDirectByteBuffer(16);
    StorageEngine engine;
    DedupTable dedup;
    ApplyBatch batch;
    RawKvStore store;
    RegionApplyState state;

    @BeforeEach
    void openStore() {
        clock.update(T0);
        open();
    }

    @AfterEach
    void closeStore() {
        closeAll();
    }

    StorageConfig config() {
        return RawKvTestSupport.smallConfig(dataDir);
    }

    void open() {
        engine = StorageEngine.open(config());
        dedup = DedupTable.load(engine);
        batch = new ApplyBatch(engine, dedup);
        store = new RawKvStore(engine, clock);
        state = RegionApplyState.load(engine, REGION);
    }

    void closeAll() {
        if (engine != null) {
            batch.close();
            store.close();
            engine.close();
            engine = null;
        }
    }

    /** Closes everything, as a crash that kept the unsynced WAL in the page cache would, and opens again. */
    void reopen() {
        closeAll();
        open();
    }

    static UnsafeBuffer buf(final String s) {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    static String str(final DirectBuffer buffer, final int offset, final int length) {
        return buffer.getStringWithoutLengthUtf8(offset, length);
    }

    void put(final String key, final String value, final long ttlSeconds) {
        final UnsafeBuffer k = buf(key);
        final UnsafeBuffer v = buf(value);
        batch.put(k, 0, k.capacity(), v, 0, v.capacity(), ttlSeconds);
    }

    void put(final String key, final String value) {
        put(key, value, 0);
    }

    void delete(final String key) {
        final UnsafeBuffer k = buf(key);
        batch.delete(k, 0, k.capacity());
    }

    void deleteRange(final String start, final String end) {
        final UnsafeBuffer s = buf(start);
        final UnsafeBuffer e = buf(end);
        batch.deleteRange(s, 0, s.capacity(), e, 0, e.capacity());
    }

    /** CAS in the open batch; expected null means expect absent. */
    CasResult cas(final String key, final String expected, final String newValue, final long ttlSeconds) {
        final UnsafeBuffer k = buf(key);
        final UnsafeBuffer e = buf(expected == null ? "" : expected);
        final UnsafeBuffer n = buf(newValue);
        return batch.compareAndSwap(k, 0, k.capacity(), expected == null, e, 0, e.capacity(),
            n, 0, n.capacity(), ttlSeconds, valueOut);
    }

    String previous(final CasResult result) {
        return str(valueOut, 0, result.previousLength());
    }

    /** A client read, by the store's clock. */
    String get(final String key) {
        final UnsafeBuffer k = buf(key);
        final int length = store.get(k, 0, k.capacity(), valueOut);
        return length < 0 ? null : str(valueOut, 0, length);
    }

    void record(final long clientId, final long requestId, final long firstIncompleteId, final String reply) {
        final UnsafeBuffer r = buf(reply);
        batch.recordReply(clientId, requestId, firstIncompleteId, r, 0, r.capacity());
    }

    String duplicateReply() {
        final DirectBuffer reply = batch.duplicateReply();
        return str(reply, 0, reply.capacity());
    }

    /**
     * One write entry as the apply agent runs it: check, apply when NEW, record the reply "ok:key=value".
     *
     * @return the status, and for a DUPLICATE the test can read {@link #duplicateReply()}.
     */
    DedupStatus putEntry(
        final long index, final long timeMs, final long clientId, final long requestId, final long firstIncompleteId,
        final String key, final String value) {
        batch.beginEntry(index, 1, timeMs);
        final DedupStatus status = batch.checkRequest(clientId, requestId);
        if (status == DedupStatus.NEW) {
            put(key, value);
            record(clientId, requestId, firstIncompleteId, "ok:" + key + "=" + value);
        }
        return status;
    }

    /** Applies one write entry in its own batch. */
    DedupStatus applyPut(
        final long index, final long timeMs, final long clientId, final long requestId, final long firstIncompleteId,
        final String key, final String value) {
        batch.begin(state);
        final DedupStatus status = putEntry(index, timeMs, clientId, requestId, firstIncompleteId, key, value);
        batch.commit();
        return status;
    }

    /** Applies one empty entry (a no-op or configuration entry) in its own batch. */
    void applyEmpty(final long index, final long timeMs) {
        batch.begin(state);
        batch.beginEntry(index, 1, timeMs);
        batch.commit();
    }

    /** Every key and value of a column family, hex, in key order. */
    static Map<String, String> dump(final StorageEngine engine, final ColumnFamily family) {
        final Map<String, String> pairs = new LinkedHashMap<>();
        final HexFormat hex = HexFormat.of();
        try (RocksIterator it = engine.db().newIterator(engine.handle(family))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                pairs.put(hex.formatHex(it.key()), hex.formatHex(it.value()));
            }
        }
        return pairs;
    }

    /** Every column family's dump, by name. */
    static Map<String, Map<String, String>> dumpAll(final StorageEngine engine) {
        final Map<String, Map<String, String>> all = new LinkedHashMap<>();
        for (final ColumnFamily family : ColumnFamily.values()) {
            all.put(family.cfName(), dump(engine, family));
        }
        return all;
    }
}
