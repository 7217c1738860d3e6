package io.tkv.codec.frame;

import io.tkv.codec.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;

import java.nio.ByteOrder;

/**
 * Checks a received frame before any decoder touches it: the header's schema id and version, a known template,
 * a block length no shorter than the template's, and every group count and data length against the bytes that
 * are really there. Aeron hands us a slice of a larger term buffer, so an SBE decoder would happily read past a
 * truncated frame into its neighbour; this is what stops it.
 *
 * <p>Not thread-safe (it remembers the last error); use one per agent. It allocates nothing per frame.
 */
public final class FrameValidator {
    /** The frame is well formed. */
    public static final int VALID = 0;
    /** Too short for a header, or a length points past the end of the frame. */
    public static final int TRUNCATED = 1;
    /** The schema id is not tkv's. */
    public static final int WRONG_SCHEMA = 2;
    /** The schema version is newer than this build understands, or zero. */
    public static final int UNSUPPORTED_VERSION = 3;
    /** No such template in this protocol (or not one this endpoint accepts). */
    public static final int UNKNOWN_TEMPLATE = 4;
    /** A block length shorter than the template's, or a group with more entries than allowed. */
    public static final int BAD_LAYOUT = 5;
    /** A repeating group declares more entries than allowed (a batch over the configured limit). */
    public static final int TOO_MANY_ENTRIES = 6;

    private static final int DATA_LENGTH_SIZE = 4;
    private static final int GROUP_HEADER_SIZE = 4;

    private final int schemaId;
    private final int maxVersion;
    private final int maxGroupEntries;
    private final Int2ObjectHashMap<FrameShape> shapes = new Int2ObjectHashMap<>();
    private boolean acceptNewerVersions;
    private String lastError = "";
    private int templateId = -1;
    private int version;
    private int blockLength;

    /**
     * @param schemaId        the schema id frames must carry.
     * @param maxVersion      the newest schema version understood (older versions are accepted).
     * @param maxGroupEntries the most entries any repeating group may declare.
     */
    public FrameValidator(final int schemaId, final int maxVersion, final int maxGroupEntries) {
        this.schemaId = schemaId;
        this.maxVersion = maxVersion;
        this.maxGroupEntries = maxGroupEntries;
    }

    /**
     * Accept frames of a schema version newer than {@code maxVersion}, checked as the newest version known: SBE
     * appends a version's new fields at the end of a block and its new var data after the known parts, so a reader
     * finds every part it knows where it expects it (the frame's block length says where the block ends) and never
     * reads the rest. For replies a newer store sends an older client; a store refuses newer requests instead, since
     * a field it ignores could change what the request means.
     *
     * @return this.
     */
    public FrameValidator acceptNewerVersions() {
        this.acceptNewerVersions = true;
        return this;
    }

    /**
     * Accept frames of this template, laid out as {@code shape}.
     *
     * @param templateId the template id.
     * @param shape      its layout.
     * @return this.
     */
    public FrameValidator accept(final int templateId, final FrameShape shape) {
        shapes.put(templateId, shape);
        return this;
    }

    /**
     * Validate a frame.
     *
     * @param buffer holding the frame.
     * @param offset of the message header.
     * @param length of the frame in bytes.
     * @return {@link #VALID} or one of the error codes; {@link #lastError()} says why.
     */
    public int validate(final DirectBuffer buffer, final int offset, final int length) {
        templateId = -1;
        if (length < MessageHeaderDecoder.ENCODED_LENGTH) {
            return fail(TRUNCATED, "frame shorter than the message header");
        }
        blockLength = buffer.getShort(offset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int template = buffer.getShort(offset + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int schema = buffer.getShort(offset + 4, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        version = buffer.getShort(offset + 6, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        templateId = template;
        if (schema != schemaId) {
            return fail(WRONG_SCHEMA, "wrong schema id");
        }
        if (version == 0 || (version > maxVersion && !acceptNewerVersions)) {
            return fail(UNSUPPORTED_VERSION, "unsupported schema version");
        }
        final FrameShape shape = shapes.get(template);
        if (shape == null) {
            return fail(UNKNOWN_TEMPLATE, "unknown template id");
        }
        if (blockLength < shape.minBlockLength(version)) {
            return fail(BAD_LAYOUT, "block length shorter than the template's at this schema version");
        }
        final int end = offset + length;
        final int position = walk(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, end, blockLength, shape);
        if (position < 0) {
            return -position;
        }
        lastError = "";
        return VALID;
    }

    /**
     * Walks one block and the parts after it.
     *
     * @return the position after the block and its parts, or a negated error code.
     */
    private int walk(
        final DirectBuffer buffer, final int start, final int end, final int actingBlockLength,
        final FrameShape shape) {
        if ((long)start + actingBlockLength > end) {
            return -fail(TRUNCATED, "fixed block runs past the end of the frame");
        }
        int position = start + actingBlockLength;
        for (int i = 0; i < shape.partCount(); i++) {
            final FrameShape part = shape.part(i);
            if (!part.presentIn(version)) {
                continue;
            }
            if (part.isData()) {
                if (position + DATA_LENGTH_SIZE > end) {
                    return -fail(TRUNCATED, "data length runs past the end of the frame");
                }
                final long dataLength = buffer.getInt(position, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
                if (position + DATA_LENGTH_SIZE + dataLength > end) {
                    return -fail(TRUNCATED, "data runs past the end of the frame");
                }
                position += DATA_LENGTH_SIZE + (int)dataLength;
            } else {
                position = walkGroup(buffer, position, end, part);
                if (position < 0) {
                    return position;
                }
            }
        }
        return position;
    }

    private int walkGroup(final DirectBuffer buffer, final int start, final int end, final FrameShape group) {
        if (start + GROUP_HEADER_SIZE > end) {
            return -fail(TRUNCATED, "group header runs past the end of the frame");
        }
        final int entryBlockLength = buffer.getShort(start, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(start + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (entryBlockLength < group.minBlockLength(version)) {
            return -fail(BAD_LAYOUT, "group block length shorter than the template's");
        }
        if (count > maxGroupEntries) {
            return -fail(TOO_MANY_ENTRIES, "group has more entries than allowed");
        }
        int position = start + GROUP_HEADER_SIZE;
        for (int i = 0; i < count; i++) {
            position = walk(buffer, position, end, entryBlockLength, group);
            if (position < 0) {
                return position;
            }
        }
        return position;
    }

    private int fail(final int code, final String reason) {
        lastError = reason;
        return code;
    }

    /** @return why the last frame failed, or the empty string. */
    public String lastError() {
        return lastError;
    }

    /** @return the template id of the last frame, or -1 if it was too short to have one. */
    public int templateId() {
        return templateId;
    }

    /** @return the schema version of the last frame. */
    public int version() {
        return version;
    }

    /** @return the block length the last frame's header declared. */
    public int blockLength() {
        return blockLength;
    }
}
