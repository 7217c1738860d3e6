package io.tkv.raft.transport;

import io.tkv.raft.core.RaftMessage;

/**
 * Told about every message the transport gave up on (peer store not connected, its queue full, the frame
 * refused), so the Raft driver can report the peer unreachable and the core probes it again later instead of
 * waiting for an answer that cannot come. Messages dropped by a {@link TransportFaults} hook are not reported:
 * a real partition says nothing either.
 */
@FunctionalInterface
public interface DropListener {
    /**
     * @param toStoreId the store it was for.
     * @param message   the message not sent.
     */
    void onDropped(long toStoreId, RaftMessage message);
}
