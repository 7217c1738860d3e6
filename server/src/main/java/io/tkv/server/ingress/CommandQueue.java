package io.tkv.server.ingress;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The hand-over from the ingress agent (later: the raft agent) to the apply agent: a one-to-one ring buffer of
 * validated request frames, each prefixed with the (slot, generation) of the session to answer. Frames are copied
 * once, from the Aeron term into the ring; the apply agent decodes them in place.
 */
public final class CommandQueue {
    /** Bytes before the frame in each record: session slot and generation. */
    public static final int PREFIX_LENGTH = 2 * Integer.BYTES;

    private final RingBuffer ring;

    /** @param capacityBytes a power of two. */
    public CommandQueue(final int capacityBytes) {
        final int length = capacityBytes + RingBufferDescriptor.TRAILER_LENGTH;
        ring = new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(length)));
    }

    /**
     * Offers a frame for the apply agent. Called only by the ingress agent.
     *
     * @return false when the ring is full (the caller answers SERVER_BUSY) or the frame is larger than a record.
     */
    public boolean offer(
        final int templateId, final int slot, final int generation, final DirectBuffer frame, final int offset,
        final int length) {
        if (length + PREFIX_LENGTH > ring.maxMsgLength()) {
            return false;
        }
        final int index = ring.tryClaim(templateId, PREFIX_LENGTH + length);
        if (index <= 0) {
            return false;
        }
        final var buffer = ring.buffer();
        buffer.putInt(index, slot, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(index + Integer.BYTES, generation, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(index + PREFIX_LENGTH, frame, offset, length);
        ring.commit(index);
        return true;
    }

    /**
     * Reads up to {@code limit} records. Called only by the apply agent.
     *
     * @return the number read.
     */
    public int drain(final MessageHandler handler, final int limit) {
        return ring.read(handler, limit);
    }

    /** @return bytes waiting to be applied. */
    public int size() {
        return ring.size();
    }
}
