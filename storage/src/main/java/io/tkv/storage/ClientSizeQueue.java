package io.tkv.storage;

/**
 * The clients of one region ordered by the bytes their recorded replies take (most first, then the smaller client
 * id): whose replies go first when the region's replies outgrow their budget ({@link DedupTable}), so the client
 * that holds the most pays for it, not the others.
 */
final class ClientSizeQueue extends ClientHeap {
    @Override
    boolean before(final DedupClient a, final DedupClient b) {
        return a.replyBytes() > b.replyBytes() || a.replyBytes() == b.replyBytes() && a.clientId < b.clientId;
    }

    @Override
    int indexOf(final DedupClient client) {
        return client.sizeIndex;
    }

    @Override
    void setIndex(final DedupClient client, final int index) {
        client.sizeIndex = index;
    }
}
