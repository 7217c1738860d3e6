package io.tkv.codec.frame;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchPutEncoder;
import io.tkv.codec.RawGetEncoder;
import io.tkv.codec.RawScanResponseEncoder;
import io.tkv.codec.RegionHeartbeatEncoder;
import io.tkv.codec.Status;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameValidatorTest {
    private static final int OFFSET = 16;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final FrameValidator validator = Protocol.storeIngressValidator(64);

    private int encodeGet(final byte[] key) {
        final RawGetEncoder get = new RawGetEncoder().wrapAndApplyHeader(buffer, OFFSET, header);
        get.correlationId(42).sessionToken(7);
        get.region().regionId(1).confVer(1).version(1);
        get.putKey(key, 0, key.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + get.encodedLength();
    }

    private int encodeBatchPut(final int pairs) {
        final RawBatchPutEncoder put = new RawBatchPutEncoder().wrapAndApplyHeader(buffer, OFFSET, header);
        put.correlationId(1).sessionToken(2).ttlSeconds(0);
        put.region().regionId(1).confVer(1).version(1);
        final RawBatchPutEncoder.PairsEncoder group = put.pairsCount(pairs);
        for (int i = 0; i < pairs; i++) {
            final byte[] k = ("k" + i).getBytes();
            group.next().putKey(k, 0, k.length).putValue(k, 0, k.length);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + put.encodedLength();
    }

    @Test
    void shouldAcceptWellFormedFrames() {
        assertEquals(FrameValidator.VALID, validator.validate(buffer, OFFSET, encodeGet(new byte[] {1, 2, 3})));
        assertEquals(RawGetEncoder.TEMPLATE_ID, validator.templateId());
        assertEquals(FrameValidator.VALID, validator.validate(buffer, OFFSET, encodeBatchPut(10)));
        assertEquals(RawBatchPutEncoder.TEMPLATE_ID, validator.templateId());
        assertEquals(42, Protocol.correlationId(buffer, OFFSET, encodeGet(new byte[0])));
    }

    private int encodeRegionHeartbeat(final int downPeers, final int pendingPeers) {
        final RegionHeartbeatEncoder heartbeat = new RegionHeartbeatEncoder().wrapAndApplyHeader(buffer, OFFSET,
            header);
        heartbeat.correlationId(3).sessionToken(0).storeId(2).leaderPeerId(5).term(8);
        final RegionHeartbeatEncoder.DownPeersEncoder down = heartbeat.downPeersCount(downPeers);
        for (int i = 0; i < downPeers; i++) {
            down.next().peerId(100 + i).downSeconds(6);
        }
        final RegionHeartbeatEncoder.PendingPeersEncoder pending = heartbeat.pendingPeersCount(pendingPeers);
        for (int i = 0; i < pendingPeers; i++) {
            pending.next().peerId(200 + i);
        }
        final byte[] region = {1, 2, 3};
        heartbeat.putRegion(region, 0, region.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + heartbeat.encodedLength();
    }

    @Test
    void shouldLetPdTakeARegionHeartbeatNamingDownAndPendingPeers() {
        // A region with a dead store's peer reports it down, one taking a snapshot reports it pending: PD must hear
        // those heartbeats (they carry the new leader and the epoch its operators wait for).
        final FrameValidator pd = Protocol.pdIngressValidator();
        assertEquals(FrameValidator.VALID, pd.validate(buffer, OFFSET, encodeRegionHeartbeat(0, 0)), pd.lastError());
        assertEquals(FrameValidator.VALID, pd.validate(buffer, OFFSET, encodeRegionHeartbeat(1, 1)), pd.lastError());
        assertEquals(FrameValidator.VALID, pd.validate(buffer, OFFSET,
            encodeRegionHeartbeat(Protocol.PD_MAX_GROUP_ENTRIES, Protocol.PD_MAX_GROUP_ENTRIES)), pd.lastError());
        assertEquals(FrameValidator.TOO_MANY_ENTRIES, pd.validate(buffer, OFFSET,
            encodeRegionHeartbeat(Protocol.PD_MAX_GROUP_ENTRIES + 1, 0)));
    }

    @Test
    void shouldRejectEveryTruncation() {
        final int length = encodeBatchPut(5);
        for (int cut = 0; cut < length; cut++) {
            final int result = validator.validate(buffer, OFFSET, cut);
            assertTrue(result == FrameValidator.TRUNCATED, "cut at " + cut + " gave " + result);
        }
    }

    @Test
    void shouldRejectDataLengthPointingPastTheFrame() {
        final int length = encodeGet(new byte[] {1, 2, 3});
        final int lengthField = OFFSET + MessageHeaderEncoder.ENCODED_LENGTH + RawGetEncoder.BLOCK_LENGTH;
        buffer.putInt(lengthField, 0xFFFF_FFF0, ByteOrder.LITTLE_ENDIAN);
        assertEquals(FrameValidator.TRUNCATED, validator.validate(buffer, OFFSET, length));
        buffer.putInt(lengthField, 4, ByteOrder.LITTLE_ENDIAN);
        assertEquals(FrameValidator.TRUNCATED, validator.validate(buffer, OFFSET, length));
    }

    @Test
    void shouldRejectWrongSchemaVersionAndTemplate() {
        final int length = encodeGet(new byte[] {1});
        header.wrap(buffer, OFFSET).schemaId(999);
        assertEquals(FrameValidator.WRONG_SCHEMA, validator.validate(buffer, OFFSET, length));
        header.schemaId(Protocol.SCHEMA_ID).version(Protocol.SCHEMA_VERSION + 1);
        assertEquals(FrameValidator.UNSUPPORTED_VERSION, validator.validate(buffer, OFFSET, length));
        header.version(Protocol.SCHEMA_VERSION).templateId(RawScanResponseEncoder.TEMPLATE_ID);
        assertEquals(FrameValidator.UNKNOWN_TEMPLATE, validator.validate(buffer, OFFSET, length));
        header.templateId(RawGetEncoder.TEMPLATE_ID).blockLength(RawGetEncoder.BLOCK_LENGTH - 1);
        assertEquals(FrameValidator.BAD_LAYOUT, validator.validate(buffer, OFFSET, length));
    }

    @Test
    void shouldAcceptLongerBlockFromNewerWriterOfSameVersion() {
        final byte[] key = {9, 9};
        final RawGetEncoder get = new RawGetEncoder();
        header.wrap(buffer, OFFSET).blockLength(RawGetEncoder.BLOCK_LENGTH + 8).templateId(RawGetEncoder.TEMPLATE_ID)
            .schemaId(Protocol.SCHEMA_ID).version(Protocol.SCHEMA_VERSION);
        final int body = OFFSET + MessageHeaderEncoder.ENCODED_LENGTH;
        get.wrap(buffer, body).correlationId(5);
        buffer.putInt(body + RawGetEncoder.BLOCK_LENGTH + 8, key.length, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(body + RawGetEncoder.BLOCK_LENGTH + 12, key);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + RawGetEncoder.BLOCK_LENGTH + 8 + 4 + key.length;
        assertEquals(FrameValidator.VALID, validator.validate(buffer, OFFSET, length));
    }

    @Test
    void shouldCheckTheResumeKeyOfAScanReplyFromVersion3On() {
        final FrameValidator egress = Protocol.clientEgressValidator();
        final RawScanResponseEncoder scan = new RawScanResponseEncoder().wrapAndApplyHeader(buffer, OFFSET, header);
        scan.correlationId(3).status(Status.OK).pairsCount(1).next().putKey(new byte[] {1}, 0, 1)
            .putValue(new byte[] {2}, 0, 1);
        scan.errorMessage("");
        final int withoutKey = MessageHeaderEncoder.ENCODED_LENGTH + scan.encodedLength();
        scan.putResumeKey(new byte[] {5, 6}, 0, 2);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + scan.encodedLength();
        assertEquals(FrameValidator.VALID, egress.validate(buffer, OFFSET, length));
        for (int cut = withoutKey; cut < length; cut++) {
            assertEquals(FrameValidator.TRUNCATED, egress.validate(buffer, OFFSET, cut), "cut at " + cut);
        }
        header.wrap(buffer, OFFSET).version(2);
        assertEquals(FrameValidator.VALID, egress.validate(buffer, OFFSET, withoutKey), "version 2 has no key");
    }

    @Test
    void shouldRejectGroupLargerThanTheBatchLimit() {
        assertEquals(FrameValidator.TOO_MANY_ENTRIES, validator.validate(buffer, OFFSET, encodeBatchPut(65)));
    }

    @Test
    void shouldJudgeCommittedWritesByTheProtocolAloneNotByAStoresBatchLimit() {
        final FrameValidator committed = Protocol.committedWriteValidator();
        assertEquals(FrameValidator.VALID, committed.validate(buffer, OFFSET, encodeBatchPut(2_000)),
            "a committed entry is never judged by max-batch-size, which may differ between stores");
        assertEquals(FrameValidator.UNKNOWN_TEMPLATE, committed.validate(buffer, OFFSET, encodeGet(new byte[] {1})),
            "only writes go through Raft");
        final int length = encodeBatchPut(1);
        header.wrap(buffer, OFFSET).version(2).blockLength(RawBatchPutEncoder.clientIdEncodingOffset());
        assertEquals(FrameValidator.BAD_LAYOUT, committed.validate(buffer, OFFSET, length),
            "a version 2 frame with a version 1 block");
        header.version(1);
        assertEquals(FrameValidator.VALID, committed.validate(buffer, OFFSET, length));
    }

    @Test
    void shouldNeverThrowOnRandomOrMutatedFrames() {
        final Random random = new Random(20261125L);
        final MutableDirectBuffer scratch = new ExpandableArrayBuffer(8192);
        for (int i = 0; i < 200_000; i++) {
            final int length;
            if (random.nextBoolean()) {
                length = random.nextInt(300);
                for (int b = 0; b < length; b++) {
                    scratch.putByte(b, (byte)random.nextInt());
                }
                if (length >= 8 && random.nextBoolean()) {
                    header.wrap(scratch, 0).schemaId(Protocol.SCHEMA_ID).version(Protocol.SCHEMA_VERSION)
                        .templateId(10 + random.nextInt(18));
                }
            } else {
                final int valid = encodeBatchPut(1 + random.nextInt(5));
                scratch.putBytes(0, buffer, OFFSET, valid);
                final int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    scratch.putByte(random.nextInt(valid), (byte)random.nextInt());
                }
                length = random.nextInt(valid + 1);
            }
            final int result = validator.validate(scratch, 0, length);
            assertTrue(result >= FrameValidator.VALID && result <= FrameValidator.TOO_MANY_ENTRIES);
        }
        assertEquals(Status.OK, Status.get((short)0));
    }
}
