package io.tkv.codec.frame;

import io.tkv.codec.ErrorResponseDecoder;
import io.tkv.codec.ErrorResponseEncoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.codec.Status;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Frames of schema version 1 (before replication added request identity and leader hints) stay valid and
 * decode, with the fields version 2 added reading as their null values.
 */
class SchemaEvolutionTest {
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    /**
     * Rewrites a version 2 frame as version 1 would have sent it: the fixed block cut to the fields version 1
     * had, the var-length part unchanged (the fields version 2 added to a block sit at its end).
     */
    private static int asVersion1(
        final DirectBuffer v2, final int v2Length, final int v1BlockLength, final MutableDirectBuffer out) {
        final int headerLength = MessageHeaderEncoder.ENCODED_LENGTH;
        final int v2BlockLength = v2.getShort(0) & 0xFFFF;
        out.putBytes(0, v2, 0, headerLength + v1BlockLength);
        out.putShort(0, (short)v1BlockLength);
        out.putShort(6, (short)1);
        final int tail = v2Length - headerLength - v2BlockLength;
        out.putBytes(headerLength + v1BlockLength, v2, headerLength + v2BlockLength, tail);
        return headerLength + v1BlockLength + tail;
    }

    @Test
    void shouldAcceptAndDecodeAVersion1Put() {
        final UnsafeBuffer v2 = new UnsafeBuffer(new byte[256]);
        final RawPutEncoder put = new RawPutEncoder().wrapAndApplyHeader(v2, 0, header);
        put.correlationId(9).sessionToken(8).ttlSeconds(7).clientId(6).firstIncompleteId(5);
        put.region().regionId(1).confVer(2).version(3);
        put.putKey(new byte[] {'k'}, 0, 1).putValue(new byte[] {'v', 'w'}, 0, 2);
        final int v2Length = MessageHeaderEncoder.ENCODED_LENGTH + put.encodedLength();

        final UnsafeBuffer v1 = new UnsafeBuffer(new byte[256]);
        final int v1Length = asVersion1(v2, v2Length, RawPutDecoder.clientIdEncodingOffset(), v1);
        assertEquals(v2Length - 2 * Long.BYTES, v1Length);

        final FrameValidator validator = Protocol.storeIngressValidator(16);
        assertEquals(FrameValidator.VALID, validator.validate(v1, 0, v1Length), validator.lastError());
        assertEquals(1, validator.version());
        final RawPutDecoder decoder = new RawPutDecoder()
            .wrap(v1, MessageHeaderDecoder.ENCODED_LENGTH, validator.blockLength(), validator.version());
        assertEquals(9, decoder.correlationId());
        assertEquals(7, decoder.ttlSeconds());
        assertEquals(RawPutDecoder.clientIdNullValue(), decoder.clientId());
        assertEquals(RawPutDecoder.firstIncompleteIdNullValue(), decoder.firstIncompleteId());
        assertEquals(1, decoder.keyLength());
        decoder.skipKey();
        assertEquals(2, decoder.valueLength());

        assertEquals(FrameValidator.VALID, validator.validate(v2, 0, v2Length));
        assertEquals(FrameValidator.TRUNCATED, validator.validate(v2, 0, v2Length - 1));
    }

