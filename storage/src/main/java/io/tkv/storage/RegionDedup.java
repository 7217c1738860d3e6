package io.tkv.storage;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * The dedup records of one region: its clients by id, and the same clients in expiry order. Single owner: the
 * {@link DedupTable}'s.
 */
final class RegionDedup {
    final long regionId;
    final Long2ObjectHashMap<DedupClient> clients = new Long2ObjectHashMap<>();
    final ClientExpiryQueue expiryQueue = new ClientExpiryQueue();
    int replyCount;
    /** Moves whenever memory changes, so a batch knows whether its abort must reload from RocksDB. */
    long changes;
    /** Whether an {@link ApplyBatch} of the region is open: two at once would interleave their records. */
    boolean batchOpen;

    RegionDedup(final long regionId) {
        this.regionId = regionId;
    }

    void add(final DedupClient client) {
        clients.put(client.clientId, client);
        expiryQueue.add(client);
    }

    void remove(final DedupClient client) {
        clients.remove(client.clientId);
        expiryQueue.remove(client);
        replyCount -= client.replyCount();
    }
}
