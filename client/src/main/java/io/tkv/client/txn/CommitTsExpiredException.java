package io.tkv.client.txn;

/** A commit asked for a commit ts below the lock's min commit ts (a reader pushed it): retry above it. */
public class CommitTsExpiredException extends KeyErrorException {
    private static final long serialVersionUID = 1L;
    private final long minCommitTs;

    /**
     * @param message     the store's explanation.
     * @param minCommitTs the lock's min commit ts.
     */
    public CommitTsExpiredException(final String message, final long minCommitTs) {
        super(message);
        this.minCommitTs = minCommitTs;
    }

    /** @return the lock's min commit ts. */
    public long minCommitTs() {
        return minCommitTs;
    }
}
