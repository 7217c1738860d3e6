package io.tkv.server.system;

import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchDeleteEncoder;
import io.tkv.codec.RawBatchGetEncoder;
import io.tkv.codec.RawBatchPutEncoder;
import io.tkv.codec.RawCompareAndSwapEncoder;
import io.tkv.codec.RawDeleteEncoder;
import io.tkv.codec.RawGetEncoder;
import io.tkv.codec.RawGetResponseDecoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.codec.RawPutResponseDecoder;
import io.tkv.codec.RawScanEncoder;
import io.tkv.codec.Status;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sends 100,000 random, truncated and mutated frames to a real tkv-server process, many of them with a valid
 * session token so they get past authentication into validation, limits and storage; then checks the server
 * still answers correctly and that data written before is intact.
 */
class FuzzSystemTest {
    private static final String SECRET = "fuzz-secret";
    private static final int FRAMES = Integer.getInteger("tkv.fuzz.frames", 100_000);
    private static final int INTACT_KEYS = 50;
    private static final long SEED = Long.getLong("tkv.fuzz.seed", 20261125L);
    /** Templates a fuzzed frame is never turned into: Connect (would open egress to a random address),
     *  Disconnect (would end our own session) and DeleteRange (could legitimately delete the intact data). */
    private static final int[] EXCLUDED_TEMPLATES = {1, 5, 22};

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldSurviveRandomAndMutatedFramesWithDataIntact() throws Exception {
        final Path secretFile = dir.resolve("secret");
        Files.writeString(secretFile, SECRET);
        final int port = StoreProcess.freePort();
        try (StoreProcess store = new StoreProcess(dir.resolve("data"), port, "--secret-file", secretFile.toString(),
            "--idle", "sleep-us:100").start()) {
            try (RawSession session = RawSession.open(store.endpoint(), SECRET, 30_000)) {
                for (int i = 0; i < INTACT_KEYS; i++) {
                    put(session, intactKey(i), intactValue(i));
                }
                fuzz(session, new Random(SEED));
            }
            try (RawSession verifier = RawSession.open(store.endpoint(), SECRET, 30_000)) {
                for (int i = 0; i < INTACT_KEYS; i++) {
                    assertArrayEquals(intactValue(i), get(verifier, intactKey(i)), "key " + i + " seed " + SEED);
                }
                final byte[] fresh = "after-fuzz".getBytes(StandardCharsets.UTF_8);
                put(verifier, fresh, fresh);
                assertArrayEquals(fresh, get(verifier, fresh));
            }
            assertTrue(store.stop(), "clean exit after SIGTERM; output:\n" + store.output());
        }
    }

    private static void fuzz(final RawSession session, final Random random) {
        final List<byte[]> bases = baseFrames(session.sessionToken(), random);
        final MutableDirectBuffer frame = new ExpandableDirectByteBuffer(2048);
        final long deadline = System.currentTimeMillis() + 240_000;
        for (int i = 0; i < FRAMES; i++) {
            final int kind = random.nextInt(10);
            int length;
            if (kind < 3) {
                length = random.nextInt(512);
                for (int b = 0; b < length; b++) {
                    frame.putByte(b, (byte)random.nextInt());
                }
            } else {
                final byte[] base = bases.get(random.nextInt(bases.size()));
                frame.putBytes(0, base);
                length = base.length;
                final int flips = kind < 5 ? 0 : 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    frame.putByte(random.nextInt(length), (byte)random.nextInt());
                }
                if (kind == 3 || random.nextInt(4) == 0) {
                    length = random.nextInt(length + 1);
                }
            }
            if (length >= MessageHeaderDecoder.ENCODED_LENGTH) {
                final int template = frame.getShort(2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                for (final int excluded : EXCLUDED_TEMPLATES) {
                    if (template == excluded) {
                        frame.putShort(2, (short)RawGetEncoder.TEMPLATE_ID, ByteOrder.LITTLE_ENDIAN);
                    }
                }
            }
            if (length == 0) {
                length = 1;
            }
            session.send(frame, 0, length, deadline);
            if ((i & 255) == 0) {
                session.drain();
            }
        }
        session.drain();
    }

