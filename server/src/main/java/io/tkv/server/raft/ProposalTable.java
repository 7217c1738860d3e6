package io.tkv.server.raft;

/**
 * The client requests this store proposed and has not answered yet, by proposal id: whom to answer (session slot
 * and generation) and what (correlation id and request template, for an error reply when the proposal is
 * dropped). Ids are a sequence; a record lives at {@code id & mask}, so the table holds at most its capacity of
 * proposals at once and {@link #add} refuses more (the store answers SERVER_BUSY). Primitive arrays, no
 * allocation. Owned by the raft agent.
 */
final class ProposalTable {
    private final long[] ids;
    private final int[] slots;
    private final int[] generations;
    private final long[] correlationIds;
    private final int[] templateIds;
    private final int mask;
    private long nextId = 1;
    private int size;

    /** @param capacity a power of two. */
    ProposalTable(final int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        ids = new long[capacity];
        slots = new int[capacity];
        generations = new int[capacity];
        correlationIds = new long[capacity];
        templateIds = new int[capacity];
        mask = capacity - 1;
    }

    /** @return the new proposal's id (nonzero), or 0 if the table is full at that place. */
    long add(final int slot, final int generation, final long correlationId, final int templateId) {
        final long id = nextId;
        final int at = (int)(id & mask);
        if (ids[at] != 0) {
            return 0;
        }
        nextId++;
        ids[at] = id;
        slots[at] = slot;
        generations[at] = generation;
        correlationIds[at] = correlationId;
        templateIds[at] = templateId;
        size++;
        return id;
    }

    /** @return whether the proposal is still waiting. */
    boolean contains(final long id) {
        return id != 0 && ids[(int)(id & mask)] == id;
    }

    int slot(final long id) {
        return slots[(int)(id & mask)];
    }

    int generation(final long id) {
        return generations[(int)(id & mask)];
    }

    long correlationId(final long id) {
        return correlationIds[(int)(id & mask)];
    }

    int templateId(final long id) {
        return templateIds[(int)(id & mask)];
    }

    /** Forgets an answered or dropped proposal. */
    void remove(final long id) {
        final int at = (int)(id & mask);
        if (ids[at] == id) {
            ids[at] = 0;
            size--;
        }
    }

    int size() {
        return size;
    }
}
