package io.tkv.client.txn;

/** A commit found neither its transaction's lock nor its commit record: the transaction was rolled back. */
public class TxnLockNotFoundException extends KeyErrorException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the store's explanation.
     */
    public TxnLockNotFoundException(final String message) {
        super(message);
    }
}
