package io.tkv.server.raft;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchDeleteEncoder;
import io.tkv.codec.RawCompareAndSwapEncoder;
import io.tkv.codec.RawDeleteRangeEncoder;
import io.tkv.codec.RawGetEncoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.codec.BooleanType;
import io.tkv.storage.command.Command;
import io.tkv.storage.command.CommandReader;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProposalAdapterTest {
    private final ProposalAdapter adapter = new ProposalAdapter();
    private final CommandReader reader = new CommandReader();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(256);

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> items() {
        final List<String> items = new ArrayList<>();
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        for (int i = 0; i < reader.count(); i++) {
            reader.nextItem(view);
            final byte[] bytes = new byte[view.capacity()];
            view.getBytes(0, bytes);
            items.add(new String(bytes, StandardCharsets.UTF_8));
        }
        return items;
    }

    private void read(final int frameLength) {
        final byte[] entry = adapter.propose(1_234, frame, 0, frameLength);
        assertTrue(entry.length <= frameLength + Command.HEADER_LENGTH, "a command is never longer than its bound");
        assertTrue(reader.wrap(new UnsafeBuffer(entry), 0, entry.length), reader.reason());
        assertEquals(1_234, reader.proposeTimeMs());
    }

    @Test
    void shouldCarryEveryFieldOfAPut() {
        final RawPutEncoder put = new RawPutEncoder().wrapAndApplyHeader(frame, 0, header);
        put.correlationId(17).sessionToken(99).ttlSeconds(60).clientId(5).firstIncompleteId(12);
        put.region().regionId(3).confVer(4).version(6);
        put.putKey(b("key"), 0, 3).putValue(b("value"), 0, 5);
        read(MessageHeaderEncoder.ENCODED_LENGTH + put.encodedLength());
        assertEquals(Command.PUT, reader.type());
        assertEquals(3, reader.regionId());
        assertEquals(4, reader.confVer());
        assertEquals(6, reader.epochVersion());
        assertEquals(5, reader.clientId());
        assertEquals(17, reader.requestId());
        assertEquals(12, reader.firstIncompleteId());
        assertEquals(60, reader.ttlSeconds());
        assertEquals(List.of("key", "value"), items());
        assertEquals(RawPutEncoder.TEMPLATE_ID, ProposalAdapter.requestTemplateId(reader.type()));
    }

    @Test
    void shouldLeaveAVersion1WriteWithoutAClientId() {
        final RawPutEncoder put = new RawPutEncoder().wrapAndApplyHeader(frame, 0, header);
        put.correlationId(17).sessionToken(99).ttlSeconds(0).clientId(5).firstIncompleteId(12);
        put.region().regionId(1).confVer(1).version(1);
        put.putKey(b("k"), 0, 1).putValue(b("v"), 0, 1);
        // A version 1 frame: the header says version 1 and the block is the version 1 block (no client id fields).
        final int v1Block = RawPutEncoder.clientIdEncodingOffset();
        final byte[] body = new byte[put.encodedLength()];
        frame.getBytes(MessageHeaderEncoder.ENCODED_LENGTH, body);
        frame.putShort(0, (short)v1Block);
        frame.putShort(6, (short)1);
        frame.putBytes(MessageHeaderEncoder.ENCODED_LENGTH, body, 0, v1Block);
        frame.putBytes(MessageHeaderEncoder.ENCODED_LENGTH + v1Block, body, RawPutEncoder.BLOCK_LENGTH,
            body.length - RawPutEncoder.BLOCK_LENGTH);
        read(MessageHeaderEncoder.ENCODED_LENGTH + body.length - (RawPutEncoder.BLOCK_LENGTH - v1Block));
        assertEquals(0, reader.clientId(), "no dedup for a write without a client id");
        assertEquals(0, reader.firstIncompleteId());
        assertEquals(List.of("k", "v"), items());
    }

    @Test
    void shouldCarryBatchesRangesAndCompareAndSwap() {
        final RawBatchDeleteEncoder batchDelete = new RawBatchDeleteEncoder().wrapAndApplyHeader(frame, 0, header);
        batchDelete.correlationId(1).sessionToken(2).clientId(3).firstIncompleteId(1);
        batchDelete.region().regionId(1).confVer(1).version(1);
        final RawBatchDeleteEncoder.KeysEncoder keys = batchDelete.keysCount(3);
        for (final String key : List.of("a", "b", "c")) {
            keys.next().putKey(b(key), 0, 1);
        }
        read(MessageHeaderEncoder.ENCODED_LENGTH + batchDelete.encodedLength());
        assertEquals(Command.BATCH_DELETE, reader.type());
        assertEquals(List.of("a", "b", "c"), items());

        final RawDeleteRangeEncoder range = new RawDeleteRangeEncoder().wrapAndApplyHeader(frame, 0, header);
        range.correlationId(1).sessionToken(2).clientId(3).firstIncompleteId(1);
        range.region().regionId(1).confVer(1).version(1);
        range.putStartKey(b("m"), 0, 1).putEndKey(new byte[0], 0, 0);
        read(MessageHeaderEncoder.ENCODED_LENGTH + range.encodedLength());
        assertEquals(Command.DELETE_RANGE, reader.type());
        assertEquals(List.of("m", ""), items());

        final RawCompareAndSwapEncoder cas = new RawCompareAndSwapEncoder().wrapAndApplyHeader(frame, 0, header);
        cas.correlationId(1).sessionToken(2).ttlSeconds(0).expectAbsent(BooleanType.TRUE).clientId(3)
            .firstIncompleteId(1);
        cas.region().regionId(1).confVer(1).version(1);
        cas.putKey(b("k"), 0, 1).putExpectedValue(new byte[0], 0, 0).putNewValue(b("n"), 0, 1);
        read(MessageHeaderEncoder.ENCODED_LENGTH + cas.encodedLength());
        assertEquals(Command.COMPARE_AND_SWAP, reader.type());
        assertTrue(reader.expectAbsent());
        assertEquals(List.of("k", "", "n"), items());
    }

    @Test
    void shouldRefuseAReadAsAProposal() {
        final RawGetEncoder get = new RawGetEncoder().wrapAndApplyHeader(frame, 0, header);
        get.correlationId(1).sessionToken(2);
        get.region().regionId(1).confVer(1).version(1);
        get.putKey(b("k"), 0, 1);
        assertFalse(ProposalAdapter.isWrite(RawGetEncoder.TEMPLATE_ID));
        assertThrows(IllegalArgumentException.class,
            () -> adapter.propose(1, frame, 0, MessageHeaderEncoder.ENCODED_LENGTH + get.encodedLength()));
    }
}
