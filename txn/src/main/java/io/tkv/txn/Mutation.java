package io.tkv.txn;

/**
 * One key a prewrite writes.
 *
 * @param op    what to do.
 * @param key   the user key.
 * @param value the value of a PUT, else {@code null}.
 */
public record Mutation(Op op, byte[] key, byte[] value) {
    /** The kinds of mutation. */
    public enum Op {
        /** Write a value. */
        PUT,
        /** Delete the key. */
        DELETE,
        /** Lock the key without changing it (read-write conflict detection). */
        LOCK
    }

    /** @return a PUT. */
    public static Mutation put(final byte[] key, final byte[] value) {
        return new Mutation(Op.PUT, key, value);
    }

    /** @return a DELETE. */
    public static Mutation delete(final byte[] key) {
        return new Mutation(Op.DELETE, key, null);
    }

    /** @return a LOCK. */
    public static Mutation lock(final byte[] key) {
        return new Mutation(Op.LOCK, key, null);
    }

    LockType lockType() {
        return switch (op) {
            case PUT -> LockType.PUT;
            case DELETE -> LockType.DELETE;
            case LOCK -> LockType.LOCK;
        };
    }
}
