package io.tkv.server.raft;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * The legacy write entry (format version 1), which builds before the command format ({@code io.tkv.storage.command})
 * proposed: a small header, then the client's validated request frame as it arrived. This build never proposes it;
 * apply still reads it from a log an older build wrote, translating the frame into a command by the same rules
 * ({@code ProposalAdapter}). The header carries the leader's time at proposal, from which TTLs count.
 *
 * <pre>
 *   0  uint8   format version (1)
 *   1  int64   proposal time, epoch ms (little-endian)
 *   9  ...     the request frame (SBE message header first)
 * </pre>
 */
public final class EntryFormat {
    /** The only version so far. */
    public static final byte VERSION = 1;
    /** Bytes before the frame. */
    public static final int HEADER_LENGTH = 1 + Long.BYTES;

    private static final int TIME_OFFSET = 1;

    private EntryFormat() {
    }

    /**
     * Writes an entry of this legacy format, as an older build did: for tests of how they are still applied.
     *
     * @return a new entry payload: the header and a copy of the frame.
     */
    public static byte[] encode(final long proposeTimeMs, final DirectBuffer frame, final int offset,
        final int length) {
        final byte[] payload = new byte[HEADER_LENGTH + length];
        final UnsafeBuffer view = new UnsafeBuffer(payload);
        view.putByte(0, VERSION);
        view.putLong(TIME_OFFSET, proposeTimeMs, ByteOrder.LITTLE_ENDIAN);
        view.putBytes(HEADER_LENGTH, frame, offset, length);
        return payload;
    }

    /**
     * Whether a NORMAL entry's data (not empty: that is a leader's no-op) is a write entry this build can read: its
     * version byte and a whole header. Anything else — the entry of a newer format, a damaged header — must be
     * applied as a no-op by every replica alike, never read further and never thrown on. The frame after the header
     * is checked separately.
     *
     * @param buffer holding an entry's data at {@code offset}, {@code length} bytes.
     * @return whether it has a header of this format: {@link #proposeTimeMs} may be read, and the frame is the
     *     {@code length - HEADER_LENGTH} bytes after it.
     */
    public static boolean isReadable(final DirectBuffer buffer, final int offset, final int length) {
        return length >= HEADER_LENGTH && buffer.getByte(offset) == VERSION;
    }

    /** @return the proposal time of the write entry at {@code offset}. */
    public static long proposeTimeMs(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + TIME_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }
}
