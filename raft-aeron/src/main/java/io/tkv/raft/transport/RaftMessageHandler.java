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
}