    @Test
    void shouldAcceptAVersion1ErrorResponseWithoutTheLeaderHint() {
        final UnsafeBuffer v2 = new UnsafeBuffer(new byte[256]);
        final ErrorResponseEncoder error = new ErrorResponseEncoder().wrapAndApplyHeader(v2, 0, header);
        error.correlationId(3).status(Status.NOT_LEADER).requestTemplateId(14).leaderStoreId(2)
            .errorMessage("not leader");
        // Version 1 ends after errorMessage: no leaderEndpoint.
        final int v2LengthWithoutEndpoint = MessageHeaderEncoder.ENCODED_LENGTH + error.encodedLength();
        final UnsafeBuffer v1 = new UnsafeBuffer(new byte[256]);
        final int v1Length = asVersion1(v2, v2LengthWithoutEndpoint,
            ErrorResponseDecoder.leaderStoreIdEncodingOffset(), v1);

        final FrameValidator validator = Protocol.clientEgressValidator();
        assertEquals(FrameValidator.VALID, validator.validate(v1, 0, v1Length), validator.lastError());
        final ErrorResponseDecoder decoder = new ErrorResponseDecoder()
            .wrap(v1, MessageHeaderDecoder.ENCODED_LENGTH, validator.blockLength(), validator.version());
        assertEquals(Status.NOT_LEADER, decoder.status());
        assertEquals(ErrorResponseDecoder.leaderStoreIdNullValue(), decoder.leaderStoreId());
        assertEquals("not leader", decoder.errorMessage());
        assertEquals("", decoder.leaderEndpoint());

        // A version 2 frame must carry the endpoint (and one of version 4 the regions).
        assertEquals(FrameValidator.TRUNCATED, validator.validate(v2, 0, v2LengthWithoutEndpoint));
        error.leaderEndpoint("127.0.0.1:20161");
        assertEquals(FrameValidator.TRUNCATED, validator.validate(v2, 0,
            MessageHeaderEncoder.ENCODED_LENGTH + error.encodedLength()));
        error.putRegions(new byte[0], 0, 0);
        assertEquals(FrameValidator.VALID, validator.validate(v2, 0,
            MessageHeaderEncoder.ENCODED_LENGTH + error.encodedLength()));
    }

    @Test
    void shouldLetAClientReadAReplyOfANewerVersionButNotAStoreANewerRequest() {
        // A reply of the next version: 8 more bytes of block and one more var data field after those this build knows.
        final UnsafeBuffer current = new UnsafeBuffer(new byte[256]);
        final ErrorResponseEncoder error = new ErrorResponseEncoder().wrapAndApplyHeader(current, 0, header)
            .correlationId(5).status(Status.NOT_LEADER).requestTemplateId(14).leaderStoreId(2);
        error.errorMessage("not the leader");
        error.leaderEndpoint("127.0.0.1:20161");
        error.putRegions(new byte[0], 0, 0);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + error.encodedLength();
        final int block = ErrorResponseEncoder.BLOCK_LENGTH;
        final UnsafeBuffer newer = new UnsafeBuffer(new byte[256]);
        newer.putBytes(0, current, 0, MessageHeaderEncoder.ENCODED_LENGTH + block);
        newer.putShort(0, (short)(block + 8));
        newer.putShort(6, (short)(Protocol.SCHEMA_VERSION + 1));
        final int tail = length - MessageHeaderEncoder.ENCODED_LENGTH - block;
        newer.putBytes(MessageHeaderEncoder.ENCODED_LENGTH + block + 8, current,
            MessageHeaderEncoder.ENCODED_LENGTH + block, tail);
        final int newerLength = length + 8 + 4 + 3;
        newer.putInt(newerLength - 7, 3);
        newer.putBytes(newerLength - 3, new byte[] {1, 2, 3});

        final FrameValidator client = Protocol.clientEgressValidator();
        assertEquals(FrameValidator.VALID, client.validate(newer, 0, newerLength), client.lastError());
        final ErrorResponseDecoder decoder = new ErrorResponseDecoder()
            .wrap(newer, MessageHeaderEncoder.ENCODED_LENGTH, client.blockLength(), client.version());
        assertEquals(Status.NOT_LEADER, decoder.status());
        assertEquals(2, decoder.leaderStoreId());
        assertEquals("not the leader", decoder.errorMessage());
        assertEquals("127.0.0.1:20161", decoder.leaderEndpoint());

        final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
        final RawPutEncoder put = new RawPutEncoder().wrapAndApplyHeader(request, 0, header).correlationId(1);
        put.putKey(new byte[] {1}, 0, 1).putValue(new byte[] {2}, 0, 1);
        request.putShort(6, (short)(Protocol.SCHEMA_VERSION + 1));
        final FrameValidator store = Protocol.storeIngressValidator(16);
        assertEquals(FrameValidator.UNSUPPORTED_VERSION,
            store.validate(request, 0, MessageHeaderEncoder.ENCODED_LENGTH + put.encodedLength()));
    }
}
