package io.tkv.server.apply;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchDeleteEncoder;
import io.tkv.codec.RawBatchPutEncoder;
import io.tkv.codec.RawCompareAndSwapEncoder;
import io.tkv.codec.RawDeleteEncoder;
import io.tkv.codec.RawDeleteRangeEncoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.codec.frame.Protocol;
import org.agrona.ExpandableArrayBuffer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Client write frames laid out by hand, for tests that need frames the real client never sends: any schema version
 * with any block length (a version 2 header over a version 1 block, a block longer than this build's), then the
 * var-length data and groups as given. Region 1, epoch (1, 1).
 */
public final class WriteFrames {
    /** The write templates, in schema order. */
    public static final int[] TEMPLATES = {RawPutEncoder.TEMPLATE_ID, RawBatchPutEncoder.TEMPLATE_ID,
        RawDeleteEncoder.TEMPLATE_ID, RawBatchDeleteEncoder.TEMPLATE_ID, RawDeleteRangeEncoder.TEMPLATE_ID,
        RawCompareAndSwapEncoder.TEMPLATE_ID};

    private WriteFrames() {
    }

    /** @return a var-length data field: uint32 length, then the bytes. */
    public static byte[] data(final byte[] bytes) {
        return ByteBuffer.allocate(Integer.BYTES + bytes.length).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(bytes.length).put(bytes).array();
    }

    /**
     * @param entryBlockLength the block length the group header declares (the schema's groups have none: 0).
     * @param count            the entry count it declares.
     * @param entries          the bytes of the entries, as they follow the header.
     * @return a repeating group: uint16 block length, uint16 count, the entries.
     */
    public static byte[] group(final int entryBlockLength, final int count, final byte[]... entries) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
            .putShort((short)entryBlockLength).putShort((short)count).array());
        for (final byte[] entry : entries) {
            out.writeBytes(entry);
        }
        return out.toByteArray();
    }

    /** @return the bytes concatenated. */
    public static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * @param block       this build's whole fixed block ({@link #block}); cut to {@code blockLength}, or padded with
     *                    zeros past it.
     * @param tail        what follows the block: data fields and groups.
     * @return the frame: message header, block, tail.
     */
    public static byte[] frame(
        final int templateId, final int version, final int blockLength, final byte[] block, final byte[]... tail) {
        final ByteBuffer header = ByteBuffer.allocate(MessageHeaderEncoder.ENCODED_LENGTH)
            .order(ByteOrder.LITTLE_ENDIAN).putShort((short)blockLength).putShort((short)templateId)
            .putShort((short)Protocol.SCHEMA_ID).putShort((short)version);
        final byte[] sized = new byte[blockLength];
        System.arraycopy(block, 0, sized, 0, Math.min(blockLength, block.length));
        return concat(header.array(), sized, concat(tail));
    }

    /** @return the block length a frame of {@code version} has for a write template (version 1 had no client id). */
    public static int blockLength(final int templateId, final int version) {
        return version < 2 ? Protocol.clientIdOffset(templateId) : block(templateId, 0, 0, 0, 0, 0).length;
    }

    /**
     * @return this build's whole fixed block of a write template; a compare-and-swap expects the value it names
     *     (expectAbsent false).
     */
    public static byte[] block(
        final int templateId, final long correlationId, final long sessionToken, final long ttlSeconds,
        final long clientId, final long firstIncompleteId) {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(128);
        final int length;
        switch (templateId) {
            case RawPutEncoder.TEMPLATE_ID -> {
                final RawPutEncoder e = new RawPutEncoder().wrap(buffer, 0).correlationId(correlationId)
                    .sessionToken(sessionToken).ttlSeconds(ttlSeconds).clientId(clientId)
                    .firstIncompleteId(firstIncompleteId);
                e.region().regionId(1).confVer(1).version(1);
                length = RawPutEncoder.BLOCK_LENGTH;
            }
            case RawBatchPutEncoder.TEMPLATE_ID -> {
                final RawBatchPutEncoder e = new RawBatchPutEncoder().wrap(buffer, 0).correlationId(correlationId)
                    .sessionToken(sessionToken).ttlSeconds(ttlSeconds).clientId(clientId)
                    .firstIncompleteId(firstIncompleteId);
                e.region().regionId(1).confVer(1).version(1);
                length = RawBatchPutEncoder.BLOCK_LENGTH;
            }
            case RawDeleteEncoder.TEMPLATE_ID -> {
                final RawDeleteEncoder e = new RawDeleteEncoder().wrap(buffer, 0).correlationId(correlationId)
                    .sessionToken(sessionToken).clientId(clientId).firstIncompleteId(firstIncompleteId);
                e.region().regionId(1).confVer(1).version(1);
                length = RawDeleteEncoder.BLOCK_LENGTH;
            }
            case RawBatchDeleteEncoder.TEMPLATE_ID -> {
                final RawBatchDeleteEncoder e = new RawBatchDeleteEncoder().wrap(buffer, 0)
                    .correlationId(correlationId).sessionToken(sessionToken).clientId(clientId)
                    .firstIncompleteId(firstIncompleteId);
                e.region().regionId(1).confVer(1).version(1);
                length = RawBatchDeleteEncoder.BLOCK_LENGTH;
            }
            case RawDeleteRangeEncoder.TEMPLATE_ID -> {
                final RawDeleteRangeEncoder e = new RawDeleteRangeEncoder().wrap(buffer, 0)
                    .correlationId(correlationId).sessionToken(sessionToken).clientId(clientId)
                    .firstIncompleteId(firstIncompleteId);
                e.region().regionId(1).confVer(1).version(1);
                length = RawDeleteRangeEncoder.BLOCK_LENGTH;
            }
            case RawCompareAndSwapEncoder.TEMPLATE_ID -> {
                final RawCompareAndSwapEncoder e = new RawCompareAndSwapEncoder().wrap(buffer, 0)
                    .correlationId(correlationId).sessionToken(sessionToken).ttlSeconds(ttlSeconds)
                    .expectAbsent(io.tkv.codec.BooleanType.FALSE).clientId(clientId)
                    .firstIncompleteId(firstIncompleteId);
                e.region().regionId(1).confVer(1).version(1);
                length = RawCompareAndSwapEncoder.BLOCK_LENGTH;
            }
            default -> throw new IllegalArgumentException("not a write template: " + templateId);
        }
        final byte[] block = new byte[length];
        buffer.getBytes(0, block);
        return block;
    }

    /**
     * @return the data fields and groups of a write that names {@code key} (and {@code value} where it carries one):
     *     a batch holds one pair or key, a range is [key, key + 0x00), a compare-and-swap expects {@code value}.
     */
    public static byte[][] tail(final int templateId, final byte[] key, final byte[] value) {
        return switch (templateId) {
            case RawPutEncoder.TEMPLATE_ID -> new byte[][] {data(key), data(value)};
            case RawBatchPutEncoder.TEMPLATE_ID -> new byte[][] {group(0, 1, data(key), data(value))};
            case RawDeleteEncoder.TEMPLATE_ID -> new byte[][] {data(key)};
            case RawBatchDeleteEncoder.TEMPLATE_ID -> new byte[][] {group(0, 1, data(key))};
            case RawDeleteRangeEncoder.TEMPLATE_ID -> new byte[][] {data(key), data(concat(key, new byte[1]))};
            case RawCompareAndSwapEncoder.TEMPLATE_ID -> new byte[][] {data(key), data(value), data(value)};
            default -> throw new IllegalArgumentException("not a write template: " + templateId);
        };
    }

    /** @return a well-formed write of {@code version} with that version's block. */
    public static byte[] write(
        final int templateId, final int version, final long correlationId, final long sessionToken,
        final long clientId, final byte[] key, final byte[] value) {
        return frame(templateId, version, blockLength(templateId, version),
            block(templateId, correlationId, sessionToken, 0, clientId, correlationId), tail(templateId, key, value));
    }
}
