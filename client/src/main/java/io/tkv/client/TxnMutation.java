package io.tkv.client;

/**
 * One key a prewrite writes ({@link TxnRpc#prewrite}).
 *
 * @param op                what to do with the key.
 * @param key               the user key.
 * @param value             the value of a PUT (else ignored; empty is fine).
 * @param isPessimisticLock in a pessimistic transaction, whether the key holds the transaction's pessimistic lock.
 */
public record TxnMutation(Op op, byte[] key, byte[] value, boolean isPessimisticLock) {
    /** What a prewrite does to a key. */
    public enum Op {
        /** Write the value. */
        PUT,
        /** Delete the key. */
        DELETE,
        /** Lock the key, changing nothing (read-write conflict detection). */
        LOCK,
        /** Write the value if the key has none (ALREADY_EXIST otherwise). */
        INSERT
    }

    /** @return an optimistic PUT. */
    public static TxnMutation put(final byte[] key, final byte[] value) {
        return new TxnMutation(Op.PUT, key, value, false);
    }

    /** @return an optimistic DELETE. */
    public static TxnMutation delete(final byte[] key) {
        return new TxnMutation(Op.DELETE, key, new byte[0], false);
    }

    /** @return an optimistic LOCK. */
    public static TxnMutation lock(final byte[] key) {
        return new TxnMutation(Op.LOCK, key, new byte[0], false);
    }
}
