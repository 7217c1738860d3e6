package io.tkv.txn;

/**
 * One key a prewrite writes.
 *
 * @param op    what to do.
 * @param key   the user key.
 * @param value the value of a PUT or INSERT, else {@code null}.
 */
public record Mutation(Op op, byte[] key, byte[] value) {
    /** The kinds of mutation. */
    public enum Op {
        /** Write a value. */
        PUT,
        /** Delete the key. */
        DELETE,
        /** Lock the key without changing it (read-write conflict detection). */
        LOCK,
        /** Write a value, refused with ALREADY_EXIST if the key has a value (SQL's INSERT). */
        INSERT,
        /** Only check that the key has no value (ALREADY_EXIST if it has); no lock, nothing written. */
        CHECK_NOT_EXISTS
    }

    /** @return a PUT. */
    public static Mutation put(final byte[] key, final byte[] value) {
        return new Mutation(Op.PUT, key, value);
    }

    /** @return a DELETE. */
    public static Mutation delete(final byte[] key) {
        return new Mutation(Op.DELETE, key, null);
    }

    /** @return an INSERT. */
    public static Mutation insert(final byte[] key, final byte[] value) {
        return new Mutation(Op.INSERT, key, value);
    }

    /** @return a CHECK_NOT_EXISTS. */
    public static Mutation checkNotExists(final byte[] key) {
        return new Mutation(Op.CHECK_NOT_EXISTS, key, null);
    }

    /** @return whether the prewrite must refuse a key that has a value. */
    boolean shouldNotExist() {
        return op == Op.INSERT || op == Op.CHECK_NOT_EXISTS;
    }

    /** @return whether the mutation stages a value (a lock of type PUT). */
    boolean writesValue() {
        return op == Op.PUT || op == Op.INSERT;
    }

    /** @return a LOCK. */
    public static Mutation lock(final byte[] key) {
        return new Mutation(Op.LOCK, key, null);
    }

    LockType lockType() {
        return switch (op) {
            case PUT, INSERT -> LockType.PUT;
            case DELETE -> LockType.DELETE;
            case LOCK -> LockType.LOCK;
            case CHECK_NOT_EXISTS -> throw new IllegalStateException("CHECK_NOT_EXISTS writes no lock");
        };
    }
}
