package io.tkv.storage;

/**
 * The clients of one region ordered by (last seen, client id), oldest first: the next client to forget, by the TTL
 * or to make room for a new client ({@link DedupTable}).
 */
final class ClientExpiryQueue extends ClientHeap {
    @Override
    boolean before(final DedupClient a, final DedupClient b) {
        return a.lastSeenMs < b.lastSeenMs || a.lastSeenMs == b.lastSeenMs && a.clientId < b.clientId;
    }

    @Override
    int indexOf(final DedupClient client) {
        return client.queueIndex;
    }

    @Override
    void setIndex(final DedupClient client, final int index) {
        client.queueIndex = index;
    }
}
