package io.tkv.raft.core;

/**
 * The last indices of the APPENDs in flight to one follower, oldest first: the pipelining window of the replicate
 * state. A ring of longs, allocated once per follower.
 */
final class Inflights {
    private final long[] lastIndices;
    private int start;
    private int count;

    Inflights(final int capacity) {
        lastIndices = new long[capacity];
    }

    boolean full() {
        return count == lastIndices.length;
    }

    int count() {
        return count;
    }

    /** Records an APPEND whose last entry is {@code lastIndex}; the caller checked {@link #full()}. */
    void add(final long lastIndex) {
        if (full()) {
            throw new IllegalStateException("inflight window full");
        }
        lastIndices[(start + count) % lastIndices.length] = lastIndex;
        count++;
    }

    /** Frees every APPEND whose last index is at or below {@code index} (acknowledged). */
    void freeTo(final long index) {
        while (count > 0 && lastIndices[start] <= index) {
            start = (start + 1) % lastIndices.length;
            count--;
        }
    }

    /** Frees the oldest APPEND: lets one more out when answers may have been lost. */
    void freeFirst() {
        if (count > 0) {
            start = (start + 1) % lastIndices.length;
            count--;
        }
    }

    void reset() {
        start = 0;
        count = 0;
    }
}
