package io.tkv.client.txn;

/**
 * Base of what the transactional client throws. Unchecked, as in the rest of the client API. Subclasses say what
 * the caller may assume: {@link KeyErrorException}s are the store's verdicts on keys; {@link TxnAbortedException}
 * means the transaction did not commit; {@link UndeterminedException} means nobody knows yet.
 */
public class TxnKvException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened.
     * @param cause   the underlying failure, may be null.
     */
    public TxnKvException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
