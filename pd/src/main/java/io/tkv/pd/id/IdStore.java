package io.tkv.pd.id;

/**
 * Where the id allocator keeps the end of the id range it may hand out. PD's replicated state machine implements
 * it (a save is a Raft proposal, durable once applied).
 *
 * <p>Contract: {@link #loadEnd()} returns at least every end whose save was confirmed; saved ends only grow.
 */
public interface IdStore {
    /** @return the highest durable end (the last id that may be handed out), 0 if none was ever saved. */
    long loadEnd();

    /**
     * Starts saving a new end. Asynchronous: the allocator learns that it is durable through
     * {@link IdAllocator#onEndSaved(long)}, or never.
     *
     * @param end the new end.
     */
    void saveEnd(long end);
}
