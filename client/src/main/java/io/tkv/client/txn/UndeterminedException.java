package io.tkv.client.txn;

/**
 * The commit's fate is unknown: the request that decides it (the primary's commit in 2PC, a prewrite in async
 * commit or 1PC) failed in transport, so it may or may not have taken effect. The caller must assume neither; the
 * transaction's locks are left for lock resolution, which makes every key agree with the primary. Read the keys
 * later to learn the outcome.
 */
public class UndeterminedException extends TxnKvException {
    private static final long serialVersionUID = 1L;
    private final long startTs;

    /**
     * @param startTs the transaction's start ts.
     * @param message what happened.
     * @param cause   the transport failure.
     */
    public UndeterminedException(final long startTs, final String message, final Throwable cause) {
        super(message, cause);
        this.startTs = startTs;
    }

    /** @return the transaction's start ts. */
    public long startTs() {
        return startTs;
    }
}