    /** Valid requests of every kind the fuzzer may mutate; keys and values never contain 'i'. */
    private static List<byte[]> baseFrames(final long token, final Random random) {
        final List<byte[]> frames = new ArrayList<>();
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(1024);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        for (int variant = 0; variant < 4; variant++) {
            final long sessionToken = variant == 3 ? random.nextLong() : token;
            final byte[] key = fuzzBytes(random, 1 + random.nextInt(16));
            final byte[] value = fuzzBytes(random, random.nextInt(64));

            final RawGetEncoder get = new RawGetEncoder().wrapAndApplyHeader(buffer, 0, header);
            get.correlationId(random.nextLong()).sessionToken(sessionToken).region().regionId(1).confVer(1).version(1);
            get.putKey(key, 0, key.length);
            frames.add(copy(buffer, get.encodedLength()));

            final RawPutEncoder put = new RawPutEncoder().wrapAndApplyHeader(buffer, 0, header);
            put.correlationId(random.nextLong()).sessionToken(sessionToken).ttlSeconds(variant);
            put.region().regionId(1).confVer(1).version(1);
            put.putKey(key, 0, key.length).putValue(value, 0, value.length);
            frames.add(copy(buffer, put.encodedLength()));

            final RawBatchPutEncoder batchPut = new RawBatchPutEncoder().wrapAndApplyHeader(buffer, 0, header);
            batchPut.correlationId(random.nextLong()).sessionToken(sessionToken).ttlSeconds(0);
            batchPut.region().regionId(1).confVer(1).version(1);
            final RawBatchPutEncoder.PairsEncoder pairs = batchPut.pairsCount(3);
            for (int p = 0; p < 3; p++) {
                pairs.next().putKey(key, 0, key.length).putValue(value, 0, value.length);
            }
            frames.add(copy(buffer, batchPut.encodedLength()));

            final RawBatchGetEncoder batchGet = new RawBatchGetEncoder().wrapAndApplyHeader(buffer, 0, header);
            batchGet.correlationId(random.nextLong()).sessionToken(sessionToken);
            batchGet.region().regionId(1).confVer(1).version(1);
            final RawBatchGetEncoder.KeysEncoder keys = batchGet.keysCount(2);
            keys.next().putKey(key, 0, key.length);
            keys.next().putKey(value, 0, value.length);
            frames.add(copy(buffer, batchGet.encodedLength()));

            final RawDeleteEncoder delete = new RawDeleteEncoder().wrapAndApplyHeader(buffer, 0, header);
            delete.correlationId(random.nextLong()).sessionToken(sessionToken);
            delete.region().regionId(1).confVer(1).version(1);
            delete.putKey(key, 0, key.length);
            frames.add(copy(buffer, delete.encodedLength()));

            final RawBatchDeleteEncoder batchDelete = new RawBatchDeleteEncoder().wrapAndApplyHeader(buffer, 0, header);
            batchDelete.correlationId(random.nextLong()).sessionToken(sessionToken);
            batchDelete.region().regionId(1).confVer(1).version(1);
            batchDelete.keysCount(1).next().putKey(key, 0, key.length);
            frames.add(copy(buffer, batchDelete.encodedLength()));

            final RawScanEncoder scan = new RawScanEncoder().wrapAndApplyHeader(buffer, 0, header);
            scan.correlationId(random.nextLong()).sessionToken(sessionToken).scanLimit(1 + random.nextInt(100))
                .reverse(variant % 2 == 0 ? BooleanType.TRUE : BooleanType.FALSE).keyOnly(BooleanType.FALSE);
            scan.region().regionId(1).confVer(1).version(1);
            scan.putStartKey(key, 0, 0).putEndKey(value, 0, 0);
            frames.add(copy(buffer, scan.encodedLength()));

            final RawCompareAndSwapEncoder cas = new RawCompareAndSwapEncoder().wrapAndApplyHeader(buffer, 0, header);
            cas.correlationId(random.nextLong()).sessionToken(sessionToken).ttlSeconds(0)
                .expectAbsent(variant % 2 == 0 ? BooleanType.TRUE : BooleanType.FALSE);
            cas.region().regionId(1).confVer(1).version(1);
            cas.putKey(key, 0, key.length).putExpectedValue(value, 0, value.length).putNewValue(key, 0, key.length);
            frames.add(copy(buffer, cas.encodedLength()));
        }
        return frames;
    }

    private static byte[] fuzzBytes(final Random random, final int length) {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            byte b;
            do {
                b = (byte)random.nextInt();
            } while (b == 'i');
            bytes[i] = b;
        }
        return bytes;
    }

    private static byte[] copy(final ExpandableDirectByteBuffer buffer, final int bodyLength) {
        final byte[] frame = new byte[MessageHeaderEncoder.ENCODED_LENGTH + bodyLength];
        buffer.getBytes(0, frame);
        return frame;
    }

    private static byte[] intactKey(final int i) {
        return String.format("intact-%04d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] intactValue(final int i) {
        return ("value of intact key " + i).getBytes(StandardCharsets.UTF_8);
    }

    private static long correlation = 1_000_000;

    private static void put(final RawSession session, final byte[] key, final byte[] value) {
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(256);
        final long correlationId = ++correlation;
        final RawPutEncoder put = new RawPutEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        put.correlationId(correlationId).sessionToken(session.sessionToken()).ttlSeconds(0);
        put.region().regionId(1).confVer(1).version(1);
        put.putKey(key, 0, key.length).putValue(value, 0, value.length);
        final long deadline = System.currentTimeMillis() + 10_000;
        session.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + put.encodedLength(), deadline);
        session.awaitReply(t -> t == RawPutResponseDecoder.TEMPLATE_ID, deadline);
        assertEquals(correlationId, session.lastCorrelationId());
        final RawPutResponseDecoder reply = new RawPutResponseDecoder()
            .wrapAndApplyHeader(session.lastFrame(), 0, new MessageHeaderDecoder());
        assertEquals(Status.OK, reply.status(), reply.errorMessage());
    }

    private static byte[] get(final RawSession session, final byte[] key) {
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(256);
        final long correlationId = ++correlation;
        final RawGetEncoder get = new RawGetEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        get.correlationId(correlationId).sessionToken(session.sessionToken());
        get.region().regionId(1).confVer(1).version(1);
        get.putKey(key, 0, key.length);
        final long deadline = System.currentTimeMillis() + 10_000;
        session.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + get.encodedLength(), deadline);
        session.awaitReply(t -> t == RawGetResponseDecoder.TEMPLATE_ID, deadline);
        final RawGetResponseDecoder reply = new RawGetResponseDecoder()
            .wrapAndApplyHeader(session.lastFrame(), 0, new MessageHeaderDecoder());
        assertEquals(correlationId, reply.correlationId());
        assertEquals(Status.OK, reply.status());
        assertTrue(reply.found() == BooleanType.TRUE, "key missing");
        final byte[] value = new byte[reply.valueLength()];
        reply.getValue(value, 0, value.length);
        return value;
    }
}
