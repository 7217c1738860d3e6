package io.tkv.raft.linearizability;

/**
 * One completed or possibly-completed operation of a client history.
 *
 * @param client   who ran it (for messages only).
 * @param input    what was asked.
 * @param output   what was observed, or null if the outcome is unknown.
 * @param call     time of the invocation.
 * @param complete time of the response, or {@link #NEVER} if none came (the operation may take effect at any time
 *                 after {@code call}, or not at all).
 * @param <I>      input type.
 * @param <O>      output type.
 */
public record Operation<I, O>(int client, I input, O output, long call, long complete) {
    /** Completion time of an operation whose outcome is unknown. */
    public static final long NEVER = Long.MAX_VALUE;

    public Operation {
        if (complete < call) {
            throw new IllegalArgumentException("completes before it is called: " + call + " > " + complete);
        }
        if (complete == NEVER && output != null) {
            throw new IllegalArgumentException("an operation that never completed has no output");
        }
    }

    /** @return an operation with unknown outcome. */
    public static <I, O> Operation<I, O> pending(final int client, final I input, final long call) {
        return new Operation<>(client, input, null, call, NEVER);
    }
}
