package io.tkv.server.raft;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The reads this store accepted and has not handed to the apply agent: whom to answer and the request frame.
 * A read under a valid lease is handed over while {@code MultiRaft.read} runs, straight from the received frame
 * (the "current" read, no copy); only a read that must wait for a ReadIndex round or for the apply point is
 * copied here. Owned by the raft agent.
 */
final class PendingReads {
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
    private long nextId = 1;
    private long currentId;
    private int currentSlot;
    private int currentGeneration;
    private DirectBuffer currentBuffer;
    private int currentOffset;
    private int currentLength;

    /** Starts a read from a frame still in the receive buffer; returns its id. */
    long begin(final int slot, final int generation, final DirectBuffer buffer, final int offset, final int length) {
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
        waiting.remove(id);
    }

    int size() {
        return waiting.size();
    }

    private void clearCurrent() {
        currentId = 0;
        currentBuffer = null;
    }
}
