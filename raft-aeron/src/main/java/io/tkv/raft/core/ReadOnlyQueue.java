package io.tkv.raft.core;

import java.util.Arrays;
import java.util.List;

/**
 * The leader's pending ReadIndex requests (Raft thesis §6.4). Each waits for a heartbeat round sent after it was
 * made: once a quorum acknowledged a round at or after the read's, the leader was still leader when the read
 * arrived, and the read may be served at the commit index it recorded. Reads made before the leader committed an
 * entry of its term are deferred until it has (its commit index may lag before that). Growable rings of longs.
 */
final class ReadOnlyQueue {
    private long[] contexts = new long[16];
    private long[] indices = new long[16];
    private long[] rounds = new long[16];
    private int head;
    private int size;
    private long[] deferred = new long[16];
    private int deferredSize;

    boolean isEmpty() {
        return size == 0 && deferredSize == 0;
    }

    /** A read that must wait for a quorum to acknowledge {@code round}, then be served at {@code index}. */
    void add(final long context, final long index, final long round) {
        if (size == contexts.length) {
            grow();
        }
        final int at = (head + size) & (contexts.length - 1);
        contexts[at] = context;
        indices[at] = index;
        rounds[at] = round;
        size++;
    }

    /** A read that waits for the leader's first commit in its term. */
    void defer(final long context) {
        if (deferredSize == deferred.length) {
            deferred = Arrays.copyOf(deferred, deferred.length * 2);
        }
        deferred[deferredSize++] = context;
    }

    boolean hasDeferred() {
        return deferredSize > 0;
    }

    /** Moves the deferred reads to the queue, at {@code index} and {@code round}. */
    void releaseDeferred(final long index, final long round) {
        for (int i = 0; i < deferredSize; i++) {
            add(deferred[i], index, round);
        }
        deferredSize = 0;
    }

    /** Serves, in order, every read whose round a quorum acknowledged. @return how many. */
    int confirm(final long quorumRound, final List<ReadState> out) {
        int served = 0;
        while (size > 0 && rounds[head] <= quorumRound) {
            out.add(new ReadState(contexts[head], indices[head]));
            head = (head + 1) & (contexts.length - 1);
            size--;
            served++;
        }
        return served;
    }

    /** Leadership lost: the reads are dropped (the caller times out and retries elsewhere). */
    void clear() {
        head = 0;
        size = 0;
        deferredSize = 0;
    }

    private void grow() {
        final int capacity = contexts.length * 2;
        final long[] c = new long[capacity];
        final long[] x = new long[capacity];
        final long[] r = new long[capacity];
        for (int i = 0; i < size; i++) {
            final int from = (head + i) & (contexts.length - 1);
            c[i] = contexts[from];
            x[i] = indices[from];
            r[i] = rounds[from];
        }
        contexts = c;
        indices = x;
        rounds = r;
        head = 0;
    }
}
