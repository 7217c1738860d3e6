package io.tkv.client.txn;

/** A rollback or cleanup met a transaction that is committed already. */
public class AlreadyCommittedException extends KeyErrorException {
    private static final long serialVersionUID = 1L;
    private final long commitTs;

    /**
     * @param message  the store's explanation.
     * @param commitTs the transaction's commit ts.
     */
    public AlreadyCommittedException(final String message, final long commitTs) {
        super(message);
        this.commitTs = commitTs;
    }

    /** @return the transaction's commit ts. */
    public long commitTs() {
        return commitTs;
    }
}
