package io.tkv.client.txn;

/**
 * ALREADY_EXIST: {@link Transaction#insert} met a key that has a value (at the transaction's start ts, or, holding a
 * pessimistic lock on it, now). When {@link Transaction#commit()} throws it, the transaction was rolled back.
 */
public class KeyExistsException extends KeyErrorException {
    private static final long serialVersionUID = 1L;
    private final transient byte[] key;

    /** @param key the user key. */
    public KeyExistsException(final byte[] key) {
        super("key " + Keys.show(key) + " already exists");
        this.key = key;
    }

    /** @return the user key. */
    public byte[] key() {
        return key;
    }
}
