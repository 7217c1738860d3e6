package io.tkv.server.raft;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The reads this store accepted and has not handed to the apply agent: whom to answer and the request frame.
 * A read under a valid lease is handed over while {@code MultiRaft.read} runs, straight from the received frame
 * (the "current" read, no copy); only a read that must wait for a ReadIndex round or for the apply point is
 * copied here. Owned by the raft agent.
 * <p>
 * Bounded, since clients decide how many reads arrive while none can be served (a leader without a lease whose
 * ReadIndex rounds do not complete, an apply agent behind): {@link #begin} refuses a read while
 * {@link #MAX_WAITING_READS} wait or their frames hold {@link #MAX_WAITING_READ_BYTES}, and the caller answers it
 * SERVER_BUSY at once (the client resends after a backoff). The check is made before Raft sees the read, so a refused
 * read leaves nothing behind in the Raft core's read queues either.
 */
final class PendingReads {
    /**
     * The most reads waiting at once: 16,384, sixteen clients' full windows (the client's default maxInFlight is
     * 1,024); a read waits one heartbeat round or until the apply point passes its index, a few milliseconds.
     */
    static final int MAX_WAITING_READS = 16_384;
    /**
     * The most bytes of waiting read frames: 64 MiB. A get is some 60 bytes, but a batch get may be as large as a
     * request may be (hundreds of KiB), so a count alone would not bound the memory.
     */
    static final long MAX_WAITING_READ_BYTES = 64L * 1024 * 1024;

    /** One waiting read. */
    static final class Read {
        final int slot;
        final int generation;
        final byte[] frame;

        Read(final int slot, final int generation, final byte[] frame) {
            this.slot = slot;
            this.generation = generation;
            this.frame = frame;
        }
    }

    private final Long2ObjectHashMap<Read> waiting = new Long2ObjectHashMap<>();
    private long waitingBytes;
    private long nextId = 1;
    private long currentId;
    private int currentSlot;
    private int currentGeneration;
    private DirectBuffer currentBuffer;
    private int currentOffset;
    private int currentLength;

    /**
     * Starts a read from a frame still in the receive buffer.
     *
     * @return its id (nonzero), or 0 if no more reads may wait (the caller answers SERVER_BUSY).
     */
    long begin(final int slot, final int generation, final DirectBuffer buffer, final int offset, final int length) {
        if (waiting.size() >= MAX_WAITING_READS || waitingBytes + length > MAX_WAITING_READ_BYTES) {
            return 0;
        }
        currentId = nextId++;
        currentSlot = slot;
        currentGeneration = generation;
        currentBuffer = buffer;
        currentOffset = offset;
        currentLength = length;
        return currentId;
    }

    /** The read was accepted: if it was not handed over at once, keep a copy of its frame. */
    void accepted() {
        if (currentId != 0) {
            final byte[] frame = new byte[currentLength];
            currentBuffer.getBytes(currentOffset, frame);
            waiting.put(currentId, new Read(currentSlot, currentGeneration, frame));
            waitingBytes += frame.length;
        }
        clearCurrent();
    }

    /** The read was refused at once (the caller answers it). */
    void refused() {
        clearCurrent();
    }

    boolean isCurrent(final long id) {
        return id == currentId;
    }

    int currentSlot() {
        return currentSlot;
    }

    int currentGeneration() {
        return currentGeneration;
    }

    DirectBuffer currentBuffer() {
        return currentBuffer;
    }

    int currentOffset() {
        return currentOffset;
    }

    int currentLength() {
        return currentLength;
    }

    /** The current read was handed over: nothing to keep. */
    void currentHandedOver() {
        currentId = 0;
    }

    /** @return the waiting read, or null. */
    Read get(final long id) {
        return waiting.get(id);
    }

    void remove(final long id) {
        final Read read = waiting.remove(id);
        if (read != null) {
            waitingBytes -= read.frame.length;
        }
    }

    int size() {
        return waiting.size();
    }

    /** @return the bytes of the waiting reads' frames. */
    long bytes() {
        return waitingBytes;
    }

    private void clearCurrent() {
        currentId = 0;
        currentBuffer = null;
    }
}
