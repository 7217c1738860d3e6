package io.tkv.storage;

/**
 * A binary heap of one region's dedup clients under a total order that depends only on their persisted records, so a
 * replica that reloaded its clients from RocksDB finds the same client at the top as a replica that never restarted.
 * The top is found at once; adding, removing or re-ordering a client costs O(log n) without allocating. Each client
 * remembers its position in each heap it is in (a subclass says which field). Single owner: the region's.
 */
abstract class ClientHeap {
    private static final int INITIAL_CAPACITY = 16;

    private DedupClient[] heap = new DedupClient[INITIAL_CAPACITY];
    private int size;

    /** @return whether {@code a} comes before {@code b}; never true both ways, and false only for a == b both ways. */
    abstract boolean before(DedupClient a, DedupClient b);

    /** @return the client's position in this heap, -1 when not in it. */
    abstract int indexOf(DedupClient client);

    abstract void setIndex(DedupClient client, int index);

    final int size() {
        return size;
    }

    /**
     * @return the first client by the heap's order, or null when empty.
     */
    final DedupClient peek() {
        return size == 0 ? null : heap[0];
    }

    final void add(final DedupClient client) {
        if (size == heap.length) {
            final DedupClient[] grown = new DedupClient[size * 2];
            System.arraycopy(heap, 0, grown, 0, size);
            heap = grown;
        }
        heap[size] = client;
        setIndex(client, size);
        size++;
        siftUp(size - 1);
    }

    /**
     * Restores the order after a field the order depends on changed.
     */
    final void update(final DedupClient client) {
        siftDown(siftUp(indexOf(client)));
    }

    final void remove(final DedupClient client) {
        final int index = indexOf(client);
        size--;
        final DedupClient last = heap[size];
        heap[size] = null;
        setIndex(client, -1);
        if (index < size) {
            place(last, index);
            siftDown(siftUp(index));
        }
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
        setIndex(client, index);
    }
}
