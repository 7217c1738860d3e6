package io.tkv.raft.transport;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.auth.ClusterKey;
import io.tkv.codec.auth.PeerFrameSealer;
import io.tkv.raft.core.ConfState;
import io.tkv.raft.core.Entry;
import io.tkv.raft.core.EntryType;
import io.tkv.raft.core.MessageType;
import io.tkv.raft.core.RaftMessage;
import io.tkv.raft.core.Snapshot;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RaftCodecTest {
    private static final long CLUSTER = 7;
    private static final long FROM_STORE = 1;
    private static final long TO_STORE = 2;

    private final RaftCodec codec = new RaftCodec();
    private final TransportCounters counters = TestCounters.create();
    private final RaftAdapter adapter = new RaftAdapter(null,
        new RaftTransportConfig().clusterId(CLUSTER).storeId(TO_STORE).clusterKey(TestKeys.key(CLUSTER)),
        store -> store == FROM_STORE, TransportFaults.NONE, counters);
    private final PeerFrameSealer sealer = TestKeys.raftSealer(CLUSTER);
    private final List<RaftMessage> received = new ArrayList<>();
    private final RaftMessageHandler collect = (from, message) -> {
        assertEquals(FROM_STORE, from);
        received.add(message);
    };

    static List<RaftMessage> oneOfEachType() {
        final List<RaftMessage> messages = new ArrayList<>();
        long region = 10;
        for (final MessageType type : MessageType.values()) {
            if (type == MessageType.SNAPSHOT) {
                continue;
            }
            final List<Entry> entries = type == MessageType.APPEND
                ? List.of(new Entry(5, 3, EntryType.NORMAL, new byte[] {1, 2, 3}),
                    new Entry(6, 3, EntryType.CONF_CHANGE, new byte[0]),
                    new Entry(7, 4, EntryType.NORMAL, new byte[300]))
                : List.of();
            messages.add(new RaftMessage(type, region++, 11, 12, 4, 3, 4, 2, type.ordinal() % 2 == 1,
                type.ordinal() * 100L, Long.MAX_VALUE - type.ordinal(), entries, null));
        }
        return messages;
    }

    /** @return the length of the frame, not sealed. */
    private int encode(final UnsafeBuffer buffer, final List<RaftMessage> messages) {
        return codec.encodeBatch(buffer, 0, CLUSTER, FROM_STORE, TO_STORE, messages, 0, messages.size());
    }

    private int seal(final UnsafeBuffer buffer, final int length) {
        return TestKeys.seal(sealer, buffer, length);
    }

    @Test
    void shouldRoundTripEveryMessageTypeInOneBatch() {
        final List<RaftMessage> messages = oneOfEachType();
        int expected = RaftCodec.BATCH_HEADER_LENGTH;
        for (final RaftMessage message : messages) {
            expected += RaftCodec.batchedLength(message);
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[expected + TestKeys.TRAILER]);
        assertEquals(expected, encode(buffer, messages));

        assertTrue(adapter.onFrame(buffer, 0, seal(buffer, expected), collect), adapter.lastError());
        assertEquals(messages, received);
        assertEquals(messages.size(), counters.messagesReceived().get());
    }

    @Test
    void shouldRoundTripASnapshotMessage() {
        final Snapshot snapshot = new Snapshot(100, 7, new ConfState(new long[] {1, 2, 3}, new long[] {9}),
            new byte[] {4, 5, 6, 7});
        final RaftMessage message = new RaftMessage(MessageType.SNAPSHOT, 3, 1, 2, 8, 0, 0, 0, false, 0, 0,
            List.of(), snapshot);
        final int length = RaftCodec.snapshotFrameLength(message);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length + TestKeys.TRAILER]);
        assertEquals(length, codec.encodeSnapshot(buffer, 0, CLUSTER, FROM_STORE, TO_STORE, message));

        assertTrue(adapter.onFrame(buffer, 0, seal(buffer, length), collect), adapter.lastError());
        assertEquals(List.of(message), received);
    }

    @Test
    void shouldDropFramesOfAnotherClusterOrForAnotherStore() {
        final List<RaftMessage> messages = oneOfEachType();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);
        int length = codec.encodeBatch(buffer, 0, CLUSTER + 1, FROM_STORE, TO_STORE, messages, 0, 1);
        assertFalse(adapter.onFrame(buffer, 0, seal(buffer, length), collect));
        length = codec.encodeBatch(buffer, 0, CLUSTER, FROM_STORE, TO_STORE + 1, messages, 0, 1);
        assertFalse(adapter.onFrame(buffer, 0, seal(buffer, length), collect));

        assertTrue(received.isEmpty());
        assertEquals(2, counters.wrongCluster().get());
    }

    @Test
    void shouldDropFramesFromStoresOutsideTheClusterAndUnsealedOrForgedFrames() {
        final List<RaftMessage> messages = oneOfEachType();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);
        int length = codec.encodeBatch(buffer, 0, CLUSTER, FROM_STORE + 5, TO_STORE, messages, 0, 1);
        assertFalse(adapter.onFrame(buffer, 0, seal(buffer, length), collect), "a store not in the cluster");
        assertEquals(1, counters.notMember().get());

        length = encode(buffer, messages);
        assertFalse(adapter.onFrame(buffer, 0, length, collect), "not sealed at all");
        final PeerFrameSealer outsider = new PeerFrameSealer(
            ClusterKey.fromSecret("a guess at the secret".getBytes(StandardCharsets.UTF_8), CLUSTER)
                .streamKey(ClusterKey.Stream.RAFT), 1);
        assertFalse(adapter.onFrame(buffer, 0, outsider.seal(buffer, 0, length), collect), "another key");
        assertEquals(2, counters.unauthenticated().get());

        final int sealed = seal(buffer, length);
        assertTrue(adapter.onFrame(buffer, 0, sealed, collect), adapter.lastError());
        assertFalse(adapter.onFrame(buffer, 0, sealed, collect), "the same frame again");
        assertEquals(1, counters.replayed().get());
        assertEquals(messages, received);
    }

    @Test
    void shouldDropTermsAndIndexesPastTheBound() {
        final RaftMessage heartbeat = new RaftMessage(MessageType.HEARTBEAT, 1, 11, 12,
            RaftMessage.MAX_TERM_OR_INDEX + 1, 0, 0, 0, false, 0, 0, List.of(), null);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);
        int length = encode(buffer, List.of(heartbeat));
        assertFalse(adapter.onFrame(buffer, 0, seal(buffer, length), collect));
        assertTrue(adapter.lastError().contains("beyond"), adapter.lastError());
        final RaftMessage append = new RaftMessage(MessageType.APPEND, 1, 11, 12, 3, 3, 4, Long.MAX_VALUE, false, 0,
            0, List.of(), null);
        length = encode(buffer, List.of(append));
        assertFalse(adapter.onFrame(buffer, 0, seal(buffer, length), collect));
        assertTrue(received.isEmpty());
    }

    @Test
    void shouldRefuseEveryTruncationOfAValidFrame() {
        final List<RaftMessage> messages = oneOfEachType();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);
        final int length = encode(buffer, messages);
        final int routing = MessageHeaderEncoder.ENCODED_LENGTH + RaftCodec.ROUTING_PREFIX_LENGTH;
        for (int cut = routing; cut < length; cut++) {
            received.clear();
            // Sealed as cut, as a store of the cluster (buggy or hostile) could send it: the layout check stops it.
            assertFalse(adapter.onFrame(buffer, 0, seal(buffer, cut), collect), "accepted a frame cut to " + cut);
            assertTrue(received.isEmpty(), "delivered from a frame cut to " + cut);
        }
        assertEquals(length - routing, counters.malformed().get());
    }

    @Test
    void shouldRefuseUnknownMessageAndEntryTypes() {
        final List<RaftMessage> messages = List.of(oneOfEachType().get(MessageType.APPEND.ordinal()));
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);
        final int length = encode(buffer, messages);
        final int typeOffset = RaftCodec.BATCH_HEADER_LENGTH + 9 * Long.BYTES;
        buffer.putByte(typeOffset, (byte)MessageType.values().length);
        assertFalse(adapter.onFrame(buffer, 0, seal(buffer, length), collect));
        assertTrue(adapter.lastError().contains("unknown raft message type"), adapter.lastError());

        buffer.putByte(typeOffset, (byte)MessageType.APPEND.ordinal());
        final int entryTypeOffset = RaftCodec.BATCH_HEADER_LENGTH
            + io.tkv.codec.RaftBatchEncoder.MessagesEncoder.sbeBlockLength() + 4 + 2 * Long.BYTES;
        buffer.putByte(entryTypeOffset, (byte)EntryType.values().length);
        assertFalse(adapter.onFrame(buffer, 0, seal(buffer, length), collect));
        assertTrue(adapter.lastError().contains("unknown entry type"), adapter.lastError());
        assertTrue(received.isEmpty());
    }

    @Test
    void shouldNeverThrowOnMutatedFrames() {
        final SplittableRandom random = new SplittableRandom(42);
        final List<RaftMessage> messages = oneOfEachType();
        final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(64 * 1024);
        final UnsafeBuffer valid = new UnsafeBuffer(new byte[64 * 1024]);
        final int length = encode(valid, messages);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            scratch.putBytes(0, valid, 0, length);
            final int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                scratch.putByte(random.nextInt(length), (byte)random.nextInt(256));
            }
            final int frameLength = random.nextInt(8) == 0 ? random.nextInt(length + 1) : length;
            received.clear();
            // Mutated, then sealed: what a store holding the key could send. The tag alone would stop an outsider.
            final int sealed = scratch.getLong(MessageHeaderEncoder.ENCODED_LENGTH, ByteOrder.LITTLE_ENDIAN)
                == CLUSTER && frameLength >= MessageHeaderEncoder.ENCODED_LENGTH + RaftCodec.ROUTING_PREFIX_LENGTH
                ? sealer.seal(scratch, 0, frameLength) : frameLength;
            if (adapter.onFrame(scratch, 0, sealed, (from, message) -> received.add(message))) {
                accepted++;
            }
        }
        // Mutations of data bytes and numbers leave many frames valid; the point is that none of them threw.
        assertTrue(accepted > 0 && accepted < 20_000, "accepted " + accepted);
    }
}
