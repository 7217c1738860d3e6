package io.tkv.server.apply;

import io.tkv.codec.BooleanType;
import io.tkv.codec.ErrorResponseDecoder;
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
import io.tkv.storage.DedupTable;
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

    private static int length(final int bodyLength) {
        return MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void put(final String key, final String value) {
        final RawPutEncoder put = new RawPutEncoder().wrapAndApplyHeader(frame, 0, header);
        put.correlationId(7).ttlSeconds(0);
        put.putKey(b(key), 0, b(key).length).putValue(b(value), 0, b(value).length);
        path.apply(RawPutEncoder.TEMPLATE_ID, frame, 0, length(put.encodedLength()), System.currentTimeMillis());
        final RawPutResponseDecoder reply = new RawPutResponseDecoder().wrapAndApplyHeader(path.reply(), 0,
            headerDecoder);
        assertEquals(7, reply.correlationId());
        assertEquals(Status.OK, reply.status());
    }

    /** Applies a put of a client with an id; its reply is then in {@link ApplyPath#reply()}. */
    private int put(final long clientId, final long requestId, final long firstIncompleteId, final String key,
        final String value, final long timeMs) {
        final RawPutEncoder put = new RawPutEncoder().wrapAndApplyHeader(frame, 0, header);
        put.correlationId(requestId).ttlSeconds(0).clientId(clientId).firstIncompleteId(firstIncompleteId);
        put.putKey(b(key), 0, b(key).length).putValue(b(value), 0, b(value).length);
        return path.apply(RawPutEncoder.TEMPLATE_ID, frame, 0, timeMs);
    }

    private String get(final String key) {
        final RawGetEncoder get = new RawGetEncoder().wrapAndApplyHeader(frame, 0, header);
        get.correlationId(1).putKey(b(key), 0, b(key).length);
        path.apply(RawGetEncoder.TEMPLATE_ID, frame, 0, System.currentTimeMillis());
        final RawGetResponseDecoder reply = new RawGetResponseDecoder().wrapAndApplyHeader(path.reply(), 0,
            headerDecoder);
        final byte[] value = new byte[reply.valueLength()];
        reply.getValue(value, 0, value.length);
        return reply.found() == BooleanType.TRUE ? new String(value, StandardCharsets.UTF_8) : null;
    }

    private ErrorResponseDecoder errorReply(final long correlationId) {
        assertEquals(ErrorResponseDecoder.TEMPLATE_ID, headerDecoder.wrap(path.reply(), 0).templateId());
        final ErrorResponseDecoder error = new ErrorResponseDecoder().wrapAndApplyHeader(path.reply(), 0,
            headerDecoder);
        assertEquals(correlationId, error.correlationId());
        assertEquals(RawPutEncoder.TEMPLATE_ID, error.requestTemplateId());
        return error;
    }

    @Test
    void shouldAnswerARetryOfAWriteWhoseRecordWasEvictedRequestExpiredAndApplyNothing() {
        final long now = System.currentTimeMillis();
        // A client that never raises its firstIncompleteId: its oldest records go once it has too many.
        for (int i = 1; i <= DedupTable.MAX_REPLIES_PER_CLIENT + 1; i++) {
            put(42, i, 1, "k" + i, "first", now);
        }
        assertEquals(true, put(42, 1, 1, "k1", "second", now) > 0, "a retry of an evicted write is answered");
        assertEquals(Status.REQUEST_EXPIRED, errorReply(1).status());
        assertEquals("first", get("k1"), "and not applied again");

        put(42, 2, 1, "k2", "second", now);
        final RawPutResponseDecoder duplicate = new RawPutResponseDecoder().wrapAndApplyHeader(path.reply(), 0,
            headerDecoder);
        assertEquals(Status.OK, duplicate.status(), "a recorded write is answered as the first time");
        assertEquals("first", get("k2"));
    }

    @Test
    void shouldAnswerServerBusyToANewClientWhenTheRegionIsFullOfRecentOnes() {
        final long now = System.currentTimeMillis();
        for (int client = 1; client <= DedupTable.MAX_CLIENTS_PER_REGION; client++) {
            put(client, 1, 1, "k", "v", now);
        }
        final long newcomer = DedupTable.MAX_CLIENTS_PER_REGION + 1;
        put(newcomer, 7, 7, "k", "newcomer", now + 1);
        assertEquals(Status.SERVER_BUSY, errorReply(7).status());
        assertEquals("v", get("k"));

        // Once a client has been idle long enough, it makes room: the same write (a retry) now applies.
        put(newcomer, 7, 7, "k", "newcomer", now + DedupTable.CLIENT_EVICTION_MIN_IDLE_MS);
        assertEquals(Status.OK,
            new RawPutResponseDecoder().wrapAndApplyHeader(path.reply(), 0, headerDecoder).status());
        assertEquals("newcomer", get("k"));
    }

    @Test
    void shouldAnswerAGetWithTheValueAPutWrote() {
        put("k", "value");
        final RawGetEncoder get = new RawGetEncoder().wrapAndApplyHeader(frame, 0, header);
        get.correlationId(8).putKey(b("k"), 0, 1);
        path.apply(RawGetEncoder.TEMPLATE_ID, frame, 0, length(get.encodedLength()), System.currentTimeMillis());
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
        final int length = path.apply(RawScanEncoder.TEMPLATE_ID, frame, 0, length(scan.encodedLength()),
            System.currentTimeMillis());
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
        path.apply(RawCompareAndSwapEncoder.TEMPLATE_ID, frame, 0, length(cas.encodedLength()),
            System.currentTimeMillis());
        RawCompareAndSwapResponseDecoder reply = new RawCompareAndSwapResponseDecoder()
            .wrapAndApplyHeader(path.reply(), 0, headerDecoder);
        assertEquals(BooleanType.FALSE, reply.swapped());
        assertEquals(BooleanType.TRUE, reply.previousFound());
        final byte[] previous = new byte[reply.previousValueLength()];
        reply.getPreviousValue(previous, 0, previous.length);
        assertEquals("one", new String(previous, StandardCharsets.UTF_8));

        cas.wrapAndApplyHeader(frame, 0, header).correlationId(11).ttlSeconds(0).expectAbsent(BooleanType.FALSE)
            .putKey(b("c"), 0, 1).putExpectedValue(b("one"), 0, 3).putNewValue(b("three"), 0, 5);
        path.apply(RawCompareAndSwapEncoder.TEMPLATE_ID, frame, 0, length(cas.encodedLength()),
            System.currentTimeMillis());
        reply = new RawCompareAndSwapResponseDecoder().wrapAndApplyHeader(path.reply(), 0, headerDecoder);
        assertEquals(BooleanType.TRUE, reply.swapped());
    }
}
