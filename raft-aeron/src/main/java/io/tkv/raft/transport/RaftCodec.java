package io.tkv.raft.transport;

import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RaftBatchDecoder;
import io.tkv.codec.RaftBatchEncoder;
import io.tkv.codec.RaftMessageType;
import io.tkv.codec.RaftSnapshotDecoder;
import io.tkv.codec.RaftSnapshotEncoder;
import io.tkv.codec.auth.PeerFrames;
import io.tkv.raft.core.ConfState;
import io.tkv.raft.core.Entry;
import io.tkv.raft.core.EntryType;
import io.tkv.raft.core.MessageType;
import io.tkv.raft.core.RaftMessage;
import io.tkv.raft.core.Snapshot;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@link RaftMessage}s into SBE frames and back: {@code RaftBatch} for every type but SNAPSHOT, which
 * travels alone as {@code RaftSnapshot}. Decoding assumes the frame passed
 * {@link io.tkv.codec.frame.Protocol#raftValidator(int)}, so every length in it is known to be inside the frame;
 * values that are in range for SBE but make no sense for Raft (an unknown message or entry type, a bad peer id)
 * are reported as {@link MalformedRaftFrameException}, never thrown further as something else.
 *
 * <p>One instance per agent: it holds the flyweights.
 */
public final class RaftCodec {
    /** Bytes of a RaftBatch frame before its first message. */
    public static final int BATCH_HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + RaftBatchEncoder.BLOCK_LENGTH
        + RaftBatchEncoder.MessagesEncoder.sbeHeaderSize();
    /** Bytes of the store-to-store prefix every Raft frame starts with: cluster id, from store, to store. */
    public static final int ROUTING_PREFIX_LENGTH = 3 * Long.BYTES;

    private static final int MESSAGE_FIXED_LENGTH = RaftBatchEncoder.MessagesEncoder.sbeBlockLength()
        + RaftBatchEncoder.MessagesEncoder.EntriesEncoder.sbeHeaderSize();
    private static final int ENTRY_FIXED_LENGTH = RaftBatchEncoder.MessagesEncoder.EntriesEncoder.sbeBlockLength()
        + RaftBatchEncoder.MessagesEncoder.EntriesEncoder.dataHeaderLength();
    private static final int MAX_GROUP_COUNT = 0xFFFF;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final RaftBatchEncoder batchEncoder = new RaftBatchEncoder();
    private final RaftSnapshotEncoder snapshotEncoder = new RaftSnapshotEncoder();
    private final RaftBatchDecoder batchDecoder = new RaftBatchDecoder();
    private final RaftSnapshotDecoder snapshotDecoder = new RaftSnapshotDecoder();

    /**
     * @param maxFrameBytes the largest frame a store sends to another, its authentication trailer included.
     * @return the most data one entry may hold and still travel to another store: alone in an APPEND, alone in a
     *     RaftBatch frame. A larger entry can never be replicated.
     */
    public static int maxEntryDataBytes(final int maxFrameBytes) {
        return maxFrameBytes - PeerFrames.TRAILER_LENGTH - BATCH_HEADER_LENGTH - MESSAGE_FIXED_LENGTH
            - ENTRY_FIXED_LENGTH;
    }

    /**
     * @param message a message other than SNAPSHOT.
     * @return the bytes it adds to a RaftBatch frame.
     */
    public static int batchedLength(final RaftMessage message) {
        int length = MESSAGE_FIXED_LENGTH;
        for (final Entry entry : message.entries()) {
            length += ENTRY_FIXED_LENGTH + entry.data().length;
        }
        return length;
    }

    /**
     * @param message a SNAPSHOT message.
     * @return the length of its RaftSnapshot frame.
     */
    public static int snapshotFrameLength(final RaftMessage message) {
        final Snapshot snapshot = message.snapshot();
        return MessageHeaderEncoder.ENCODED_LENGTH + RaftSnapshotEncoder.BLOCK_LENGTH
            + 2 * RaftSnapshotEncoder.VotersEncoder.sbeHeaderSize()
            + (snapshot.conf().voters().length + snapshot.conf().learners().length) * Long.BYTES
            + RaftSnapshotEncoder.dataHeaderLength() + snapshot.data().length;
    }

    /**
     * Encodes {@code count} messages from {@code messages[start]} as one RaftBatch frame. The caller sized the
     * buffer with {@link #BATCH_HEADER_LENGTH} and {@link #batchedLength(RaftMessage)}.
     *
     * @return the frame length.
     */
    public int encodeBatch(
        final MutableDirectBuffer buffer, final int offset, final long clusterId, final long fromStoreId,
        final long toStoreId, final List<RaftMessage> messages, final int start, final int count) {
        if (count > MAX_GROUP_COUNT) {
            throw new IllegalArgumentException("more than " + MAX_GROUP_COUNT + " messages in one batch");
        }
        batchEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .clusterId(clusterId)
            .fromStoreId(fromStoreId)
            .toStoreId(toStoreId);
        final RaftBatchEncoder.MessagesEncoder group = batchEncoder.messagesCount(count);
        for (int i = start; i < start + count; i++) {
            final RaftMessage message = messages.get(i);
            group.next()
                .regionId(message.regionId())
                .fromPeer(message.from())
                .toPeer(message.to())
                .term(message.term())
                .logTerm(message.logTerm())
                .index(message.index())
                .commit(message.commit())
                .rejectHint(message.rejectHint())
                .context(message.context())
                .messageType(RaftMessageType.get((short)message.type().ordinal()))
                .reject(message.reject() ? BooleanType.TRUE : BooleanType.FALSE);
            final List<Entry> entries = message.entries();
            if (entries.size() > MAX_GROUP_COUNT) {
                throw new IllegalArgumentException("more than " + MAX_GROUP_COUNT + " entries in one message");
            }
            final RaftBatchEncoder.MessagesEncoder.EntriesEncoder entryGroup = group.entriesCount(entries.size());
            for (int e = 0; e < entries.size(); e++) {
                final Entry entry = entries.get(e);
                entryGroup.next()
                    .index(entry.index())
                    .term(entry.term())
                    .entryType((short)entry.type().ordinal())
                    .putData(entry.data(), 0, entry.data().length);
            }
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + batchEncoder.encodedLength();
    }

    /**
     * Encodes a SNAPSHOT message as a RaftSnapshot frame into a buffer of at least
     * {@link #snapshotFrameLength(RaftMessage)} bytes.
     *
     * @return the frame length.
     */
    public int encodeSnapshot(
        final MutableDirectBuffer buffer, final int offset, final long clusterId, final long fromStoreId,
        final long toStoreId, final RaftMessage message) {
        final Snapshot snapshot = message.snapshot();
        snapshotEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .clusterId(clusterId)
            .fromStoreId(fromStoreId)
            .toStoreId(toStoreId)
            .regionId(message.regionId())
            .fromPeer(message.from())
            .toPeer(message.to())
            .term(message.term())
            .snapshotIndex(snapshot.index())
            .snapshotTerm(snapshot.term());
        final long[] voters = snapshot.conf().voters();
        final RaftSnapshotEncoder.VotersEncoder votersGroup = snapshotEncoder.votersCount(voters.length);
        for (final long voter : voters) {
            votersGroup.next().peerId(voter);
        }
        final long[] learners = snapshot.conf().learners();
        final RaftSnapshotEncoder.LearnersEncoder learnersGroup = snapshotEncoder.learnersCount(learners.length);
        for (final long learner : learners) {
            learnersGroup.next().peerId(learner);
        }
        snapshotEncoder.putData(snapshot.data(), 0, snapshot.data().length);
        return MessageHeaderEncoder.ENCODED_LENGTH + snapshotEncoder.encodedLength();
    }

    /**
     * Decodes every message of a validated RaftBatch frame, in order.
     *
     * @param buffer      holding the frame.
     * @param offset      of the frame's message header.
     * @param blockLength the header's block length.
     * @param version     the header's schema version.
     * @param fromStoreId the sending store, passed through to the handler.
     * @param handler     receives each message.
     * @throws MalformedRaftFrameException if a message makes no sense (messages before it were delivered).
     */
    public void decodeBatch(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version, final long fromStoreId,
        final RaftMessageHandler handler) {
        batchDecoder.wrap(buffer, offset + MessageHeaderEncoder.ENCODED_LENGTH, blockLength, version);
        for (final RaftBatchDecoder.MessagesDecoder message : batchDecoder.messages()) {
            final MessageType type = messageType(message.messageTypeRaw());
            if (type == MessageType.SNAPSHOT) {
                throw new MalformedRaftFrameException("a SNAPSHOT message inside a RaftBatch");
            }
            final long regionId = message.regionId();
            final long from = message.fromPeer();
            final long to = message.toPeer();
            final long term = message.term();
            final long logTerm = message.logTerm();
            final long index = message.index();
            final long commit = message.commit();
            final long rejectHint = message.rejectHint();
            final long context = message.context();
            final boolean reject = message.rejectRaw() == BooleanType.TRUE.value();
            checkPeers(from, to);
            final RaftBatchDecoder.MessagesDecoder.EntriesDecoder entryGroup = message.entries();
            final List<Entry> entries = entryGroup.count() == 0 ? List.of() : new ArrayList<>(entryGroup.count());
            for (final RaftBatchDecoder.MessagesDecoder.EntriesDecoder entry : entryGroup) {
                final long entryIndex = entry.index();
                final long entryTerm = entry.term();
                final EntryType entryType = entryType(entry.entryType());
                final byte[] data = new byte[entry.dataLength()];
                entry.getData(data, 0, data.length);
                if (entryIndex < 1 || entryTerm < 0) {
                    throw new MalformedRaftFrameException("entry index " + entryIndex + " term " + entryTerm);
                }
                entries.add(new Entry(entryIndex, entryTerm, entryType, data));
            }
            final RaftMessage decoded = new RaftMessage(type, regionId, from, to, term, logTerm, index, commit,
                reject, rejectHint, context, entries, null);
            if (!decoded.inBounds()) {
                throw new MalformedRaftFrameException("a term or index beyond " + RaftMessage.MAX_TERM_OR_INDEX);
            }
            handler.onMessage(fromStoreId, decoded);
        }
    }

    /**
     * Decodes a validated RaftSnapshot frame.
     *
     * @return the SNAPSHOT message.
     * @throws MalformedRaftFrameException if it makes no sense (bad peer ids, a peer both voter and learner).
     */
    public RaftMessage decodeSnapshot(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version) {
        snapshotDecoder.wrap(buffer, offset + MessageHeaderEncoder.ENCODED_LENGTH, blockLength, version);
        final long regionId = snapshotDecoder.regionId();
        final long from = snapshotDecoder.fromPeer();
        final long to = snapshotDecoder.toPeer();
        final long term = snapshotDecoder.term();
        final long index = snapshotDecoder.snapshotIndex();
        final long snapshotTerm = snapshotDecoder.snapshotTerm();
        checkPeers(from, to);
        final RaftSnapshotDecoder.VotersDecoder votersGroup = snapshotDecoder.voters();
        final long[] voters = new long[votersGroup.count()];
        int i = 0;
        for (final RaftSnapshotDecoder.VotersDecoder voter : votersGroup) {
            voters[i++] = voter.peerId();
        }
        final RaftSnapshotDecoder.LearnersDecoder learnersGroup = snapshotDecoder.learners();
        final long[] learners = new long[learnersGroup.count()];
        i = 0;
        for (final RaftSnapshotDecoder.LearnersDecoder learner : learnersGroup) {
            learners[i++] = learner.peerId();
        }
        final byte[] data = new byte[snapshotDecoder.dataLength()];
        snapshotDecoder.getData(data, 0, data.length);
        try {
            final Snapshot snapshot = new Snapshot(index, snapshotTerm, new ConfState(voters, learners), data);
            final RaftMessage decoded = new RaftMessage(MessageType.SNAPSHOT, regionId, from, to, term, 0, 0, 0, false,
                0, 0, List.of(), snapshot);
            if (!decoded.inBounds()) {
                throw new MalformedRaftFrameException("a term or index beyond " + RaftMessage.MAX_TERM_OR_INDEX);
            }
            return decoded;
        } catch (final IllegalArgumentException ex) {
            throw new MalformedRaftFrameException(ex.getMessage());
        }
    }

    private static MessageType messageType(final short raw) {
        if (raw < 0 || raw >= MessageType.values().length) {
            throw new MalformedRaftFrameException("unknown raft message type " + raw);
        }
        return MessageType.of(raw);
    }

    private static EntryType entryType(final short raw) {
        if (raw < 0 || raw >= EntryType.values().length) {
            throw new MalformedRaftFrameException("unknown entry type " + raw);
        }
        return EntryType.of(raw);
    }

    private static void checkPeers(final long from, final long to) {
        if (from <= 0 || to <= 0) {
            throw new MalformedRaftFrameException("bad peer ids " + from + " -> " + to);
        }
    }
}
