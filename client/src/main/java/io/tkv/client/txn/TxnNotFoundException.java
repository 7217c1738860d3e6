package io.tkv.client.txn;

/**
 * TXN_NOT_FOUND: the transaction holds no lock on its primary and left no record there (check-txn-status told not
 * to roll it back, or a heartbeat of a transaction that has ended).
 */
public class TxnNotFoundException extends KeyErrorException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the store's explanation.
     */
    public TxnNotFoundException(final String message) {
        super(message);
    }
}
