package io.tkv.client.txn;

/**
 * One key a transaction writes at commit.
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
        /** Lock the key without changing it: its read is checked for conflicts at commit. */
        LOCK,
        /** Write a value if the key has none: the prewrite fails with {@link KeyExistsException} otherwise. */
        INSERT
    }

    @Override
    public String toString() {
        return op + " " + Keys.show(key);
    }
}
