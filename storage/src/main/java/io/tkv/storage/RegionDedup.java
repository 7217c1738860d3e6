package io.tkv.storage;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * The dedup records of one region: its clients by id, the same clients in expiry order and in size order, and the
 * totals the bounds of {@link DedupTable} are checked against. Replies are added and dropped through here so the
 * totals and the size order stay right. Single owner: the {@link DedupTable}'s.
 */
final class RegionDedup {
    final long regionId;
    final Long2ObjectHashMap<DedupClient> clients = new Long2ObjectHashMap<>();
    final ClientExpiryQueue expiryQueue = new ClientExpiryQueue();
    final ClientSizeQueue sizeQueue = new ClientSizeQueue();
    int replyCount;
    /** What the recorded replies are charged in all ({@link DedupClient#chargeOf}). */
    long replyBytes;
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
        sizeQueue.add(client);
        replyCount += client.replyCount();
        replyBytes += client.replyBytes();
    }

    void remove(final DedupClient client) {
        clients.remove(client.clientId);
        expiryQueue.remove(client);
        sizeQueue.remove(client);
        replyCount -= client.replyCount();
        replyBytes -= client.replyBytes();
    }

    void addReply(final DedupClient client, final long requestId, final byte[] reply) {
        final long before = client.replyBytes();
        final int countBefore = client.replyCount();
        client.add(requestId, reply);
        replyCount += client.replyCount() - countBefore;
        replyBytes += client.replyBytes() - before;
        sizeQueue.update(client);
    }

    /** Drops the client's reply with the smallest request id. */
    void removeFirstReply(final DedupClient client) {
        final long before = client.replyBytes();
        client.removeFirst();
        replyCount--;
        replyBytes -= before - client.replyBytes();
        sizeQueue.update(client);
    }
}
