package io.tkv.client;

import io.tkv.codec.AuthenticateDecoder;
import io.tkv.codec.BooleanType;
import io.tkv.codec.ConnectDecoder;
import io.tkv.codec.DisconnectDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.RawBatchDeleteDecoder;
import io.tkv.codec.RawBatchGetDecoder;
import io.tkv.codec.RawBatchPutDecoder;
import io.tkv.codec.RawCompareAndSwapDecoder;
import io.tkv.codec.RawDeleteDecoder;
import io.tkv.codec.RawDeleteRangeDecoder;
import io.tkv.codec.RawGetDecoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.RawScanDecoder;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.List;

import static io.tkv.client.StoreFixture.bytes;
import static io.tkv.client.StoreFixture.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every frame the client sends decodes, with the store's validator and SBE decoders, to what was encoded. */
class IngressEncoderTest {
    private static final RegionEpoch REGION = new RegionEpoch(5, 6, 7);
    private static final long CLIENT = 0x7EA5_1DL;

    private final IngressEncoder encoder = IngressEncoder.current();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();

    @Test
    void shouldEncodeGetWithRegionAndStampedToken() {
        final byte[] frame = encoder.get(11, REGION, bytes("key"));
        final PendingRequest<byte[]> request = new PendingRequest<>("get", 11, 0, frame, 0, false);
        request.stampToken(0x1234_5678_9ABC_DEF0L);
        final RawGetDecoder get = new RawGetDecoder();
        final UnsafeBuffer buffer = valid(frame, RawGetDecoder.TEMPLATE_ID);
        get.wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals(11, get.correlationId());
        assertEquals(0x1234_5678_9ABC_DEF0L, get.sessionToken());
        assertEquals(0x1234_5678_9ABC_DEF0L, request.sentToken());
        assertEquals(5, get.region().regionId());
        assertEquals(6, get.region().confVer());
        assertEquals(7, get.region().version());
        assertEquals("key", text(read(get.keyLength(), get::getKey)));
    }

    @Test
    void shouldPutTheSessionTokenAtTheSameOffsetInEveryRequest() {
        final List<byte[]> frames = List.of(
            encoder.get(1, REGION, bytes("k")),
            encoder.batchGet(1, REGION, List.of(bytes("k"))),
            encoder.put(1, CLIENT, REGION, bytes("k"), bytes("v"), 0),
            encoder.batchPut(1, CLIENT, REGION, List.of(KvPair.of("k", "v")), 0),
            encoder.delete(1, CLIENT, REGION, bytes("k")),
            encoder.batchDelete(1, CLIENT, REGION, List.of(bytes("k"))),
            encoder.deleteRange(1, CLIENT, REGION, null, null),
            encoder.scan(1, REGION, null, null, 1, false, false),
            encoder.compareAndSwap(1, CLIENT, REGION, bytes("k"), null, bytes("v"), 0));
        for (final byte[] frame : frames) {
            new PendingRequest<>("x", 1, 0, frame, 0, false).stampToken(-42);
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            final int body = MessageHeaderDecoder.ENCODED_LENGTH;
            assertEquals(-42, buffer.getLong(body + Long.BYTES, ByteOrder.LITTLE_ENDIAN));
            assertEquals(1, buffer.getLong(MessageHeaderDecoder.ENCODED_LENGTH, ByteOrder.LITTLE_ENDIAN));
            assertEquals(5, buffer.getLong(MessageHeaderDecoder.ENCODED_LENGTH + 16, ByteOrder.LITTLE_ENDIAN));
        }
    }

