package io.tkv.client.txn;

/**
 * WRITE_CONFLICT: another transaction committed the key after this one's start (or for-update) ts. When
 * {@link Transaction#commit()} throws it, the transaction was rolled back: retry it from the start.
 */
public class WriteConflictException extends KeyErrorException {
    private static final long serialVersionUID = 1L;
    private final transient byte[] key;
    private final long startTs;
    private final long conflictStartTs;
    private final long conflictCommitTs;

    /**
     * @param key              the user key.
     * @param startTs          this transaction's start ts.
     * @param conflictStartTs  the start ts of the conflicting write.
     * @param conflictCommitTs its commit ts.
     */
    public WriteConflictException(
        final byte[] key, final long startTs, final long conflictStartTs, final long conflictCommitTs) {
        super("write conflict on " + Keys.show(key) + ": txn " + startTs + " meets txn " + conflictStartTs +
            " committed at " + conflictCommitTs);
        this.key = key;
        this.startTs = startTs;
        this.conflictStartTs = conflictStartTs;
        this.conflictCommitTs = conflictCommitTs;
    }

    /** @return the user key. */
    public byte[] key() {
        return key;
    }

    /** @return this transaction's start ts. */
    public long startTs() {
        return startTs;
    }

    /** @return the start ts of the conflicting write. */
    public long conflictStartTs() {
        return conflictStartTs;
    }

    /** @return the commit ts of the conflicting write. */
    public long conflictCommitTs() {
        return conflictCommitTs;
    }
}
