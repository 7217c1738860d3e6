package io.tkv.server.apply;

import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawCompareAndSwapEncoder;
import io.tkv.codec.RawCompareAndSwapResponseDecoder;
import io.tkv.codec.RawGetEncoder;
import io.tkv.codec.RawGetResponseDecoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.codec.RawPutResponseDecoder;
import io.tkv.codec.RawScanEncoder;
import io.tkv.codec.RawScanResponseDecoder;
import io.tkv.codec.Status;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ApplyPathTest {
    @TempDir
    Path dir;
    private StorageEngine engine;
    private RawKvStore store;
    private ApplyPath path;
    private final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(4096);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();

    @BeforeEach
    void open() {
        engine = StorageEngine.open(new StorageConfig().dataDir(dir).fsyncPolicy(FsyncPolicy.NONE));
        store = new RawKvStore(engine, SystemEpochClock.INSTANCE);
        path = new ApplyPath(engine, store, 600);
    }

    @AfterEach
    void close() {
        path.close();
        store.close();
        engine.close();
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void put(final String key, final String value) {
        final RawPutEncoder put = new RawPutEncoder().wrapAndApplyHeader(frame, 0, header);
        put.correlationId(7).ttlSeconds(0);
        put.putKey(b(key), 0, b(key).length).putValue(b(value), 0, b(value).length);
        path.apply(RawPutEncoder.TEMPLATE_ID, frame, 0, System.currentTimeMillis());
        final RawPutResponseDecoder reply = new RawPutResponseDecoder().wrapAndApplyHeader(path.reply(), 0,
            headerDecoder);
        assertEquals(7, reply.correlationId());
        assertEquals(Status.OK, reply.status());
    }

    @Test
    void shouldAnswerAGetWithTheValueAPutWrote() {
        put("k", "value");
        final RawGetEncoder get = new RawGetEncoder().wrapAndApplyHeader(frame, 0, header);
        get.correlationId(8).putKey(b("k"), 0, 1);
        path.apply(RawGetEncoder.TEMPLATE_ID, frame, 0, System.currentTimeMillis());
        final RawGetResponseDecoder reply = new RawGetResponseDecoder().wrapAndApplyHeader(path.reply(), 0,
            headerDecoder);
        assertEquals(8, reply.correlationId());
        assertEquals(BooleanType.TRUE, reply.found());
        final byte[] value = new byte[reply.valueLength()];
        reply.getValue(value, 0, value.length);
        assertEquals("value", new String(value, StandardCharsets.UTF_8));
    }

    @Test
    void shouldCutAScanReplyToTheFrameSizeAndSayHasMore() {
        for (int i = 0; i < 20; i++) {
            put(String.format("s%02d", i), "0123456789012345678901234567890123456789");
        }
        final RawScanEncoder scan = new RawScanEncoder().wrapAndApplyHeader(frame, 0, header);
        scan.correlationId(9).scanLimit(20).reverse(BooleanType.FALSE).keyOnly(BooleanType.FALSE)
            .putStartKey(b("s"), 0, 1).putEndKey(new byte[0], 0, 0);
        final int length = path.apply(RawScanEncoder.TEMPLATE_ID, frame, 0, System.currentTimeMillis());
        final RawScanResponseDecoder reply = new RawScanResponseDecoder().wrapAndApplyHeader(path.reply(), 0,
            headerDecoder);
        assertEquals(BooleanType.TRUE, reply.hasMore());
        final RawScanResponseDecoder.PairsDecoder pairs = reply.pairs();
        final int count = pairs.count();
        assertEquals(true, count > 0 && count < 20, "pairs: " + count);
        assertEquals(true, length <= 600, "reply of " + length + " bytes exceeds the frame limit");
        int seen = 0;
        for (final RawScanResponseDecoder.PairsDecoder pair : pairs) {
            final byte[] key = new byte[pair.keyLength()];
            pair.getKey(key, 0, key.length);
            assertEquals(String.format("s%02d", seen++), new String(key, StandardCharsets.UTF_8));
            pair.skipValue();
        }
        assertEquals(count, seen);
        assertEquals("", reply.errorMessage());
    }

    @Test
    void shouldSwapOnlyWhenTheExpectedValueMatches() {
        put("c", "one");
        final RawCompareAndSwapEncoder cas = new RawCompareAndSwapEncoder().wrapAndApplyHeader(frame, 0, header);
        cas.correlationId(10).ttlSeconds(0).expectAbsent(BooleanType.FALSE)
            .putKey(b("c"), 0, 1).putExpectedValue(b("two"), 0, 3).putNewValue(b("three"), 0, 5);
        path.apply(RawCompareAndSwapEncoder.TEMPLATE_ID, frame, 0, System.currentTimeMillis());
        RawCompareAndSwapResponseDecoder reply = new RawCompareAndSwapResponseDecoder()
            .wrapAndApplyHeader(path.reply(), 0, headerDecoder);
        assertEquals(BooleanType.FALSE, reply.swapped());
        assertEquals(BooleanType.TRUE, reply.previousFound());
        final byte[] previous = new byte[reply.previousValueLength()];
        reply.getPreviousValue(previous, 0, previous.length);
        assertEquals("one", new String(previous, StandardCharsets.UTF_8));

        cas.wrapAndApplyHeader(frame, 0, header).correlationId(11).ttlSeconds(0).expectAbsent(BooleanType.FALSE)
            .putKey(b("c"), 0, 1).putExpectedValue(b("one"), 0, 3).putNewValue(b("three"), 0, 5);
        path.apply(RawCompareAndSwapEncoder.TEMPLATE_ID, frame, 0, System.currentTimeMillis());
        reply = new RawCompareAndSwapResponseDecoder().wrapAndApplyHeader(path.reply(), 0, headerDecoder);
        assertEquals(BooleanType.TRUE, reply.swapped());
    }
}
