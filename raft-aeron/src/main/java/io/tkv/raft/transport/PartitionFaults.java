package io.tkv.raft.transport;

import java.util.Arrays;

/**
 * {@link TransportFaults} as a set of isolated peer stores: traffic to and from them is dropped, as a network
 * partition would. Another thread (a test, or the store's admin command) replaces the set; the raft agent sees
 * the new set at its next frame. Immutable sets behind a volatile, so the agent never takes a lock.
 */
public final class PartitionFaults implements TransportFaults {
    private volatile long[] isolated = new long[0];
    private volatile boolean dropAll;

    /**
     * Cuts this store off from these stores (both ways), replacing the previous set.
     *
     * @param storeIds the peer stores to isolate from; none heals the partition.
     */
    public void isolateFrom(final long... storeIds) {
        final long[] sorted = storeIds.clone();
        Arrays.sort(sorted);
        isolated = sorted;
    }

    /** @param on true to drop all Raft traffic of this store, both ways (this store is isolated). */
    public void isolateAll(final boolean on) {
        dropAll = on;
    }

    /** Removes every fault. */
    public void heal() {
        dropAll = false;
        isolated = new long[0];
    }

    @Override
    public boolean dropOutbound(final long toStoreId) {
        return dropAll || Arrays.binarySearch(isolated, toStoreId) >= 0;
    }

    @Override
    public boolean dropInbound(final long fromStoreId) {
        return dropAll || Arrays.binarySearch(isolated, fromStoreId) >= 0;
    }

    @Override
    public String toString() {
        return dropAll ? "isolated from all" : "isolated from " + Arrays.toString(isolated);
    }
}
