package io.tkv.storage.command;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Reads one {@link Command} in place. {@link #wrap} checks the whole command before anything is read from it — from
 * its own bytes and the format alone, the same on every replica: the version and type this build knows, no unknown
 * flag, every item's length within the command and the command exactly as long as its items, the item count the type
 * takes, a non-empty key where a key names one entry, no negative TTL. A command that fails is not to be executed
 * (apply makes it a no-op); {@link #reason()} says why. Then the items are read in order with {@link #nextItem}.
 * Reusable and allocation-free; not thread-safe.
 */
public final class CommandReader {
    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int cursor;
    private int itemsRead;
    private String reason = "";

    /**
     * Wraps and checks a command.
     *
     * @param source holding the command at {@code at}, {@code commandLength} bytes (nothing after them is read).
     * @return whether the command is well formed; if not, nothing else may be read but {@link #hasHeader}'s fields.
     */
    public boolean wrap(final DirectBuffer source, final int at, final int commandLength) {
        buffer = source;
        offset = at;
        length = commandLength;
        cursor = at + Command.HEADER_LENGTH;
        itemsRead = 0;
        if (commandLength < Command.HEADER_LENGTH) {
            return fail("command of " + commandLength + " bytes is shorter than its header");
        }
        if (version() != Command.VERSION) {
            return fail("command format version " + version() + " is not " + Command.VERSION);
        }
        final int type = type();
        if ((type < Command.PUT || type > Command.MAX_WRITE_TYPE) && type != Command.SPLIT &&
            type != Command.TXN_WRITE) {
            return fail("unknown command type " + type);
        }
        if ((flags() & ~Command.KNOWN_FLAGS) != 0 || source.getByte(at + Command.RESERVED_OFFSET) != 0) {
            return fail("unknown flags " + flags());
        }
        if (ttlSeconds() < 0) {
            return fail("negative ttl");
        }
        if (type >= Command.SPLIT && clientId() != 0) {
            return fail("an admin command with a client id");
        }
        return checkItems(type);
    }

    /** @return whether the wrapped bytes hold a whole header, so its fixed fields may be read (even if malformed). */
    public static boolean hasHeader(final int commandLength) {
        return commandLength >= Command.HEADER_LENGTH;
    }

    private boolean checkItems(final int type) {
        final int count = count();
        if (!countFits(type, count)) {
            return fail(Command.typeName(type) + " with " + count + " items");
        }
        final long end = (long)offset + length;
        long position = cursor;
        for (int i = 0; i < count; i++) {
            if (position + Command.ITEM_LENGTH_BYTES > end) {
                return fail("item " + i + " of " + count + " past the end of the command");
            }
            final long itemLength = buffer.getInt((int)position, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
            if (position + Command.ITEM_LENGTH_BYTES + itemLength > end) {
                return fail("item " + i + " of " + itemLength + " bytes past the end of the command");
            }
            if (itemLength == 0 && namesKey(type, i)) {
                return fail("empty key");
            }
            if (type == Command.TXN_WRITE && (i == 0 ? itemLength == 0 : itemLength != Command.ID_ITEM_LENGTH)) {
                return fail("transactional write item " + i + " of " + itemLength + " bytes");
            }
            if (type == Command.SPLIT && i > 0 && itemLength != Command.ID_ITEM_LENGTH) {
                return fail("split id item " + i + " of " + itemLength + " bytes");
            }
            position += Command.ITEM_LENGTH_BYTES + itemLength;
        }
        if (position != end) {
            return fail((end - position) + " bytes after the last item");
        }
        return true;
    }

    private static boolean countFits(final int type, final int count) {
        return switch (type) {
            case Command.PUT, Command.DELETE_RANGE -> count == 2;
            case Command.BATCH_PUT -> count >= 0 && count % 2 == 0;
            case Command.DELETE -> count == 1;
            case Command.BATCH_DELETE -> count >= 0;
            case Command.COMPARE_AND_SWAP -> count == 3;
            case Command.SPLIT -> count >= 3;
            case Command.TXN_WRITE -> count == 2;
            default -> false;
        };
    }

    /** @return whether item {@code index} of a command of this type is a key naming one entry (never empty). */
    private static boolean namesKey(final int type, final int index) {
        return switch (type) {
            case Command.PUT, Command.BATCH_PUT -> index % 2 == 0;
            case Command.DELETE, Command.BATCH_DELETE -> true;
            case Command.COMPARE_AND_SWAP, Command.SPLIT -> index == 0;
            default -> false;
        };
    }

    private boolean fail(final String why) {
        reason = why;
        return false;
    }

    /**
     * Points {@code view} at the next item.
     *
     * @throws IllegalStateException if every item was read.
     */
    public void nextItem(final UnsafeBuffer view) {
        if (itemsRead >= count()) {
            throw new IllegalStateException("no item after " + itemsRead);
        }
        final int itemLength = buffer.getInt(cursor, ByteOrder.LITTLE_ENDIAN);
        view.wrap(buffer, cursor + Command.ITEM_LENGTH_BYTES, itemLength);
        cursor += Command.ITEM_LENGTH_BYTES + itemLength;
        itemsRead++;
    }

    /**
     * Reads the next item as an id (an admin command's 8-byte items).
     *
     * @throws IllegalStateException if every item was read.
     */
    public long nextId(final UnsafeBuffer view) {
        nextItem(view);
        return view.getLong(0, ByteOrder.BIG_ENDIAN);
    }

    /** Reads the items again from the first. */
    public void rewind() {
        cursor = offset + Command.HEADER_LENGTH;
        itemsRead = 0;
    }

    /** @return why the last {@link #wrap} failed. */
    public String reason() {
        return reason;
    }

    public int version() {
        return buffer.getByte(offset + Command.VERSION_OFFSET) & 0xFF;
    }

    public int type() {
        return buffer.getByte(offset + Command.TYPE_OFFSET) & 0xFF;
    }

    public int flags() {
        return buffer.getByte(offset + Command.FLAGS_OFFSET) & 0xFF;
    }

    /** @return the number of items. */
    public int count() {
        return buffer.getInt(offset + Command.COUNT_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public long proposeTimeMs() {
        return buffer.getLong(offset + Command.TIME_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public long regionId() {
        return buffer.getLong(offset + Command.REGION_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public long confVer() {
        return buffer.getLong(offset + Command.CONF_VER_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public long epochVersion() {
        return buffer.getLong(offset + Command.EPOCH_VERSION_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public long clientId() {
        return buffer.getLong(offset + Command.CLIENT_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public long requestId() {
        return buffer.getLong(offset + Command.REQUEST_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public long firstIncompleteId() {
        return buffer.getLong(offset + Command.FIRST_INCOMPLETE_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public long ttlSeconds() {
        return buffer.getLong(offset + Command.TTL_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /** @return whether the compare-and-swap expects the key absent. */
    public boolean expectAbsent() {
        return (flags() & Command.FLAG_EXPECT_ABSENT) != 0;
    }
}
