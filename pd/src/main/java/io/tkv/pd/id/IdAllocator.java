package io.tkv.pd.id;

/**
 * Hands out ids for stores, regions and peers: unique across restarts and PD leader changes, never 0. Ids are
 * reserved ahead in steps (PD: 1000) through an {@link IdStore}; an id is handed out only once the range that holds
 * it is durable, so a new leader that starts after the durable end can never repeat one. Ids reserved and not used
 * by a leader that lost its leadership are skipped, not reused. Deterministic; not thread safe: one owner.
 */
public final class IdAllocator {
    /** Default ids reserved per save. */
    public static final long DEFAULT_STEP = 1000;
    /** Returned by {@link #allocate()} when no durable id is left: retry once the next range is saved. */
    public static final long NONE = 0;

    private final IdStore store;
    private final long step;
    private boolean leader;
    private long next;
    private long durableEnd;
    /** The highest end asked of the store and not yet confirmed, 0 if none. */
    private long pendingEnd;

    /**
     * @param store where the end is persisted.
     * @param step  ids reserved per save, at least 2.
     */
    public IdAllocator(final IdStore store, final long step) {
        if (step < 2) {
            throw new IllegalArgumentException("step " + step + " < 2");
        }
        this.store = store;
        this.step = step;
    }

    /** @param store where the end is persisted; the step is {@link #DEFAULT_STEP}. */
    public IdAllocator(final IdStore store) {
        this(store, DEFAULT_STEP);
    }

    /**
     * Starts allocating as leader: continues after the durable end (ids below it may have been handed out by an
     * earlier leader) and reserves the first range; nothing is handed out until that save is confirmed.
     */
    public void becomeLeader() {
        final long end = store.loadEnd();
        leader = true;
        durableEnd = end;
        next = end + 1;
        pendingEnd = 0;
        requestSave(end + step);
    }

    /** Stops allocating (leadership lost). */
    public void resign() {
        leader = false;
        pendingEnd = 0;
    }

    /**
     * The store confirms an end durable; a late confirmation from an earlier leadership still only raises it.
     *
     * @param end the end that is now durable.
     */
    public void onEndSaved(final long end) {
        if (end > durableEnd) {
            durableEnd = end;
        }
        if (end >= pendingEnd) {
            pendingEnd = 0;
        }
    }

    /**
     * @return a fresh id, or {@link #NONE} when not leader or when the durable range is used up (the next range is
     *     then already asked for).
     */
    public long allocate() {
        if (!leader) {
            return NONE;
        }
        final long id = next <= durableEnd ? next++ : NONE;
        // Renew with less than half a step left, so that a save normally lands before the range runs out.
        final long reach = Math.max(durableEnd, pendingEnd);
        if (reach - next + 1 < step / 2) {
            requestSave(reach + step);
        }
        return id;
    }

    private void requestSave(final long end) {
        pendingEnd = Math.max(pendingEnd, end);
        store.saveEnd(end);
    }

    /** @return the durable end this allocator knows of. */
    public long durableEnd() {
        return durableEnd;
    }

    /** @return whether this allocator believes it leads. */
    public boolean isLeader() {
        return leader;
    }
}
