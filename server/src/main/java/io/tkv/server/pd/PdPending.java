package io.tkv.server.pd;

import io.tkv.server.session.ClientSession;

/**
 * The PD requests waiting for Raft (a read point for Tso and IsBootstrapped, a commit for Bootstrap): who to answer
 * and what was asked, in fixed arrays. A token names a slot and the use of it, so a late callback for a slot that was
 * reused since is recognised and ignored. Bounded: when full, a new request is answered SERVER_BUSY. One thread.
 */
final class PdPending {
    /** Tokens below this are the service's own (its limit saves); a slot's token is always above. */
    static final long FIRST_TOKEN = 16;

    private final ClientSession[] sessions;
    private final long[] correlationIds;
    private final long[] tokens;
    private final int[] kinds;
    private final int[] counts;
    private final int[] freeSlots;
    private int freeCount;
    private long uses;

    /** @param capacity requests waiting at once, at most 65,536. */
    PdPending(final int capacity) {
        if (capacity < 1 || capacity > 1 << 16) {
            throw new IllegalArgumentException("capacity " + capacity + " outside [1, 65536]");
        }
        sessions = new ClientSession[capacity];
        correlationIds = new long[capacity];
        tokens = new long[capacity];
        kinds = new int[capacity];
        counts = new int[capacity];
        freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            freeSlots[i] = capacity - 1 - i;
        }
        freeCount = capacity;
    }

    /** @return the request's token, or 0 when the table is full. */
    long add(final ClientSession session, final long correlationId, final int kind, final int count) {
        if (freeCount == 0) {
            return 0;
        }
        final int slot = freeSlots[--freeCount];
        // The use count in the high bits, the slot in the low 16: never below FIRST_TOKEN, since uses start at 1.
        final long token = (++uses << 16) | slot;
        sessions[slot] = session;
        correlationIds[slot] = correlationId;
        tokens[slot] = token;
        kinds[slot] = kind;
        counts[slot] = count;
        return token;
    }

    /** @return the slot the token names while it is still in use, else -1. */
    int slotOf(final long token) {
        if (token < FIRST_TOKEN) {
            return -1;
        }
        final int slot = (int)(token & 0xFFFF);
        return slot < tokens.length && tokens[slot] == token ? slot : -1;
    }

    ClientSession session(final int slot) {
        return sessions[slot];
    }

    long correlationId(final int slot) {
        return correlationIds[slot];
    }

    int kind(final int slot) {
        return kinds[slot];
    }

    int count(final int slot) {
        return counts[slot];
    }

    /** Frees a slot (its token becomes stale). */
    void remove(final int slot) {
        tokens[slot] = 0;
        sessions[slot] = null;
        freeSlots[freeCount++] = slot;
    }

    /** @return requests waiting. */
    int size() {
        return tokens.length - freeCount;
    }
}
