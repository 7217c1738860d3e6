package io.tkv.storage;

/**
 * The clients of one region ordered by (last seen, client id), oldest first: a binary min-heap, so the next client
 * to expire is found at once and touching a client costs O(log n) without allocating.
 * <p>
 * The order is total and depends only on the persisted fields, so a replica that reloaded its clients from
 * RocksDB expires them in exactly the order a replica that never restarted does. Single owner.
 */
final class ClientExpiryQueue {
    private static final int INITIAL_CAPACITY = 16;

    private DedupClient[] heap = new DedupClient[INITIAL_CAPACITY];
    private int size;

    int size() {
        return size;
    }

    /**
     * @return the client seen longest ago, or null when empty.
     */
    DedupClient peek() {
        return size == 0 ? null : heap[0];
    }

    void add(final DedupClient client) {
        if (size == heap.length) {
            final DedupClient[] grown = new DedupClient[size * 2];
            System.arraycopy(heap, 0, grown, 0, size);
            heap = grown;
        }
        heap[size] = client;
        client.queueIndex = size;
        size++;
        siftUp(client.queueIndex);
    }

    /**
     * Restores the order after the client's last-seen time changed.
     */
    void update(final DedupClient client) {
        siftDown(siftUp(client.queueIndex));
    }

    void remove(final DedupClient client) {
        final int index = client.queueIndex;
        size--;
        final DedupClient last = heap[size];
        heap[size] = null;
        client.queueIndex = -1;
        if (index < size) {
            place(last, index);
            siftDown(siftUp(index));
        }
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].queueIndex = -1;
            heap[i] = null;
        }
        size = 0;
    }

    private int siftUp(final int start) {
        int index = start;
        final DedupClient client = heap[index];
        while (index > 0) {
            final int parent = (index - 1) >>> 1;
            if (!before(client, heap[parent])) {
                break;
            }
            place(heap[parent], index);
            index = parent;
        }
        place(client, index);
        return index;
    }

    private void siftDown(final int start) {
        int index = start;
        final DedupClient client = heap[index];
        while (true) {
            int child = 2 * index + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], client)) {
                break;
            }
            place(heap[child], index);
            index = child;
        }
        place(client, index);
    }

    private void place(final DedupClient client, final int index) {
        heap[index] = client;
        client.queueIndex = index;
    }

    private static boolean before(final DedupClient a, final DedupClient b) {
        return a.lastSeenMs < b.lastSeenMs || a.lastSeenMs == b.lastSeenMs && a.clientId < b.clientId;
    }
}
