package io.tkv.pd.tso;

/**
 * Where the timestamp oracle keeps the upper limit of the physical time it may hand out. PD's replicated state
 * machine implements it: a save is a Raft proposal, durable once committed and applied.
 *
 * <p>Contract: {@link #loadLimit()} returns at least every limit whose save was confirmed (so the state machine
 * must have applied its whole committed log before a new leader calls it); saved limits only grow (a lower one
 * than the current value is ignored).
 */
public interface TsoStore {
    /** @return the highest durable limit (ms), 0 if none was ever saved. */
    long loadLimit();

    /**
     * Starts saving a new limit. Asynchronous: the caller learns that it is durable through
     * {@link TimestampOracle#onLimitSaved(long)}; it may never learn (a lost proposal, a leader change).
     *
     * @param limitMs the new limit, physical ms.
     */
    void saveLimit(long limitMs);
}
