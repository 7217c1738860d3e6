package io.tkv.client.txn;

/**
 * The store refused a request because of the state of a key (TiKV's {@code KeyError}): the request wrote nothing.
 * Anything a {@link TxnTransport} fails with that is not one of these is a transport failure, after which the
 * request's effect is unknown. This class itself stands for the key errors with no subclass of their own (a
 * pessimistic lock not found, a lock of the wrong kind, ...).
 */
public class KeyErrorException extends TxnKvException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the store's explanation.
     */
    public KeyErrorException(final String message) {
        super(message, null);
    }
}
