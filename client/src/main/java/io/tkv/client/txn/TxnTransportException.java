package io.tkv.client.txn;

/**
 * A transactional request could not be completed: timed out, connection lost, store gone. Whether it took effect on
 * the store is unknown. Transports may fail with other exceptions too; the client treats any failure that is not a
 * {@link KeyErrorException} like this one.
 */
public class TxnTransportException extends TxnKvException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened.
     * @param cause   the underlying failure, may be null.
     */
    public TxnTransportException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
