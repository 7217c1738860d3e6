package io.tkv.codec.auth;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The sending side of {@link PeerFrames}: appends the trailer to a frame encoded in place. One per outbound stream
 * and agent (it owns the stream's sequence); not thread safe. Allocates nothing per frame.
 */
public final class PeerFrameSealer {
    private final HmacSha256 hmac;
    private final long incarnation;
    private final byte[] tag = new byte[HmacSha256.LENGTH];
    private long sequence;

    /**
     * @param streamKey   the stream's key ({@link ClusterKey#streamKey}).
     * @param incarnation this store's incarnation, positive and higher than at any earlier start.
     */
    public PeerFrameSealer(final byte[] streamKey, final long incarnation) {
        if (incarnation <= 0) {
            throw new IllegalArgumentException("incarnation must be positive: " + incarnation);
        }
        this.hmac = new HmacSha256(streamKey);
        this.incarnation = incarnation;
    }

    /**
     * Appends the trailer to the frame at {@code offset}.
     *
     * @param buffer holding the frame, with {@link PeerFrames#TRAILER_LENGTH} bytes of room after it.
     * @param offset of the frame's message header.
     * @param length of the frame.
     * @return the sealed frame's length.
     */
    public int seal(final MutableDirectBuffer buffer, final int offset, final int length) {
        final int trailer = offset + length;
        if ((long)trailer + PeerFrames.TRAILER_LENGTH > buffer.capacity()) {
            throw new IllegalArgumentException("no room for the frame trailer: frame ends at " + trailer
                + ", buffer holds " + buffer.capacity());
        }
        sequence++;
        buffer.putLong(trailer + PeerFrames.INCARNATION_OFFSET, incarnation, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(trailer + PeerFrames.SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
        hmac.update(buffer, offset, length + PeerFrames.TAG_OFFSET);
        hmac.finish(tag, 0);
        buffer.putBytes(trailer + PeerFrames.TAG_OFFSET, tag, 0, PeerFrames.TAG_LENGTH);
        return length + PeerFrames.TRAILER_LENGTH;
    }

    /** @return the sequence of the last frame sealed (0 before the first). */
    public long sequence() {
        return sequence;
    }
}
