package io.tkv.raft.store;

import io.tkv.raft.core.RaftMessage;

/**
 * Decides whether a message for a region the store does not serve makes a peer of it there (a membership change added
 * one on this store; the leader's messages are the first the store hears of it). The driver's default makes none.
 */
@FunctionalInterface
public interface PeerFactory {
    /**
     * @param fromStoreId the authenticated store that sent the message.
     * @return whether a peer now serves the region (see {@link MultiRaft#addUninitializedRegion}); the message is then
     *     stepped into it.
     */
    boolean create(long fromStoreId, RaftMessage message);
}
