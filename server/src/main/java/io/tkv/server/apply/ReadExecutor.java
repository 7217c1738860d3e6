package io.tkv.server.apply;

import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchDeleteDecoder;
import io.tkv.codec.RawBatchDeleteResponseEncoder;
import io.tkv.codec.RawBatchGetDecoder;
import io.tkv.codec.RawBatchGetResponseEncoder;
import io.tkv.codec.RawBatchPutDecoder;
import io.tkv.codec.RawBatchPutResponseEncoder;
import io.tkv.codec.RawCompareAndSwapDecoder;
import io.tkv.codec.RawCompareAndSwapResponseEncoder;
import io.tkv.codec.RawDeleteDecoder;
import io.tkv.codec.RawDeleteRangeDecoder;
import io.tkv.codec.RawDeleteRangeResponseEncoder;
import io.tkv.codec.RawDeleteResponseEncoder;
import io.tkv.codec.RawGetDecoder;
import io.tkv.codec.RawGetResponseEncoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.RawPutResponseEncoder;
import io.tkv.codec.RawScanDecoder;
import io.tkv.codec.Status;
import io.tkv.storage.CasResult;
import io.tkv.storage.RawKvStore;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Runs one validated RawKV request against the {@link RawKvStore} and encodes its reply into the
 * {@link PendingReplies}. Decoding happens here, at the edge: the store sees only buffers and primitives.
 * Single-threaded (the apply agent's).
 */
final class RawCommandExecutor {
    private final RawKvStore store;
    private final PendingReplies replies;
    private final ScanReplyWriter scanWriter;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer thirdView = new UnsafeBuffer(0, 0);
    private final ExpandableDirectByteBuffer valueOut = new ExpandableDirectByteBuffer(4096);

    private final RawGetDecoder get = new RawGetDecoder();
    private final RawBatchGetDecoder batchGet = new RawBatchGetDecoder();
    private final RawPutDecoder put = new RawPutDecoder();
    private final RawBatchPutDecoder batchPut = new RawBatchPutDecoder();
    private final RawDeleteDecoder delete = new RawDeleteDecoder();
    private final RawBatchDeleteDecoder batchDelete = new RawBatchDeleteDecoder();
    private final RawDeleteRangeDecoder deleteRange = new RawDeleteRangeDecoder();
    private final RawScanDecoder scan = new RawScanDecoder();
    private final RawCompareAndSwapDecoder cas = new RawCompareAndSwapDecoder();

    private final RawGetResponseEncoder getReply = new RawGetResponseEncoder();
    private final RawBatchGetResponseEncoder batchGetReply = new RawBatchGetResponseEncoder();
    private final RawPutResponseEncoder putReply = new RawPutResponseEncoder();
    private final RawBatchPutResponseEncoder batchPutReply = new RawBatchPutResponseEncoder();
    private final RawDeleteResponseEncoder deleteReply = new RawDeleteResponseEncoder();
    private final RawBatchDeleteResponseEncoder batchDeleteReply = new RawBatchDeleteResponseEncoder();
    private final RawDeleteRangeResponseEncoder deleteRangeReply = new RawDeleteRangeResponseEncoder();
    private final RawCompareAndSwapResponseEncoder casReply = new RawCompareAndSwapResponseEncoder();

    private final int maxReplyBytes;
    private int slot;
    private int generation;

    /**
     * @param store         the RawKV state machine.
     * @param replies       where replies are held until the cycle's sync.
     * @param maxReplyBytes the largest reply frame the client's egress can carry.
     */
    RawCommandExecutor(final RawKvStore store, final PendingReplies replies, final int maxReplyBytes) {
        this.store = store;
        this.replies = replies;
        this.maxReplyBytes = maxReplyBytes;
        this.scanWriter = new ScanReplyWriter(store, maxReplyBytes);
    }

    /**
     * Executes one request frame.
     *
     * @return true if it wrote to storage (its reply must wait for the sync).
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
                final int length = scanWriter.write(scan, replies.buffer(), replies.position());
                replies.commit(slot, generation, length, false);
                return false;
            case RawPutDecoder.TEMPLATE_ID:
                onPut(put.wrap(buffer, body, blockLength, version));
                return true;
            case RawBatchPutDecoder.TEMPLATE_ID:
                onBatchPut(batchPut.wrap(buffer, body, blockLength, version));
                return true;
            case RawDeleteDecoder.TEMPLATE_ID:
                onDelete(delete.wrap(buffer, body, blockLength, version));
                return true;
            case RawBatchDeleteDecoder.TEMPLATE_ID:
                onBatchDelete(batchDelete.wrap(buffer, body, blockLength, version));
                return true;
            case RawDeleteRangeDecoder.TEMPLATE_ID:
                onDeleteRange(deleteRange.wrap(buffer, body, blockLength, version));
                return true;
            case RawCompareAndSwapDecoder.TEMPLATE_ID:
                onCompareAndSwap(cas.wrap(buffer, body, blockLength, version));
                return true;
            default:
                replies.commitError(slot, generation, -1, Status.MALFORMED, templateId, "not a RawKV request");
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

    private void onPut(final RawPutDecoder request) {
        final long correlationId = request.correlationId();
        final long ttlSeconds = request.ttlSeconds();
        request.wrapKey(keyView);
        request.wrapValue(valueView);
        store.put(keyView, 0, keyView.capacity(), valueView, 0, valueView.capacity(), ttlSeconds);
        putReply.wrapAndApplyHeader(replies.buffer(), replies.position(), header)
            .correlationId(correlationId)
            .status(Status.OK)
            .errorMessage("");
        replies.commit(slot, generation, MessageHeaderEncoder.ENCODED_LENGTH + putReply.encodedLength(), true);
    }

    private void onBatchPut(final RawBatchPutDecoder request) {
        final long correlationId = request.correlationId();
        final long ttlSeconds = request.ttlSeconds();
        store.beginBatch();
        for (final RawBatchPutDecoder.PairsDecoder entry : request.pairs()) {
            entry.wrapKey(keyView);
            entry.wrapValue(valueView);
            store.stagePut(keyView, 0, keyView.capacity(), valueView, 0, valueView.capacity(), ttlSeconds);
        }
        store.commitBatch();
        batchPutReply.wrapAndApplyHeader(replies.buffer(), replies.position(), header)
            .correlationId(correlationId)
            .status(Status.OK)
            .errorMessage("");
        replies.commit(slot, generation, MessageHeaderEncoder.ENCODED_LENGTH + batchPutReply.encodedLength(), true);
    }

    private void onDelete(final RawDeleteDecoder request) {
        final long correlationId = request.correlationId();
        request.wrapKey(keyView);
        store.delete(keyView, 0, keyView.capacity());
        deleteReply.wrapAndApplyHeader(replies.buffer(), replies.position(), header)
            .correlationId(correlationId)
            .status(Status.OK)
            .errorMessage("");
        replies.commit(slot, generation, MessageHeaderEncoder.ENCODED_LENGTH + deleteReply.encodedLength(), true);
    }

    private void onBatchDelete(final RawBatchDeleteDecoder request) {
        final long correlationId = request.correlationId();
        store.beginBatch();
        for (final RawBatchDeleteDecoder.KeysDecoder entry : request.keys()) {
            entry.wrapKey(keyView);
            store.stageDelete(keyView, 0, keyView.capacity());
        }
        store.commitBatch();
        batchDeleteReply.wrapAndApplyHeader(replies.buffer(), replies.position(), header)
            .correlationId(correlationId)
            .status(Status.OK)
            .errorMessage("");
        replies.commit(slot, generation, MessageHeaderEncoder.ENCODED_LENGTH + batchDeleteReply.encodedLength(), true);
    }

    private void onDeleteRange(final RawDeleteRangeDecoder request) {
        final long correlationId = request.correlationId();
        request.wrapStartKey(keyView);
        request.wrapEndKey(valueView);
        store.deleteRange(keyView, 0, keyView.capacity(), valueView, 0, valueView.capacity());
        deleteRangeReply.wrapAndApplyHeader(replies.buffer(), replies.position(), header)
            .correlationId(correlationId)
            .status(Status.OK)
            .errorMessage("");
        replies.commit(slot, generation, MessageHeaderEncoder.ENCODED_LENGTH + deleteRangeReply.encodedLength(), true);
    }

    private void onCompareAndSwap(final RawCompareAndSwapDecoder request) {
        final long correlationId = request.correlationId();
        final long ttlSeconds = request.ttlSeconds();
        final boolean expectAbsent = request.expectAbsent() == BooleanType.TRUE;
        request.wrapKey(keyView);
        request.wrapExpectedValue(valueView);
        request.wrapNewValue(thirdView);
        final CasResult result = store.compareAndSwap(keyView, 0, keyView.capacity(), expectAbsent,
            valueView, 0, valueView.capacity(), thirdView, 0, thirdView.capacity(), ttlSeconds, valueOut);
        casReply.wrapAndApplyHeader(replies.buffer(), replies.position(), header)
            .correlationId(correlationId)
            .status(Status.OK)
            .swapped(result.swapped() ? BooleanType.TRUE : BooleanType.FALSE)
            .previousFound(result.previousExists() ? BooleanType.TRUE : BooleanType.FALSE)
            .putPreviousValue(valueOut, 0, result.previousExists() ? result.previousLength() : 0);
        casReply.errorMessage("");
        replies.commit(slot, generation, MessageHeaderEncoder.ENCODED_LENGTH + casReply.encodedLength(), true);
    }
}
