package io.tkv.server.apply;

import io.tkv.codec.ErrorResponseEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.Status;
import io.tkv.codec.frame.Protocol;
import io.tkv.server.session.ClientSession;
import io.tkv.server.session.ReplySender;
import io.tkv.server.session.SessionRegistry;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntArrayList;

import java.nio.ByteOrder;

/**
 * Replies encoded during one apply duty cycle and held until the cycle's writes are durable: nothing is
 * acknowledged (and no read that may have seen an unsynced write is answered) before the group sync.
 * The apply agent encodes straight into {@link #buffer()} at {@link #position()}, then {@link #commit}s.
 */
final class PendingReplies {
    private static final int FIELDS = 5;
    private static final byte[] NO_REGIONS = new byte[0];

    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(64 * 1024);
    private final IntArrayList records = new IntArrayList();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ErrorResponseEncoder error = new ErrorResponseEncoder();
    private int position;
    private int writes;

    MutableDirectBuffer buffer() {
        return buffer;
    }

    /** @return where the next reply is to be encoded. */
    int position() {
        return position;
    }

    /**
     * Records a reply encoded at {@link #position()}.
     *
     * @param isWrite whether it acknowledges a write (it must turn into an error if the sync fails).
     */
    void commit(final int slot, final int generation, final int length, final boolean isWrite) {
        records.addInt(slot);
        records.addInt(generation);
        records.addInt(position);
        records.addInt(length);
        records.addInt(isWrite ? 1 : 0);
        position += length;
        if (isWrite) {
            writes++;
        }
    }

    /** Encodes an ErrorResponse as the next reply. */
    void commitError(
        final int slot, final int generation, final long correlationId, final Status status, final int templateId,
        final String message) {
        error.wrapAndApplyHeader(buffer, position, header)
            .correlationId(correlationId)
            .status(status)
            .requestTemplateId(templateId)
            .leaderStoreId(0)
            .errorMessage(message)
            .leaderEndpoint("")
            .putRegions(NO_REGIONS, 0, 0);
        commit(slot, generation, MessageHeaderEncoder.ENCODED_LENGTH + error.encodedLength(), false);
    }

    /** Encodes an ErrorResponse NOT_LEADER with the leader this store knows as the next reply. */
    void commitNotLeader(
        final int slot, final int generation, final long correlationId, final int templateId,
        final long leaderStoreId, final String leaderEndpoint, final String message) {
        error.wrapAndApplyHeader(buffer, position, header)
            .correlationId(correlationId)
            .status(Status.NOT_LEADER)
            .requestTemplateId(templateId)
            .leaderStoreId(leaderStoreId)
            .errorMessage(message)
            .leaderEndpoint(leaderEndpoint)
            .putRegions(NO_REGIONS, 0, 0);
        commit(slot, generation, MessageHeaderEncoder.ENCODED_LENGTH + error.encodedLength(), false);
    }

    /** @return whether any held reply acknowledges a write. */
    boolean hasWrites() {
        return writes > 0;
    }

    /** @return whether nothing is held. */
    boolean isEmpty() {
        return records.isEmpty();
    }

    /**
     * The sync failed: every write acknowledgement becomes INTERNAL_ERROR, since those writes may not be
     * durable. Replies to reads stay as they are.
     */
    void failWrites(final String message) {
        final int count = records.size() / FIELDS;
        for (int i = 0; i < count; i++) {
            final int base = i * FIELDS;
            if (records.getInt(base + 4) == 1) {
                final int offset = records.getInt(base + 2);
                final long correlationId = buffer.getLong(offset + Protocol.CORRELATION_ID_OFFSET,
                    ByteOrder.LITTLE_ENDIAN);
                final int templateId = buffer.getShort(offset + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                error.wrapAndApplyHeader(buffer, position, header)
                    .correlationId(correlationId)
                    .status(Status.INTERNAL_ERROR)
                    .requestTemplateId(templateId)
                    .leaderStoreId(0)
                    .errorMessage(message)
                    .leaderEndpoint("")
                    .putRegions(NO_REGIONS, 0, 0);
                final int length = MessageHeaderEncoder.ENCODED_LENGTH + error.encodedLength();
                records.setInt(base + 2, position);
                records.setInt(base + 3, length);
                records.setInt(base + 4, 0);
                position += length;
            }
        }
        writes = 0;
    }

    /** Forgets every held reply without sending it. */
    void clear() {
        records.clear();
        position = 0;
        writes = 0;
    }

    /** Sends every held reply to its session (if still open) and forgets them. */
    int flush(final SessionRegistry registry, final ReplySender sender) {
        final int count = records.size() / FIELDS;
        for (int i = 0; i < count; i++) {
            final int base = i * FIELDS;
            final ClientSession session = registry.activeSession(records.getInt(base), records.getInt(base + 1));
            if (session != null) {
                sender.send(session.publication(), buffer, records.getInt(base + 2), records.getInt(base + 3));
            }
        }
        records.clear();
        position = 0;
        writes = 0;
        return count;
    }
}
