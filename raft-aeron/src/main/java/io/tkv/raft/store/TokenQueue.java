package io.tkv.raft.store;

import java.util.Arrays;

/**
 * A FIFO of (index, term, token) triples in primitive arrays, growing by doubling: the proposals of a region
 * waiting for their entries to commit (index order), or the reads waiting for the apply point to pass an index.
 * Single-threaded.
 */
final class TokenQueue {
    private long[] indexes;
    private long[] terms;
    private long[] tokens;
    private int head;
    private int size;

    TokenQueue(final int initialCapacity) {
        final int capacity = Math.max(4, Integer.highestOneBit(Math.max(1, initialCapacity - 1)) << 1);
        indexes = new long[capacity];
        terms = new long[capacity];
        tokens = new long[capacity];
    }

    void add(final long index, final long term, final long token) {
        if (size == indexes.length) {
            grow();
        }
        final int at = (head + size) & (indexes.length - 1);
        indexes[at] = index;
        terms[at] = term;
        tokens[at] = token;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    long headIndex() {
        return indexes[head];
    }

    long headTerm() {
        return terms[head];
    }

    long headToken() {
        return tokens[head];
    }

    void removeHead() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        head = (head + 1) & (indexes.length - 1);
        size--;
    }

    long tailIndex() {
        return indexes[(head + size - 1) & (indexes.length - 1)];
    }

    long tailTerm() {
        return terms[(head + size - 1) & (indexes.length - 1)];
    }

    long tailToken() {
        return tokens[(head + size - 1) & (indexes.length - 1)];
    }

    void removeTail() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        size--;
    }

    /**
     * Removes the first element carrying {@code token}, keeping the order of the rest (linear; the element
     * looked for is almost always at the head).
     *
     * @return false if no element carries it.
     */
    boolean remove(final long token) {
        for (int i = 0; i < size; i++) {
            final int at = (head + i) & (indexes.length - 1);
            if (tokens[at] == token) {
                for (int j = i; j > 0; j--) {
                    final int to = (head + j) & (indexes.length - 1);
                    final int from = (head + j - 1) & (indexes.length - 1);
                    indexes[to] = indexes[from];
                    terms[to] = terms[from];
                    tokens[to] = tokens[from];
                }
                head = (head + 1) & (indexes.length - 1);
                size--;
                return true;
            }
        }
        return false;
    }

    private void grow() {
        final int capacity = indexes.length << 1;
        indexes = unwrap(indexes, capacity);
        terms = unwrap(terms, capacity);
        tokens = unwrap(tokens, capacity);
        head = 0;
    }

    private long[] unwrap(final long[] old, final int capacity) {
        final long[] grown = new long[capacity];
        final int firstPart = Math.min(size, old.length - head);
        System.arraycopy(old, head, grown, 0, firstPart);
        System.arraycopy(old, 0, grown, firstPart, size - firstPart);
        return grown;
    }

    @Override
    public String toString() {
        return "TokenQueue{size=" + size + ", capacity=" + indexes.length + ", head=" + (size == 0 ? "-"
            : Arrays.toString(new long[] {indexes[head], terms[head], tokens[head]})) + "}";
    }
}
