package io.tkv.server.apply;

import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.codec.RawScanEncoder;
import io.tkv.codec.RawScanResponseDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A scan over a range full of expired values, through the apply path: the reply stops on the budget and says where
 * to go on; an older client gets what it can use.
 */
class ScanReplyWriterTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int EXPIRED = ScanReplyWriter.MAX_EXPIRED_PER_SCAN + 10;

    @TempDir
    Path dir;
    private final CachedEpochClock clock = new CachedEpochClock();
    private final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(4096);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final FrameValidator egress = Protocol.clientEgressValidator();
    private StorageEngine engine;
    private RawKvStore store;
    private ApplyPath path;

    /** What one scan reply said. */
    private record Reply(Status status, boolean hasMore, List<String> keys, String resumeKey, String message) {
    }

    @BeforeEach
    void open() {
        engine = StorageEngine.open(new StorageConfig().dataDir(dir).fsyncPolicy(FsyncPolicy.NONE));
        store = new RawKvStore(engine, clock);
        path = new ApplyPath(engine, store, 64 * 1024);
        clock.update(T0);
        put("a", 0);
        for (int i = 0; i < EXPIRED; i++) {
            put(key(i), 1);
        }
        put("z", 0);
        clock.update(T0 + 1_000);
    }

    @AfterEach
    void close() {
        path.close();
        store.close();
        engine.close();
    }

    private static String key(final int i) {
        return String.format("e%05d", i);
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void put(final String key, final long ttlSeconds) {
        final RawPutEncoder put = new RawPutEncoder().wrapAndApplyHeader(frame, 0, header);
        put.correlationId(1).ttlSeconds(ttlSeconds).putKey(b(key), 0, b(key).length).putValue(b("v"), 0, 1);
        path.apply(RawPutEncoder.TEMPLATE_ID, frame, 0, clock.time());
    }

    private Reply scan(final int version, final String start, final String end, final boolean reverse) {
        final RawScanEncoder scan = new RawScanEncoder().wrapAndApplyHeader(frame, 0, header);
        header.version(version);
        scan.correlationId(9).scanLimit(100).reverse(reverse ? BooleanType.TRUE : BooleanType.FALSE)
            .keyOnly(BooleanType.TRUE).putStartKey(b(start), 0, b(start).length).putEndKey(b(end), 0, b(end).length);
        final int length = path.apply(RawScanEncoder.TEMPLATE_ID, frame, 0, clock.time());
        assertEquals(FrameValidator.VALID, egress.validate(path.reply(), 0, length), egress.lastError());
        final RawScanResponseDecoder reply = new RawScanResponseDecoder().wrapAndApplyHeader(path.reply(), 0,
            headerDecoder);
        assertEquals(9, reply.correlationId());
        final List<String> keys = new ArrayList<>();
        for (final RawScanResponseDecoder.PairsDecoder pair : reply.pairs()) {
            final byte[] key = new byte[pair.keyLength()];
            pair.getKey(key, 0, key.length);
            keys.add(new String(key, StandardCharsets.UTF_8));
            pair.skipValue();
        }
        final String message = reply.errorMessage();
        final byte[] resume = new byte[reply.resumeKeyLength()];
        reply.getResumeKey(resume, 0, resume.length);
        return new Reply(reply.status(), reply.hasMore() == BooleanType.TRUE, keys,
            new String(resume, StandardCharsets.UTF_8), message);
    }

    @Test
    void shouldStopOnTheBudgetOfExpiredValuesAndSayWhereToGoOn() {
        Reply reply = scan(3, "", "", false);
        assertEquals(new Reply(Status.OK, true, List.of("a"), key(ScanReplyWriter.MAX_EXPIRED_PER_SCAN), ""), reply);
        reply = scan(3, reply.resumeKey(), "", false);
        assertEquals(new Reply(Status.OK, false, List.of("z"), "", ""), reply);

        reply = scan(3, "", "", true);
        assertEquals(new Reply(Status.OK, true, List.of("z"), key(EXPIRED - ScanReplyWriter.MAX_EXPIRED_PER_SCAN),
            ""), reply);
        reply = scan(3, "", reply.resumeKey(), true);
        assertEquals(new Reply(Status.OK, false, List.of("a"), "", ""), reply);
    }

    @Test
    void shouldGoOnFromAResumeKeyWithoutPairsInBetween() {
        final Reply reply = scan(3, "b", "", false);
        assertEquals(new Reply(Status.OK, true, List.of(), key(ScanReplyWriter.MAX_EXPIRED_PER_SCAN), ""), reply);
    }

    @Test
    void shouldGiveAVersion2ClientOnlyWhatItCanGoOnFrom() {
        // It scans on after the last pair, so a page with one is fine; without, it would stop there: refused.
        assertEquals(new Reply(Status.OK, true, List.of("a"), "", ""), scan(2, "", "", false));
        final Reply none = scan(2, "b", "", false);
        assertEquals(Status.TOO_LARGE, none.status());
        assertEquals(List.of(), none.keys());
        assertEquals(true, none.message().contains("expired"), none.message());
    }
}
