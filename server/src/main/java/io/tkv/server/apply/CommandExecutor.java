package io.tkv.server.apply;

import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchDeleteResponseEncoder;
import io.tkv.codec.RawBatchPutResponseEncoder;
import io.tkv.codec.RawCompareAndSwapResponseEncoder;
import io.tkv.codec.RawDeleteRangeResponseEncoder;
import io.tkv.codec.RawDeleteResponseEncoder;
import io.tkv.codec.RawPutResponseEncoder;
import io.tkv.codec.Status;
import io.tkv.server.raft.ProposalAdapter;
import io.tkv.storage.ApplyBatch;
import io.tkv.storage.CasResult;
import io.tkv.storage.DedupStatus;
import io.tkv.codec.keys.KeySpace;
import io.tkv.storage.RegionDescriptor;
import io.tkv.storage.command.Command;
import io.tkv.storage.command.CommandReader;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Executes one committed write {@link Command} against the open {@link ApplyBatch}, on every replica alike, and
 * encodes its reply. Writes are made idempotent here: a write with a client id is checked against the region's dedup
 * records first; a duplicate is answered with the first execution's reply and applies nothing; a stale one (below the
 * client's mark: a delayed copy, or a retry whose record was evicted to keep the table bounded) applies nothing and is
 * answered REQUEST_EXPIRED, which a client that no longer waits ignores; a write the table has no room for applies
 * nothing and is answered SERVER_BUSY, so the client retries it later. The reply of every new write is recorded — on
 * followers too, so a retry that reaches a new leader finds it.
 *
 * <p>What it does is a function of the command's bytes and the region's state only, the same on every replica; the
 * command was checked by its {@link CommandReader} before it gets here ({@link EntryDecoder}).
 *
 * <p>The reply goes to {@link PendingReplies} when this store has the client's session (slot, generation); else it
 * is encoded into a scratch buffer only to be recorded. Single-threaded (the apply agent's).
 */
final class CommandExecutor {
    private final PendingReplies replies;
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(4096);
    private final ExpandableDirectByteBuffer previous = new ExpandableDirectByteBuffer(4096);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer thirdView = new UnsafeBuffer(0, 0);

    private final RawPutResponseEncoder putReply = new RawPutResponseEncoder();
    private final RawBatchPutResponseEncoder batchPutReply = new RawBatchPutResponseEncoder();
    private final RawDeleteResponseEncoder deleteReply = new RawDeleteResponseEncoder();
    private final RawBatchDeleteResponseEncoder batchDeleteReply = new RawBatchDeleteResponseEncoder();
    private final RawDeleteRangeResponseEncoder deleteRangeReply = new RawDeleteRangeResponseEncoder();
    private final RawCompareAndSwapResponseEncoder casReply = new RawCompareAndSwapResponseEncoder();

    private ApplyBatch batch;
    private CommandReader command;
    private int slot;
    private int generation;
    private long staleWrites;
    private long duplicateWrites;
    private long refusedWrites;
    private long epochMismatches;
    private long bytesWritten;
    private long keysWritten;

    CommandExecutor(final PendingReplies replies) {
        this.replies = replies;
    }

    /**
     * Applies one well-formed command to the batch, whose current entry the caller has begun — if it still fits the
     * region: proposed under the region's current epoch version and within its range. One that does not (the region
     * split between its proposal and its apply) applies nothing, touches no dedup record and is answered
     * EPOCH_NOT_MATCH or KEY_NOT_IN_REGION, as TiKV's apply checks each command.
     *
     * <p>What it writes is counted store-wide ({@link #bytesWritten()}, {@link #keysWritten()}) and in the region
     * ({@link AppliedRegions.Region#countWrite}), for PD's heartbeats.
     *
     * @param write           a command its reader accepted.
     * @param region          the region as of the entries before this one; null to apply in no region, unchecked and
     *                        uncounted (the {@link ApplyPath} harness only).
     * @param replySlot       session slot to answer, with {@code replyGeneration} 0 for nobody.
     * @param replyGeneration its generation.
     */
    void execute(final ApplyBatch applyBatch, final CommandReader write, final AppliedRegions.Region region,
        final int replySlot, final int replyGeneration) {
        batch = applyBatch;
        command = write;
        slot = replySlot;
        generation = replyGeneration;
        if (region != null && !fits(region.descriptor) || !admit(write.clientId(), write.requestId())) {
            return;
        }
        final long bytesBefore = bytesWritten;
        final long keysBefore = keysWritten;
        switch (write.type()) {
            case Command.PUT, Command.BATCH_PUT -> onPut();
            case Command.DELETE, Command.BATCH_DELETE -> onDelete();
            case Command.DELETE_RANGE -> onDeleteRange();
            case Command.COMPARE_AND_SWAP -> onCompareAndSwap();
            default -> throw new IllegalStateException("the reader accepted an unknown type " + write.type());
        }
        if (region != null) {
            region.countWrite(bytesWritten - bytesBefore, keysWritten - keysBefore);
        }
    }

    /** @return whether the command fits the region as it is; if not, it is answered here. */
    private boolean fits(final RegionDescriptor region) {
        final Status status;
        final String why;
        if (command.regionId() != region.id()) {
            status = Status.MALFORMED;
            why = "a command of region " + command.regionId() + " in the log of region " + region.id();
        } else if (command.epochVersion() != region.version()) {
            status = Status.EPOCH_NOT_MATCH;
            why = "region " + region.id() + " moved to version " + region.version() + " before the write applied";
        } else if (!keysInRegion(region)) {
            status = Status.KEY_NOT_IN_REGION;
            why = "a key of the write is not in " + region;
        } else {
            return true;
        }
        epochMismatches++;
        if (generation != 0) {
            replies.commitError(slot, generation, command.requestId(), status,
                ProposalAdapter.requestTemplateId(command.type()), why);
        }
        return false;
    }

    private boolean keysInRegion(final RegionDescriptor region) {
        boolean inRegion = true;
        switch (command.type()) {
            case Command.DELETE_RANGE -> {
                command.nextItem(keyView);
                command.nextItem(valueView);
                inRegion = region.containsRange(KeySpace.RAW, keyView, 0, keyView.capacity(), valueView, 0,
                    valueView.capacity());
            }
            case Command.PUT, Command.BATCH_PUT -> {
                for (int i = command.count(); i > 0 && inRegion; i -= 2) {
                    command.nextItem(keyView);
                    command.nextItem(valueView);
                    inRegion = region.containsKey(KeySpace.RAW, keyView, 0, keyView.capacity());
                }
            }
            case Command.DELETE, Command.BATCH_DELETE -> {
                for (int i = command.count(); i > 0 && inRegion; i--) {
                    command.nextItem(keyView);
                    inRegion = region.containsKey(KeySpace.RAW, keyView, 0, keyView.capacity());
                }
            }
            default -> {
                command.nextItem(keyView);
                inRegion = region.containsKey(KeySpace.RAW, keyView, 0, keyView.capacity());
            }
        }
        command.rewind();
        return inRegion;
    }

    /** @return how many writes did not fit their region when they applied, applied by nobody. */
    long epochMismatches() {
        return epochMismatches;
    }

    /** @return bytes of keys and values put (CAS swaps included) since the start: what PD hears as written. */
    long bytesWritten() {
        return bytesWritten;
    }

    /** @return keys put or deleted (CAS swaps included) since the start. */
    long keysWritten() {
        return keysWritten;
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
        if (clientId == 0) {
            return true;
        }
        final DedupStatus status = batch.checkRequest(clientId, requestId);
        if (status == DedupStatus.NEW) {
            return true;
        }
        final int templateId = ProposalAdapter.requestTemplateId(command.type());
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
                replies.commitError(slot, generation, requestId, Status.REQUEST_EXPIRED, templateId,
                    "the store no longer remembers this write's outcome: not applied now, and an earlier copy may " +
                    "have applied");
            }
        } else {
            refusedWrites++;
            if (generation != 0) {
                replies.commitError(slot, generation, requestId, Status.SERVER_BUSY, templateId,
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
    private void finish(final int length) {
        final long clientId = command.clientId();
        if (clientId != 0) {
            batch.recordReply(clientId, command.requestId(), command.firstIncompleteId(), out(), outOffset(), length);
        }
        if (generation != 0) {
            replies.commit(slot, generation, length, true);
        }
    }

    private void onPut() {
        final long ttlSeconds = command.ttlSeconds();
        for (int i = command.count(); i > 0; i -= 2) {
            command.nextItem(keyView);
            command.nextItem(valueView);
            batch.put(keyView, 0, keyView.capacity(), valueView, 0, valueView.capacity(), ttlSeconds);
            bytesWritten += keyView.capacity() + valueView.capacity();
        }
        keysWritten += command.count() >> 1;
        final int length;
        if (command.type() == Command.PUT) {
            putReply.wrapAndApplyHeader(out(), outOffset(), header)
                .correlationId(command.requestId()).status(Status.OK).errorMessage("");
            length = putReply.encodedLength();
        } else {
            batchPutReply.wrapAndApplyHeader(out(), outOffset(), header)
                .correlationId(command.requestId()).status(Status.OK).errorMessage("");
            length = batchPutReply.encodedLength();
        }
        finish(MessageHeaderEncoder.ENCODED_LENGTH + length);
    }

    private void onDelete() {
        for (int i = command.count(); i > 0; i--) {
            command.nextItem(keyView);
            batch.delete(keyView, 0, keyView.capacity());
            bytesWritten += keyView.capacity();
        }
        keysWritten += command.count();
        final int length;
        if (command.type() == Command.DELETE) {
            deleteReply.wrapAndApplyHeader(out(), outOffset(), header)
                .correlationId(command.requestId()).status(Status.OK).errorMessage("");
            length = deleteReply.encodedLength();
        } else {
            batchDeleteReply.wrapAndApplyHeader(out(), outOffset(), header)
                .correlationId(command.requestId()).status(Status.OK).errorMessage("");
            length = batchDeleteReply.encodedLength();
        }
        finish(MessageHeaderEncoder.ENCODED_LENGTH + length);
    }

    private void onDeleteRange() {
        command.nextItem(keyView);
        command.nextItem(valueView);
        batch.deleteRange(keyView, 0, keyView.capacity(), valueView, 0, valueView.capacity());
        deleteRangeReply.wrapAndApplyHeader(out(), outOffset(), header)
            .correlationId(command.requestId()).status(Status.OK).errorMessage("");
        finish(MessageHeaderEncoder.ENCODED_LENGTH + deleteRangeReply.encodedLength());
    }

    private void onCompareAndSwap() {
        command.nextItem(keyView);
        command.nextItem(valueView);
        command.nextItem(thirdView);
        final CasResult result = batch.compareAndSwap(keyView, 0, keyView.capacity(), command.expectAbsent(),
            valueView, 0, valueView.capacity(), thirdView, 0, thirdView.capacity(), command.ttlSeconds(), previous);
        if (result.swapped()) {
            bytesWritten += keyView.capacity() + thirdView.capacity();
            keysWritten++;
        }
        casReply.wrapAndApplyHeader(out(), outOffset(), header)
            .correlationId(command.requestId())
            .status(Status.OK)
            .swapped(result.swapped() ? BooleanType.TRUE : BooleanType.FALSE)
            .previousFound(result.previousExists() ? BooleanType.TRUE : BooleanType.FALSE)
            .putPreviousValue(previous, 0, result.previousExists() ? result.previousLength() : 0);
        casReply.errorMessage("");
        finish(MessageHeaderEncoder.ENCODED_LENGTH + casReply.encodedLength());
    }
}
