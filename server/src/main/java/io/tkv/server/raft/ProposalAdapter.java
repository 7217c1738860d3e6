package io.tkv.server.raft;

import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.RawBatchDeleteDecoder;
import io.tkv.codec.RawBatchPutDecoder;
import io.tkv.codec.RawCompareAndSwapDecoder;
import io.tkv.codec.RawDeleteDecoder;
import io.tkv.codec.RawDeleteRangeDecoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.SplitRegionDecoder;
import io.tkv.storage.command.Command;
import io.tkv.storage.command.CommandWriter;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The one place a client's write becomes a Raft entry: it turns a validated, checked RawKV write frame into a
 * {@link Command}, so the log holds the store's own format and apply never decodes a client frame. Also used by apply
 * to read entries of the legacy format (a time and the client's frame, {@link EntryFormat}) that a log written before
 * the command format may still hold: they are translated by the same rules, so they apply as they always did.
 *
 * <p>The frame must have passed the write validator ({@code Protocol}) and the protocol's rules
 * ({@code RequestLimits}); this class does not check it again. Not thread-safe: one per agent.
 */
public final class ProposalAdapter {
    /** SBE's null for an int64 field a version 1 frame does not carry. */
    private static final long NO_ID = RawPutDecoder.clientIdNullValue();

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final CommandWriter writer = new CommandWriter();
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(4096);
    private final UnsafeBuffer first = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer second = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer third = new UnsafeBuffer(0, 0);

    private final RawPutDecoder put = new RawPutDecoder();
    private final RawBatchPutDecoder batchPut = new RawBatchPutDecoder();
    private final RawDeleteDecoder delete = new RawDeleteDecoder();
    private final RawBatchDeleteDecoder batchDelete = new RawBatchDeleteDecoder();
    private final RawDeleteRangeDecoder deleteRange = new RawDeleteRangeDecoder();
    private final RawCompareAndSwapDecoder cas = new RawCompareAndSwapDecoder();

    /** @return whether the template is a write: it goes through the Raft log as a command. */
    public static boolean isWrite(final int templateId) {
        return switch (templateId) {
            case RawPutDecoder.TEMPLATE_ID, RawBatchPutDecoder.TEMPLATE_ID, RawDeleteDecoder.TEMPLATE_ID,
                RawBatchDeleteDecoder.TEMPLATE_ID, RawDeleteRangeDecoder.TEMPLATE_ID,
                RawCompareAndSwapDecoder.TEMPLATE_ID -> true;
            default -> false;
        };
    }

    /** @return the request template a command of this type came from: the shape of its reply. */
    public static int requestTemplateId(final int commandType) {
        return switch (commandType) {
            case Command.PUT -> RawPutDecoder.TEMPLATE_ID;
            case Command.BATCH_PUT -> RawBatchPutDecoder.TEMPLATE_ID;
            case Command.DELETE -> RawDeleteDecoder.TEMPLATE_ID;
            case Command.BATCH_DELETE -> RawBatchDeleteDecoder.TEMPLATE_ID;
            case Command.DELETE_RANGE -> RawDeleteRangeDecoder.TEMPLATE_ID;
            case Command.COMPARE_AND_SWAP -> RawCompareAndSwapDecoder.TEMPLATE_ID;
            case Command.SPLIT -> SplitRegionDecoder.TEMPLATE_ID;
            default -> 0;
        };
    }

    /**
     * @param proposeTimeMs the proposing leader's clock.
     * @return a new entry payload: the frame's command.
     */
    public byte[] propose(final long proposeTimeMs, final DirectBuffer frame, final int offset, final int length) {
        final int commandLength = encode(proposeTimeMs, frame, offset, scratch, 0);
        final byte[] entry = new byte[commandLength];
        scratch.getBytes(0, entry);
        return entry;
    }

    /**
     * Writes the frame's command at {@code at}.
     *
     * @return the command's length: at most the frame's length plus {@link Command#HEADER_LENGTH}.
     * @throws IllegalArgumentException if the frame is not a write.
     */
    public int encode(
        final long proposeTimeMs, final DirectBuffer frame, final int offset, final MutableDirectBuffer out,
        final int at) {
        header.wrap(frame, offset);
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = header.blockLength();
        final int version = header.version();
        switch (header.templateId()) {
            case RawPutDecoder.TEMPLATE_ID -> {
                put.wrap(frame, body, blockLength, version);
                begin(out, at, Command.PUT, 0, proposeTimeMs, put.region().regionId(), put.region().confVer(),
                    put.region().version(), put.clientId(), put.correlationId(), put.firstIncompleteId(),
                    put.ttlSeconds());
                put.wrapKey(first);
                put.wrapValue(second);
                writer.item(first, 0, first.capacity()).item(second, 0, second.capacity());
            }
            case RawBatchPutDecoder.TEMPLATE_ID -> {
                batchPut.wrap(frame, body, blockLength, version);
                begin(out, at, Command.BATCH_PUT, 0, proposeTimeMs, batchPut.region().regionId(),
                    batchPut.region().confVer(), batchPut.region().version(), batchPut.clientId(),
                    batchPut.correlationId(), batchPut.firstIncompleteId(), batchPut.ttlSeconds());
                for (final RawBatchPutDecoder.PairsDecoder pair : batchPut.pairs()) {
                    pair.wrapKey(first);
                    pair.wrapValue(second);
                    writer.item(first, 0, first.capacity()).item(second, 0, second.capacity());
                }
            }
            case RawDeleteDecoder.TEMPLATE_ID -> {
                delete.wrap(frame, body, blockLength, version);
                begin(out, at, Command.DELETE, 0, proposeTimeMs, delete.region().regionId(),
                    delete.region().confVer(), delete.region().version(), delete.clientId(), delete.correlationId(),
                    delete.firstIncompleteId(), 0);
                delete.wrapKey(first);
                writer.item(first, 0, first.capacity());
            }
            case RawBatchDeleteDecoder.TEMPLATE_ID -> {
                batchDelete.wrap(frame, body, blockLength, version);
                begin(out, at, Command.BATCH_DELETE, 0, proposeTimeMs, batchDelete.region().regionId(),
                    batchDelete.region().confVer(), batchDelete.region().version(), batchDelete.clientId(),
                    batchDelete.correlationId(), batchDelete.firstIncompleteId(), 0);
                for (final RawBatchDeleteDecoder.KeysDecoder key : batchDelete.keys()) {
                    key.wrapKey(first);
                    writer.item(first, 0, first.capacity());
                }
            }
            case RawDeleteRangeDecoder.TEMPLATE_ID -> {
                deleteRange.wrap(frame, body, blockLength, version);
                begin(out, at, Command.DELETE_RANGE, 0, proposeTimeMs, deleteRange.region().regionId(),
                    deleteRange.region().confVer(), deleteRange.region().version(), deleteRange.clientId(),
                    deleteRange.correlationId(), deleteRange.firstIncompleteId(), 0);
                deleteRange.wrapStartKey(first);
                deleteRange.wrapEndKey(second);
                writer.item(first, 0, first.capacity()).item(second, 0, second.capacity());
            }
            case RawCompareAndSwapDecoder.TEMPLATE_ID -> {
                cas.wrap(frame, body, blockLength, version);
                final int flags = cas.expectAbsent() == BooleanType.TRUE ? Command.FLAG_EXPECT_ABSENT : 0;
                begin(out, at, Command.COMPARE_AND_SWAP, flags, proposeTimeMs, cas.region().regionId(),
                    cas.region().confVer(), cas.region().version(), cas.clientId(), cas.correlationId(),
                    cas.firstIncompleteId(), cas.ttlSeconds());
                cas.wrapKey(first);
                cas.wrapExpectedValue(second);
                cas.wrapNewValue(third);
                writer.item(first, 0, first.capacity()).item(second, 0, second.capacity())
                    .item(third, 0, third.capacity());
            }
            default -> throw new IllegalArgumentException("template " + header.templateId() + " is not a write");
        }
        return writer.finish();
    }

    private void begin(
        final MutableDirectBuffer out, final int at, final byte type, final int flags, final long timeMs,
        final long regionId, final long confVer, final long epochVersion, final long clientId, final long requestId,
        final long firstIncompleteId, final long ttlSeconds) {
        // A version 1 frame carries no client id: the write is applied as it comes, without deduplication.
        final boolean anonymous = clientId == NO_ID;
        writer.begin(out, at, type, flags, timeMs, regionId, confVer, epochVersion, anonymous ? 0 : clientId,
            requestId, anonymous || firstIncompleteId == NO_ID ? 0 : firstIncompleteId, ttlSeconds);
    }
}
