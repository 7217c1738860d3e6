package io.tkv.codec.auth;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;

import java.nio.ByteOrder;

/**
 * The receiving side of {@link PeerFrames}: checks a frame's tag and that it is newer than everything accepted from
 * its sender on this stream. One per inbound stream and agent; not thread safe. It remembers one (incarnation,
 * sequence) pair per sender it accepted a frame from, so the caller must only ask about senders it knows (the
 * stores of the cluster): that bounds its memory. Allocates nothing per frame once a sender is known.
 */
public final class PeerFrameVerifier {
    /** The tag is right and the frame newer than any before from its sender: accepted and remembered. */
    public static final int OK = 0;
    /** Shorter than a trailer. */
    public static final int TOO_SHORT = 1;
    /** The tag is wrong (forged, damaged, another cluster's key) or this store has no cluster key. */
    public static final int BAD_TAG = 2;
    /** Authentic, but not newer than a frame already accepted from that sender: a replay. */
    public static final int REPLAYED = 3;

    private static final long NONE = -1;

    private final HmacSha256 hmac;
    private final byte[] tag = new byte[HmacSha256.LENGTH];
    private final byte[] received = new byte[PeerFrames.TAG_LENGTH];
    private final Long2LongHashMap incarnations = new Long2LongHashMap(NONE);
    private final Long2LongHashMap sequences = new Long2LongHashMap(NONE);

    /** @param streamKey the stream's key ({@link ClusterKey#streamKey}), or null: nothing verifies. */
    public PeerFrameVerifier(final byte[] streamKey) {
        this.hmac = streamKey == null ? null : new HmacSha256(streamKey);
    }

    /**
     * @param buffer   holding the sealed frame.
     * @param offset   of its message header.
     * @param length   of the sealed frame, trailer included.
     * @param senderId the sending store the frame names (covered by the tag).
     * @return {@link #OK}, {@link #TOO_SHORT}, {@link #BAD_TAG} or {@link #REPLAYED}.
     */
    public int verify(final DirectBuffer buffer, final int offset, final int length, final long senderId) {
        if (length < PeerFrames.TRAILER_LENGTH) {
            return TOO_SHORT;
        }
        if (hmac == null) {
            return BAD_TAG;
        }
        final int trailer = offset + length - PeerFrames.TRAILER_LENGTH;
        final long incarnation = buffer.getLong(trailer + PeerFrames.INCARNATION_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final long sequence = buffer.getLong(trailer + PeerFrames.SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        hmac.update(buffer, offset, length - PeerFrames.TAG_LENGTH);
        hmac.finish(tag, 0);
        buffer.getBytes(trailer + PeerFrames.TAG_OFFSET, received, 0, PeerFrames.TAG_LENGTH);
        if (!HmacSha256.tagsEqual(tag, received, PeerFrames.TAG_LENGTH)) {
            return BAD_TAG;
        }
        final long lastIncarnation = incarnations.get(senderId);
        if (incarnation < lastIncarnation
            || (incarnation == lastIncarnation && sequence <= sequences.get(senderId))) {
            return REPLAYED;
        }
        incarnations.put(senderId, incarnation);
        sequences.put(senderId, sequence);
        return OK;
    }

    /** @return the frame's length without its trailer. */
    public static int payloadLength(final int sealedLength) {
        return sealedLength - PeerFrames.TRAILER_LENGTH;
    }

    /** @return a readable name of a result code. */
    public static String describe(final int result) {
        return switch (result) {
            case OK -> "ok";
            case TOO_SHORT -> "too short for the authentication trailer";
            case BAD_TAG -> "authentication failed (wrong cluster key, forged or damaged)";
            case REPLAYED -> "replayed (not newer than a frame already accepted from that store)";
            default -> "result " + result;
        };
    }
}
