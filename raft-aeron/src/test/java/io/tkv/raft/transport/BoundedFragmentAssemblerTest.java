package io.tkv.raft.transport;

import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BoundedFragmentAssemblerTest {
    private static final int MAX = 1000;

    private final List<byte[]> delivered = new ArrayList<>();
    private final List<byte[]> oversized = new ArrayList<>();
    private final BoundedFragmentAssembler assembler = new BoundedFragmentAssembler(
        (buffer, offset, length, header) -> delivered.add(copy(buffer, offset, length)),
        (prefix, offset, length, header) -> oversized.add(copy(prefix, offset, length)), MAX, 2);

    private static byte[] copy(final org.agrona.DirectBuffer buffer, final int offset, final int length) {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    private void fragment(final int sessionId, final byte flags, final byte[] data) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[DataHeaderFlyweight.HEADER_LENGTH]);
        frame.putByte(FrameDescriptor.FLAGS_OFFSET, flags);
        frame.putInt(DataHeaderFlyweight.SESSION_ID_FIELD_OFFSET, sessionId);
        assembler.onFragment(new UnsafeBuffer(data), 0, data.length, new Header(0, 16).buffer(frame).offset(0));
    }

    private static byte[] filled(final int length, final int value) {
        final byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    @Test
    void shouldPassWholeMessagesAndAssembleFragmentedOnesWithinTheLimit() {
        fragment(1, FrameDescriptor.UNFRAGMENTED, filled(10, 1));
        fragment(1, FrameDescriptor.BEGIN_FRAG_FLAG, filled(400, 2));
        fragment(1, (byte)0, filled(400, 3));
        fragment(1, FrameDescriptor.END_FRAG_FLAG, filled(200, 4));
        assertEquals(2, delivered.size());
        assertEquals(1000, delivered.get(1).length);
        assertEquals(2, delivered.get(1)[0]);
        assertEquals(4, delivered.get(1)[999]);
        assertEquals(0, assembler.partialMessages());
    }

    @Test
    void shouldDropAMessageOverTheLimitAsItArrivesAndReportItOnce() {
        fragment(1, FrameDescriptor.BEGIN_FRAG_FLAG, filled(600, 7));
        fragment(1, (byte)0, filled(600, 8));
        fragment(1, (byte)0, filled(600, 9));
        fragment(1, FrameDescriptor.END_FRAG_FLAG, filled(600, 9));
        assertEquals(0, delivered.size());
        assertEquals(1, oversized.size(), "reported once");
        assertArrayEquals(filled(BoundedFragmentAssembler.PREFIX_LENGTH, 7), oversized.get(0), "its first bytes");
        assertEquals(1, assembler.oversized());
        assertEquals(0, assembler.partialMessages());

        fragment(1, FrameDescriptor.BEGIN_FRAG_FLAG, filled(100, 5));
        fragment(1, FrameDescriptor.END_FRAG_FLAG, filled(100, 6));
        assertEquals(1, delivered.size(), "the session's next message is whole");
    }

    @Test
    void shouldAssembleAtMostTheBoundOfMessagesAtOnceGivingUpTheOldest() {
        fragment(1, FrameDescriptor.BEGIN_FRAG_FLAG, filled(100, 1));
        fragment(2, FrameDescriptor.BEGIN_FRAG_FLAG, filled(100, 2));
        fragment(3, FrameDescriptor.BEGIN_FRAG_FLAG, filled(100, 3));
        assertEquals(2, assembler.partialMessages());
        assertEquals(1, assembler.evicted());
        fragment(1, FrameDescriptor.END_FRAG_FLAG, filled(100, 1));
        fragment(2, FrameDescriptor.END_FRAG_FLAG, filled(100, 2));
        fragment(3, FrameDescriptor.END_FRAG_FLAG, filled(100, 3));
        assertEquals(2, delivered.size(), "session 1's message was given up");
        assertEquals(2, delivered.get(0)[0]);
        assertEquals(3, delivered.get(1)[0]);
    }

    @Test
    void shouldIgnoreFragmentsWhoseBeginningItNeverSaw() {
        fragment(4, (byte)0, filled(100, 1));
        fragment(4, FrameDescriptor.END_FRAG_FLAG, filled(100, 1));
        assertEquals(0, delivered.size());
        assertEquals(0, assembler.partialMessages());
    }
}
