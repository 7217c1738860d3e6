package io.tkv.server.apply;

import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchDeleteDecoder;
import io.tkv.codec.RawBatchDeleteResponseEncoder;
import io.tkv.codec.RawBatchPutDecoder;
import io.tkv.codec.RawBatchPutResponseEncoder;
import io.tkv.codec.RawCompareAndSwapDecoder;
import io.tkv.codec.RawCompareAndSwapResponseEncoder;
import io.tkv.codec.RawDeleteDecoder;
import io.tkv.codec.RawDeleteRangeDecoder;
import io.tkv.codec.RawDeleteRangeResponseEncoder;
import io.tkv.codec.RawDeleteResponseEncoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.RawPutResponseEncoder;
import io.tkv.codec.Status;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import io.tkv.server.ingress.RequestLimits;
import io.tkv.storage.ApplyBatch;
import io.tkv.storage.CasResult;
import io.tkv.storage.DedupStatus;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Applies one committed write (a client's RawKV write frame from a Raft entry) to the open {@link ApplyBatch}, on
 * every replica alike, and encodes its reply. Writes are made idempotent here: a write with a client id is checked
 * against the region's dedup records first; a duplicate is answered with the first execution's reply and applies
 * nothing; a stale one (below the client's mark: a delayed copy, or a retry whose record was evicted to keep the
 * table bounded) applies nothing and is answered REQUEST_EXPIRED, which a client that no longer waits ignores; a
 * write the table has no room for applies nothing and is answered SERVER_BUSY, so the client retries it later. The
 * reply of every new write is recorded — on followers too, so a retry that reaches a new leader finds it.
 *
 * <p>What it does is a function of the frame's bytes and the region's state only, the same on every replica: the frame
 * is checked again before anything is read from it (see {@link #execute}), against the protocol, never against this
 * store's configured limits; a malformed one is a no-op answered MALFORMED, never an exception.
 *
 * <p>The reply goes to {@link PendingReplies} when this store has the client's session (slot, generation); else it
 * is encoded into a scratch buffer only to be recorded. Single-threaded (the apply agent's).
 */
final class WriteExecutor {
    /** SBE's null for an int64 field a version 1 frame does not carry. */
    private static final long NO_CLIENT_ID = RawPutDecoder.clientIdNullValue();

    private final PendingReplies replies;
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(4096);
    private final ExpandableDirectByteBuffer previous = new ExpandableDirectByteBuffer(4096);
    private final FrameValidator validator = Protocol.committedWriteValidator();
    private final RequestLimits rules = RequestLimits.protocolRules();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer thirdView = new UnsafeBuffer(0, 0);

    private final RawPutDecoder put = new RawPutDecoder();
    private final RawBatchPutDecoder batchPut = new RawBatchPutDecoder();
    private final RawDeleteDecoder delete = new RawDeleteDecoder();
    private final RawBatchDeleteDecoder batchDelete = new RawBatchDeleteDecoder();
    private final RawDeleteRangeDecoder deleteRange = new RawDeleteRangeDecoder();
    private final RawCompareAndSwapDecoder cas = new RawCompareAndSwapDecoder();

    private final RawPutResponseEncoder putReply = new RawPutResponseEncoder();
    private final RawBatchPutResponseEncoder batchPutReply = new RawBatchPutResponseEncoder();
    private final RawDeleteResponseEncoder deleteReply = new RawDeleteResponseEncoder();
    private final RawBatchDeleteResponseEncoder batchDeleteReply = new RawBatchDeleteResponseEncoder();
    private final RawDeleteRangeResponseEncoder deleteRangeReply = new RawDeleteRangeResponseEncoder();
    private final RawCompareAndSwapResponseEncoder casReply = new RawCompareAndSwapResponseEncoder();

    private ApplyBatch batch;
    private int slot;
    private int generation;
    private long staleWrites;
    private long duplicateWrites;
    private long refusedWrites;
    private String reason = "";

    WriteExecutor(final PendingReplies replies) {
        this.replies = replies;
    }

    /** @return whether the template is a write this executor applies. */
    static boolean isWrite(final int templateId) {
        return switch (templateId) {
            case RawPutDecoder.TEMPLATE_ID, RawBatchPutDecoder.TEMPLATE_ID, RawDeleteDecoder.TEMPLATE_ID,
                RawBatchDeleteDecoder.TEMPLATE_ID, RawDeleteRangeDecoder.TEMPLATE_ID,
                RawCompareAndSwapDecoder.TEMPLATE_ID -> true;
            default -> false;
        };
    }

    /**
     * Applies one write frame to the batch, whose current entry the caller has begun — after checking the frame again,
     * from its own bytes alone: its layout ({@link Protocol#committedWriteValidator()}: every length within the frame,
     * the block of the version it names) and the rules that hold whatever a store's limits
     * ({@link RequestLimits#protocolRules()}). A frame that fails is a no-op on every replica alike: nothing staged,
     * no dedup record read or written, and the session (if any) answered MALFORMED; the entry still counts as applied.
     *
     * @param length          the frame's length: what the entry holds after its header, never more (bytes after the
     *                        entry in the caller's buffer are not part of it, and differ from store to store).
     * @param replySlot       session slot to answer, with {@code replyGeneration} 0 for nobody.
     * @param replyGeneration its generation.
     * @return false if the frame was malformed (and so not applied).
     */
    boolean execute(
        final ApplyBatch applyBatch, final DirectBuffer buffer, final int offset, final int length,
        final int replySlot, final int replyGeneration) {
        batch = applyBatch;
        slot = replySlot;
        generation = replyGeneration;
        if (!wellFormed(buffer, offset, length)) {
            return malformed(buffer, offset, length);
        }
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = validator.blockLength();
        final int version = validator.version();
        switch (validator.templateId()) {
            case RawPutDecoder.TEMPLATE_ID -> {
                put.wrap(buffer, body, blockLength, version);
                if (admit(put.clientId(), put.correlationId())) {
                    onPut();
                }
            }
            case RawBatchPutDecoder.TEMPLATE_ID -> {
                batchPut.wrap(buffer, body, blockLength, version);
                if (admit(batchPut.clientId(), batchPut.correlationId())) {
                    onBatchPut();
                }
            }
            case RawDeleteDecoder.TEMPLATE_ID -> {
                delete.wrap(buffer, body, blockLength, version);
                if (admit(delete.clientId(), delete.correlationId())) {
                    onDelete();
                }
            }
            case RawBatchDeleteDecoder.TEMPLATE_ID -> {
                batchDelete.wrap(buffer, body, blockLength, version);
                if (admit(batchDelete.clientId(), batchDelete.correlationId())) {
                    onBatchDelete();
                }
            }
            case RawDeleteRangeDecoder.TEMPLATE_ID -> {
                deleteRange.wrap(buffer, body, blockLength, version);
                if (admit(deleteRange.clientId(), deleteRange.correlationId())) {
                    onDeleteRange();
                }
            }
            case RawCompareAndSwapDecoder.TEMPLATE_ID -> {
                cas.wrap(buffer, body, blockLength, version);
                if (admit(cas.clientId(), cas.correlationId())) {
                    onCompareAndSwap();
                }
            }
            default -> {
                // The validator accepts the templates above only; were one added there but not here, every replica
                // would still skip it alike.
                reason = "no executor for this write";
                return malformed(buffer, offset, length);
            }
        }
        return true;
    }

    private boolean malformed(final DirectBuffer buffer, final int offset, final int length) {
        if (generation != 0) {
            replies.commitError(slot, generation, Protocol.correlationId(buffer, offset, length), Status.MALFORMED,
                Math.max(validator.templateId(), 0), "committed write malformed, not applied: " + reason);
        }
        return false;
    }

    /** @return whether the frame may be applied; if not, {@link #reason} says why. */
    private boolean wellFormed(final DirectBuffer buffer, final int offset, final int length) {
        if (validator.validate(buffer, offset, length) != FrameValidator.VALID) {
            reason = validator.lastError();
            return false;
        }
        if (rules.check(validator.templateId(), buffer, offset, validator.blockLength(), validator.version())
            != Status.OK) {
            reason = rules.reason();
            return false;
        }
        return true;
    }

    /** @return how many writes were stale copies, applied by nobody. */
    long staleWrites() {
        return staleWrites;
    }

    /** @return how many writes were duplicates answered from the dedup records. */
    long duplicateWrites() {
        return duplicateWrites;
    }

    /** @return how many writes were refused for want of room in the dedup table, applied by nobody. */
    long refusedWrites() {
        return refusedWrites;
    }

    /** @return true for a new write, to be applied; a duplicate, stale or refused write is answered here. */
    private boolean admit(final long clientId, final long requestId) {
        if (clientId == 0 || clientId == NO_CLIENT_ID) {
            return true;
        }
        final DedupStatus status = batch.checkRequest(clientId, requestId);
        if (status == DedupStatus.NEW) {
            return true;
        }
        if (status == DedupStatus.DUPLICATE) {
            duplicateWrites++;
            if (generation != 0) {
                final DirectBuffer reply = batch.duplicateReply();
                final int length = reply.capacity();
                replies.buffer().putBytes(replies.position(), reply, 0, length);
                replies.commit(slot, generation, length, true);
            }
        } else if (status == DedupStatus.STALE) {
            staleWrites++;
            if (generation != 0) {
                replies.commitError(slot, generation, requestId, Status.REQUEST_EXPIRED, validator.templateId(),
                    "the store no longer remembers this write's outcome: not applied now, and an earlier copy may " +
                    "have applied");
            }
        } else {
            refusedWrites++;
            if (generation != 0) {
                replies.commitError(slot, generation, requestId, Status.SERVER_BUSY, validator.templateId(),
                    "the region remembers as many recently active clients as it may; retry later");
            }
        }
        return false;
    }

    private MutableDirectBuffer out() {
        return generation != 0 ? replies.buffer() : scratch;
    }

    private int outOffset() {
        return generation != 0 ? replies.position() : 0;
    }

    /** Hands the encoded reply to the session (if any) and records it for retries (if the client has an id). */
    private void finish(final long clientId, final long requestId, final long firstIncompleteId, final int length) {
        if (clientId != 0 && clientId != NO_CLIENT_ID) {
            batch.recordReply(clientId, requestId, firstIncompleteId, out(), outOffset(), length);
        }
        if (generation != 0) {
            replies.commit(slot, generation, length, true);
        }
    }

    private void onPut() {
        put.wrapKey(keyView);
        put.wrapValue(valueView);
        batch.put(keyView, 0, keyView.capacity(), valueView, 0, valueView.capacity(), put.ttlSeconds());
        putReply.wrapAndApplyHeader(out(), outOffset(), header)
            .correlationId(put.correlationId()).status(Status.OK).errorMessage("");
        finish(put.clientId(), put.correlationId(), put.firstIncompleteId(),
            MessageHeaderEncoder.ENCODED_LENGTH + putReply.encodedLength());
    }

    private void onBatchPut() {
        final long ttlSeconds = batchPut.ttlSeconds();
        final long clientId = batchPut.clientId();
        final long correlationId = batchPut.correlationId();
        final long firstIncompleteId = batchPut.firstIncompleteId();
        for (final RawBatchPutDecoder.PairsDecoder pair : batchPut.pairs()) {
            pair.wrapKey(keyView);
            pair.wrapValue(valueView);
            batch.put(keyView, 0, keyView.capacity(), valueView, 0, valueView.capacity(), ttlSeconds);
        }
        batchPutReply.wrapAndApplyHeader(out(), outOffset(), header)
            .correlationId(correlationId).status(Status.OK).errorMessage("");
        finish(clientId, correlationId, firstIncompleteId,
            MessageHeaderEncoder.ENCODED_LENGTH + batchPutReply.encodedLength());
    }

    private void onDelete() {
        delete.wrapKey(keyView);
        batch.delete(keyView, 0, keyView.capacity());
        deleteReply.wrapAndApplyHeader(out(), outOffset(), header)
            .correlationId(delete.correlationId()).status(Status.OK).errorMessage("");
        finish(delete.clientId(), delete.correlationId(), delete.firstIncompleteId(),
            MessageHeaderEncoder.ENCODED_LENGTH + deleteReply.encodedLength());
    }

    private void onBatchDelete() {
        final long clientId = batchDelete.clientId();
        final long correlationId = batchDelete.correlationId();
        final long firstIncompleteId = batchDelete.firstIncompleteId();
        for (final RawBatchDeleteDecoder.KeysDecoder key : batchDelete.keys()) {
            key.wrapKey(keyView);
            batch.delete(keyView, 0, keyView.capacity());
        }
        batchDeleteReply.wrapAndApplyHeader(out(), outOffset(), header)
            .correlationId(correlationId).status(Status.OK).errorMessage("");
        finish(clientId, correlationId, firstIncompleteId,
            MessageHeaderEncoder.ENCODED_LENGTH + batchDeleteReply.encodedLength());
    }

    private void onDeleteRange() {
        deleteRange.wrapStartKey(keyView);
        deleteRange.wrapEndKey(valueView);
        batch.deleteRange(keyView, 0, keyView.capacity(), valueView, 0, valueView.capacity());
        deleteRangeReply.wrapAndApplyHeader(out(), outOffset(), header)
            .correlationId(deleteRange.correlationId()).status(Status.OK).errorMessage("");
        finish(deleteRange.clientId(), deleteRange.correlationId(), deleteRange.firstIncompleteId(),
            MessageHeaderEncoder.ENCODED_LENGTH + deleteRangeReply.encodedLength());
    }

    private void onCompareAndSwap() {
        final boolean expectAbsent = cas.expectAbsent() == BooleanType.TRUE;
        cas.wrapKey(keyView);
        cas.wrapExpectedValue(valueView);
        cas.wrapNewValue(thirdView);
        final CasResult result = batch.compareAndSwap(keyView, 0, keyView.capacity(), expectAbsent,
            valueView, 0, valueView.capacity(), thirdView, 0, thirdView.capacity(), cas.ttlSeconds(), previous);
        casReply.wrapAndApplyHeader(out(), outOffset(), header)
            .correlationId(cas.correlationId())
            .status(Status.OK)
            .swapped(result.swapped() ? BooleanType.TRUE : BooleanType.FALSE)
            .previousFound(result.previousExists() ? BooleanType.TRUE : BooleanType.FALSE)
            .putPreviousValue(previous, 0, result.previousExists() ? result.previousLength() : 0);
        casReply.errorMessage("");
        finish(cas.clientId(), cas.correlationId(), cas.firstIncompleteId(),
            MessageHeaderEncoder.ENCODED_LENGTH + casReply.encodedLength());
    }
}
