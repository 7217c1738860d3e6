package io.tkv.raft.transport;

import io.tkv.raft.core.RaftMessage;

/** Receives the Raft messages that arrived from other stores, on the agent that polls the transport. */
@FunctionalInterface
public interface RaftMessageHandler {
    /**
     * @param fromStoreId the store that sent it (already checked to be of this cluster).
     * @param message     the message, for one of this store's regions or a region it does not know yet.
     */
    void onMessage(long fromStoreId, RaftMessage message);

    /**
     * A frame from another store passed every check (before its messages, if it has any: a store's keep-alive has
     * none). Store-level liveness for hibernating regions; ignored by default.
     *
     * @param fromStoreId the store that sent it.
     */
    default void onFrame(long fromStoreId) {
    }
}