    @Test
    void shouldEncodeBatchGetAndBatchDelete() {
        final List<byte[]> keys = List.of(bytes("a"), new byte[0], bytes("ccc"));
        final RawBatchGetDecoder batchGet = new RawBatchGetDecoder();
        final UnsafeBuffer getBuffer = valid(encoder.batchGet(2, REGION, keys), RawBatchGetDecoder.TEMPLATE_ID);
        batchGet.wrap(getBuffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        int i = 0;
        for (final RawBatchGetDecoder.KeysDecoder key : batchGet.keys()) {
            assertArrayEquals(keys.get(i++), read(key.keyLength(), key::getKey));
        }
        assertEquals(3, i);

        final RawBatchDeleteDecoder batchDelete = new RawBatchDeleteDecoder();
        final UnsafeBuffer deleteBuffer = valid(encoder.batchDelete(3, CLIENT, REGION, keys),
            RawBatchDeleteDecoder.TEMPLATE_ID);
        batchDelete.wrap(deleteBuffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals(3, batchDelete.correlationId());
        assertEquals(3, batchDelete.keys().count());
    }

    @Test
    void shouldEncodePutAndBatchPutWithTtl() {
        final RawPutDecoder put = new RawPutDecoder();
        final UnsafeBuffer putBuffer = valid(encoder.put(4, CLIENT, REGION, bytes("k"), bytes("v"), 99),
            RawPutDecoder.TEMPLATE_ID);
        put.wrap(putBuffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals(99, put.ttlSeconds());
        assertEquals(CLIENT, put.clientId());
        assertEquals(4, put.firstIncompleteId());
        assertEquals("k", text(read(put.keyLength(), put::getKey)));
        assertEquals("v", text(read(put.valueLength(), put::getValue)));

        final RawBatchPutDecoder batchPut = new RawBatchPutDecoder();
        final UnsafeBuffer batchBuffer = valid(encoder.batchPut(5, CLIENT, REGION,
            List.of(KvPair.of("a", "1"), KvPair.of("b", "22")), 7), RawBatchPutDecoder.TEMPLATE_ID);
        batchPut.wrap(batchBuffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals(7, batchPut.ttlSeconds());
        final StringBuilder pairs = new StringBuilder();
        for (final RawBatchPutDecoder.PairsDecoder pair : batchPut.pairs()) {
            pairs.append(text(read(pair.keyLength(), pair::getKey))).append('=')
                .append(text(read(pair.valueLength(), pair::getValue))).append(';');
        }
        assertEquals("a=1;b=22;", pairs.toString());
    }

    @Test
    void shouldEncodeDeleteAndDeleteRange() {
        final RawDeleteDecoder delete = new RawDeleteDecoder();
        final UnsafeBuffer deleteBuffer = valid(encoder.delete(6, CLIENT, REGION, bytes("gone")),
            RawDeleteDecoder.TEMPLATE_ID);
        delete.wrap(deleteBuffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals("gone", text(read(delete.keyLength(), delete::getKey)));

        final RawDeleteRangeDecoder range = new RawDeleteRangeDecoder();
        final UnsafeBuffer rangeBuffer = valid(encoder.deleteRange(7, CLIENT, REGION, bytes("a"), null),
            RawDeleteRangeDecoder.TEMPLATE_ID);
        range.wrap(rangeBuffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals("a", text(read(range.startKeyLength(), range::getStartKey)));
        assertEquals(0, range.endKeyLength());
    }

    @Test
    void shouldEncodeScan() {
        final RawScanDecoder scan = new RawScanDecoder();
        final UnsafeBuffer buffer = valid(encoder.scan(8, REGION, bytes("a"), bytes("z"), 50, true, true),
            RawScanDecoder.TEMPLATE_ID);
        scan.wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals(50, scan.scanLimit());
        assertEquals(BooleanType.TRUE, scan.reverse());
        assertEquals(BooleanType.TRUE, scan.keyOnly());
        assertEquals("a", text(read(scan.startKeyLength(), scan::getStartKey)));
        assertEquals("z", text(read(scan.endKeyLength(), scan::getEndKey)));
    }

    @Test
    void shouldEncodeCompareAndSwapExpectingAbsentOrAValue() {
        final RawCompareAndSwapDecoder cas = new RawCompareAndSwapDecoder();
        UnsafeBuffer buffer = valid(encoder.compareAndSwap(9, CLIENT, REGION, bytes("k"), null, bytes("new"), 3),
            RawCompareAndSwapDecoder.TEMPLATE_ID);
        cas.wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals(BooleanType.TRUE, cas.expectAbsent());
        assertEquals(3, cas.ttlSeconds());
        assertEquals("k", text(read(cas.keyLength(), cas::getKey)));
        assertEquals(0, read(cas.expectedValueLength(), cas::getExpectedValue).length);
        assertEquals("new", text(read(cas.newValueLength(), cas::getNewValue)));

        buffer = valid(encoder.compareAndSwap(10, CLIENT, REGION, bytes("k"), new byte[0], bytes("n"), 0),
            RawCompareAndSwapDecoder.TEMPLATE_ID);
        cas.wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals(BooleanType.FALSE, cas.expectAbsent(), "an empty expected value is not absence");
    }

    @Test
    void shouldEncodeTheHandshake() {
        final ConnectDecoder connect = new ConnectDecoder();
        UnsafeBuffer buffer = valid(encoder.connect(1, 1002, "aeron:udp?endpoint=127.0.0.1:4000", "me"),
            ConnectDecoder.TEMPLATE_ID);
        connect.wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals(1002, connect.egressStreamId());
        assertEquals("aeron:udp?endpoint=127.0.0.1:4000", connect.egressChannel());
        assertEquals("me", connect.clientName());

        final AuthenticateDecoder authenticate = new AuthenticateDecoder();
        buffer = valid(encoder.authenticate(2, 77, new byte[] {1, 2, 3}, new byte[] {4, 5}),
            AuthenticateDecoder.TEMPLATE_ID);
        authenticate.wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals(77, authenticate.handshakeId());
        assertArrayEquals(new byte[] {1, 2, 3}, read(authenticate.hmacLength(), authenticate::getHmac));
        assertArrayEquals(new byte[] {4, 5}, read(authenticate.clientKeyLength(), authenticate::getClientKey));

        final DisconnectDecoder disconnect = new DisconnectDecoder();
        buffer = valid(encoder.disconnect(3, 55), DisconnectDecoder.TEMPLATE_ID);
        disconnect.wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals(55, disconnect.sessionToken());
    }

    @Test
    void shouldNotRetainAHugeBufferAfterAHugeRequest() {
        final byte[] frame = encoder.put(1, CLIENT, REGION, bytes("k"), new byte[3 * 1024 * 1024], 0);
        assertEquals(MessageHeaderDecoder.ENCODED_LENGTH + RawPutDecoder.BLOCK_LENGTH + 4 + 1 + 4 + 3 * 1024 * 1024,
            frame.length);
        valid(frame, RawPutDecoder.TEMPLATE_ID);
        valid(encoder.get(2, REGION, bytes("k")), RawGetDecoder.TEMPLATE_ID);
    }

    private UnsafeBuffer valid(final byte[] frame, final int templateId) {
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        final FrameValidator validator = Protocol.storeIngressValidator(1000);
        assertEquals(FrameValidator.VALID, validator.validate(buffer, 0, frame.length), validator.lastError());
        header.wrap(buffer, 0);
        assertEquals(templateId, header.templateId());
        return buffer;
    }

    private interface Getter {
        int get(byte[] dst, int offset, int length);
    }

    private static byte[] read(final int length, final Getter getter) {
        final byte[] bytes = new byte[length];
        getter.get(bytes, 0, length);
        return bytes;
    }

    @Test
    void shouldStampTheFirstIncompleteIdIntoWritesOnlyAndNeverAboveTheRequestsOwnId() {
        final byte[] putFrame = encoder.put(40, CLIENT, REGION, bytes("k"), bytes("v"), 0);
        final PendingRequest<Void> put = new PendingRequest<>("put", 40, 0, putFrame, 0, false);
        put.stampFirstIncomplete(17);
        final RawPutDecoder decoder = new RawPutDecoder();
        decoder.wrap(valid(putFrame, RawPutDecoder.TEMPLATE_ID), MessageHeaderDecoder.ENCODED_LENGTH,
            header.blockLength(), header.version());
        assertEquals(17, decoder.firstIncompleteId());
        put.stampFirstIncomplete(99);
        decoder.wrap(valid(putFrame, RawPutDecoder.TEMPLATE_ID), MessageHeaderDecoder.ENCODED_LENGTH,
            header.blockLength(), header.version());
        assertEquals(40, decoder.firstIncompleteId());

        final byte[] getFrame = encoder.get(41, REGION, bytes("k"));
        final byte[] before = getFrame.clone();
        new PendingRequest<Void>("get", 41, 0, getFrame, 0, false).stampFirstIncomplete(5);
        assertArrayEquals(before, getFrame);
    }
}
