package io.tkv.raft.core;

/**
 * A linearizable read may be served once the local state machine has applied {@code index}.
 *
 * @param context the caller's id for the read, as given to {@code readIndex(context)}.
 * @param index   commit index the read must wait for.
 */
public record ReadState(long context, long index) {
}
