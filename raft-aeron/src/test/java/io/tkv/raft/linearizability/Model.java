package io.tkv.raft.linearizability;

/**
 * A sequential specification: what one operation does to a state and which outputs it may give.
 *
 * @param <S> state; immutable, with equals and hashCode (the checker memoizes on it).
 * @param <I> operation input.
 * @param <O> operation output.
 */
public interface Model<S, I, O> {
    /** @return the state before any operation. */
    S initialState();

    /**
     * @param state  the state before the operation.
     * @param input  what was asked.
     * @param output what was observed, or null if unknown (the operation timed out: any output is fine).
     * @return the state after the operation, or null if {@code output} is impossible in {@code state}.
     */
    S step(S state, I input, O output);
}
