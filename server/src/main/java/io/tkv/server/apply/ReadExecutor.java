package io.tkv.server.apply;

import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchGetDecoder;
import io.tkv.codec.RawBatchGetResponseEncoder;
import io.tkv.codec.RawGetDecoder;
import io.tkv.codec.RawGetResponseEncoder;
import io.tkv.codec.RawScanDecoder;
import io.tkv.codec.Status;
import io.tkv.storage.RawKvStore;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Runs one validated RawKV read (get, batch get, scan) against the {@link RawKvStore} and encodes its reply into
 * the {@link PendingReplies}. Decoding happens here, at the edge: the store sees only buffers and primitives.
 * Writes come through Raft and are applied by {@link WriteExecutor}. Single-threaded (the apply agent's).
 */
final class ReadExecutor {
    private final RawKvStore store;
    private final PendingReplies replies;
    private final ScanReplyWriter scanWriter;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final ExpandableDirectByteBuffer valueOut = new ExpandableDirectByteBuffer(4096);

    private final RawGetDecoder get = new RawGetDecoder();
    private final RawBatchGetDecoder batchGet = new RawBatchGetDecoder();
    private final RawScanDecoder scan = new RawScanDecoder();

    private final RawGetResponseEncoder getReply = new RawGetResponseEncoder();
    private final RawBatchGetResponseEncoder batchGetReply = new RawBatchGetResponseEncoder();

    private final int maxReplyBytes;
    private int slot;
    private int generation;

    /**
     * @param store         the RawKV state machine.
     * @param replies       where replies are held until the cycle's sync.
     * @param maxReplyBytes the largest reply frame the client's egress can carry.
     */
    ReadExecutor(final RawKvStore store, final PendingReplies replies, final int maxReplyBytes) {
        this.store = store;
        this.replies = replies;
        this.maxReplyBytes = maxReplyBytes;
        this.scanWriter = new ScanReplyWriter(store, maxReplyBytes);
    }

    /**
     * Executes one read frame.
     *
     * @return false (a read writes nothing).
     */
    boolean execute(
        final int templateId, final DirectBuffer buffer, final int offset, final int replySlot,
        final int replyGeneration) {
        slot = replySlot;
        generation = replyGeneration;
        headerDecoder.wrap(buffer, offset);
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        switch (templateId) {
            case RawGetDecoder.TEMPLATE_ID:
                onGet(get.wrap(buffer, body, blockLength, version));
                return false;
            case RawBatchGetDecoder.TEMPLATE_ID:
                onBatchGet(batchGet.wrap(buffer, body, blockLength, version));
                return false;
            case RawScanDecoder.TEMPLATE_ID:
                scan.wrap(buffer, body, blockLength, version);
                final int length = scanWriter.write(scan, version, replies.buffer(), replies.position());
                replies.commit(slot, generation, length, false);
                return false;
            default:
                replies.commitError(slot, generation, -1, Status.MALFORMED, templateId, "not a RawKV read");
                return false;
        }
    }

    /** Answers a request that failed while running (storage error) with INTERNAL_ERROR. */
    void fail(
        final int replySlot, final int replyGeneration, final long correlationId, final int templateId,
        final String message) {
        replies.commitError(replySlot, replyGeneration, correlationId, Status.INTERNAL_ERROR, templateId, message);
    }

    private void onGet(final RawGetDecoder request) {
        final long correlationId = request.correlationId();
        request.wrapKey(keyView);
        final int length = store.get(keyView, 0, keyView.capacity(), valueOut);
        getReply.wrapAndApplyHeader(replies.buffer(), replies.position(), header)
            .correlationId(correlationId)
            .status(Status.OK)
            .found(length >= 0 ? BooleanType.TRUE : BooleanType.FALSE)
            .putValue(valueOut, 0, Math.max(length, 0));
        getReply.errorMessage("");
        replies.commit(slot, generation, MessageHeaderEncoder.ENCODED_LENGTH + getReply.encodedLength(), false);
    }

    private void onBatchGet(final RawBatchGetDecoder request) {
        final long correlationId = request.correlationId();
        final MutableDirectBuffer out = replies.buffer();
        final int start = replies.position();
        batchGetReply.wrapAndApplyHeader(out, start, header).correlationId(correlationId).status(Status.OK);
        final RawBatchGetDecoder.KeysDecoder keys = request.keys();
        final RawBatchGetResponseEncoder.PairsEncoder pairs = batchGetReply.pairsCount(keys.count());
        for (final RawBatchGetDecoder.KeysDecoder entry : keys) {
            entry.wrapKey(keyView);
            final int length = store.get(keyView, 0, keyView.capacity(), valueOut);
            pairs.next()
                .found(length >= 0 ? BooleanType.TRUE : BooleanType.FALSE)
                .putKey(keyView, 0, keyView.capacity())
                .putValue(valueOut, 0, Math.max(length, 0));
            if (batchGetReply.limit() - start > maxReplyBytes) {
                replies.commitError(slot, generation, correlationId, Status.TOO_LARGE, RawBatchGetDecoder.TEMPLATE_ID,
                    "batch get reply larger than a frame; ask for fewer keys");
                return;
            }
        }
        batchGetReply.errorMessage("");
        replies.commit(slot, generation, MessageHeaderEncoder.ENCODED_LENGTH + batchGetReply.encodedLength(), false);
    }
}
