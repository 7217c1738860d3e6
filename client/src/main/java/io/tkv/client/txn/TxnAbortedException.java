package io.tkv.client.txn;

/**
 * The transaction did not commit and never will: it failed before its commit point (a prewrite that could not be
 * sent, for example) and was rolled back, or another client rolled it back (its locks had expired). Retry it from
 * the start.
 */
public class TxnAbortedException extends TxnKvException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened.
     * @param cause   the underlying failure, may be null.
     */
    public TxnAbortedException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
