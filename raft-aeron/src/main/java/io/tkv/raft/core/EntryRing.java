package io.tkv.raft.core;

/** A growable circular array of entries: O(1) append, drop from the front, truncate from the back, random get. */
final class EntryRing {
    private Entry[] buffer = new Entry[16];
    private int head;
    private int size;

    int size() {
        return size;
    }

    Entry get(final int offset) {
        if (offset < 0 || offset >= size) {
            throw new IndexOutOfBoundsException(offset);
        }
        return buffer[(head + offset) & (buffer.length - 1)];
    }

    void add(final Entry entry) {
        if (size == buffer.length) {
            grow();
        }
        buffer[(head + size) & (buffer.length - 1)] = entry;
        size++;
    }

    /** Drops the first {@code count} entries. */
    void removeFirst(final int count) {
        for (int i = 0; i < count; i++) {
            buffer[head] = null;
            head = (head + 1) & (buffer.length - 1);
        }
        size -= count;
    }

    /** Keeps the first {@code newSize} entries only. */
    void truncate(final int newSize) {
        for (int i = newSize; i < size; i++) {
            buffer[(head + i) & (buffer.length - 1)] = null;
        }
        size = newSize;
    }

    void clear() {
        truncate(0);
        head = 0;
    }

    private void grow() {
        final Entry[] bigger = new Entry[buffer.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = buffer[(head + i) & (buffer.length - 1)];
        }
        buffer = bigger;
        head = 0;
    }
}
