package io.tkv.storage.command;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Writes one {@link Command} into a buffer: {@link #begin} with the header's fields, an {@link #item} per byte string,
 * then {@link #finish} for the length. Reusable; not thread-safe.
 */
public final class CommandWriter {
    private MutableDirectBuffer buffer;
    private int offset;
    private int limit;
    private int count;

    /**
     * Starts a command at {@code offset}. The buffer must hold the whole command (an expandable one grows).
     *
     * @return this.
     */
    public CommandWriter begin(
        final MutableDirectBuffer out, final int at, final byte type, final int flags, final long proposeTimeMs,
        final long regionId, final long confVer, final long epochVersion, final long clientId, final long requestId,
        final long firstIncompleteId, final long ttlSeconds) {
        buffer = out;
        offset = at;
        count = 0;
        out.putByte(at + Command.VERSION_OFFSET, Command.VERSION);
        out.putByte(at + Command.TYPE_OFFSET, type);
        out.putByte(at + Command.FLAGS_OFFSET, (byte)flags);
        out.putByte(at + Command.RESERVED_OFFSET, (byte)0);
        out.putLong(at + Command.TIME_OFFSET, proposeTimeMs, ByteOrder.LITTLE_ENDIAN);
        out.putLong(at + Command.REGION_OFFSET, regionId, ByteOrder.LITTLE_ENDIAN);
        out.putLong(at + Command.CONF_VER_OFFSET, confVer, ByteOrder.LITTLE_ENDIAN);
        out.putLong(at + Command.EPOCH_VERSION_OFFSET, epochVersion, ByteOrder.LITTLE_ENDIAN);
        out.putLong(at + Command.CLIENT_ID_OFFSET, clientId, ByteOrder.LITTLE_ENDIAN);
        out.putLong(at + Command.REQUEST_ID_OFFSET, requestId, ByteOrder.LITTLE_ENDIAN);
        out.putLong(at + Command.FIRST_INCOMPLETE_OFFSET, firstIncompleteId, ByteOrder.LITTLE_ENDIAN);
        out.putLong(at + Command.TTL_OFFSET, ttlSeconds, ByteOrder.LITTLE_ENDIAN);
        limit = at + Command.HEADER_LENGTH;
        return this;
    }

    /**
     * Appends one byte string.
     *
     * @return this.
     */
    public CommandWriter item(final DirectBuffer source, final int sourceOffset, final int length) {
        buffer.putInt(limit, length, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(limit + Command.ITEM_LENGTH_BYTES, source, sourceOffset, length);
        limit += Command.ITEM_LENGTH_BYTES + length;
        count++;
        return this;
    }

    /**
     * Appends one byte string.
     *
     * @return this.
     */
    public CommandWriter item(final byte[] source) {
        buffer.putInt(limit, source.length, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(limit + Command.ITEM_LENGTH_BYTES, source);
        limit += Command.ITEM_LENGTH_BYTES + source.length;
        count++;
        return this;
    }

    /**
     * Appends an id: an 8-byte big-endian item, as admin commands carry them.
     *
     * @return this.
     */
    public CommandWriter id(final long id) {
        buffer.putInt(limit, Command.ID_ITEM_LENGTH, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(limit + Command.ITEM_LENGTH_BYTES, id, ByteOrder.BIG_ENDIAN);
        limit += Command.ITEM_LENGTH_BYTES + Command.ID_ITEM_LENGTH;
        count++;
        return this;
    }

    /**
     * Completes the command: writes its item count.
     *
     * @return the command's length in bytes.
     */
    public int finish() {
        buffer.putInt(offset + Command.COUNT_OFFSET, count, ByteOrder.LITTLE_ENDIAN);
        return limit - offset;
    }
}
