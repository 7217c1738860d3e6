package io.tkv.raft.transport;

/**
 * A fault hook in the transport, for tests and fault drills: which stores this store cannot reach or hear
 * right now. Read by the raft agent on every frame, set from any thread.
 */
public interface TransportFaults {
    /** No faults. */
    TransportFaults NONE = new TransportFaults() {
        @Override
        public boolean dropOutbound(final long toStoreId) {
            return false;
        }

        @Override
        public boolean dropInbound(final long fromStoreId) {
            return false;
        }
    };

    /** @return true to drop everything this store sends to {@code toStoreId}. */
    boolean dropOutbound(long toStoreId);

    /** @return true to drop everything that arrives from {@code fromStoreId}. */
    boolean dropInbound(long fromStoreId);
}
