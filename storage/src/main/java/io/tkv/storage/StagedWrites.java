package io.tkv.storage;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * What an open {@link ApplyBatch} has staged in one column family, so a read of the apply path (a compare-and-swap)
 * sees the writes of earlier entries of the same batch before RocksDB does.
 * <p>
 * Why not RocksDB's {@code WriteBatchWithIndex}: it refuses {@code DeleteRange}, which a raw delete-range entry
 * needs, and its Java reads ({@code getFromBatchAndDB}) take and return fresh arrays on every call. Committing the
 * batch before each read would split one atomic batch into several writes. This index is a copy of each staged
 * key and stored value into one reusable arena plus an open-addressing table of primitive arrays: staging costs a
 * copy and a hash, a read a hash probe, and neither allocates once the arrays have grown to the batch size.
 * <p>
 * A range delete marks the staged keys it covers as deleted and is remembered; a later put of a key in the range
 * creates a fresh entry. So a staged entry is always the latest word on its key, and a key with no entry inside a
 * staged range is deleted. Single owner: the batch's.
 */
final class StagedWrites {
    /** {@link #find}: the batch staged nothing for the key; read RocksDB. */
    static final int NOT_STAGED = -1;
    /** {@link #find}: the batch deleted the key. */
    static final int DELETED = -2;

    private static final int INITIAL_ENTRIES = 64;
    private static final int INITIAL_ARENA_BYTES = 16 * 1024;
    // After an unusually large batch, memory goes back instead of staying pinned by one outlier.
    private static final int MAX_RETAINED_ARENA_BYTES = 4 * 1024 * 1024;
    private static final int MAX_RETAINED_SLOTS = 64 * 1024;
    private static final int INTS_PER_RANGE = 4;

    private ExpandableArrayBuffer arena = new ExpandableArrayBuffer(INITIAL_ARENA_BYTES);
    private int arenaLength;
    private int[] hashes = new int[INITIAL_ENTRIES];
    private int[] keyOffsets = new int[INITIAL_ENTRIES];
    private int[] keyLengths = new int[INITIAL_ENTRIES];
    private int[] valueOffsets = new int[INITIAL_ENTRIES];
    private int[] valueLengths = new int[INITIAL_ENTRIES];
    private int count;
    /** Entry index + 1 per slot, 0 when free; the length is a power of two, at least twice {@link #count}. */
    private int[] slots = new int[INITIAL_ENTRIES * 2];
    /** Per staged range: start offset, start length, end offset, end length, in the arena. */
    private int[] ranges = new int[INTS_PER_RANGE * 4];
    private int rangeCount;
    private int foundOffset;

    /**
     * Stages a put of a stored value (as written to RocksDB, header included).
     */
    void put(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength) {
        final int entry = findOrAdd(key, keyOffset, keyLength);
        valueOffsets[entry] = append(value, valueOffset, valueLength);
        valueLengths[entry] = valueLength;
    }

    void delete(final DirectBuffer key, final int keyOffset, final int keyLength) {
        // Not folded into one statement: Java reads the array field before the call that may replace it.
        final int entry = findOrAdd(key, keyOffset, keyLength);
        valueLengths[entry] = DELETED;
    }

    /**
     * Stages a delete of {@code [start, end)}; both bounds are column-family keys.
     */
    void deleteRange(
        final DirectBuffer start, final int startOffset, final int startLength,
        final DirectBuffer end, final int endOffset, final int endLength) {
        for (int entry = 0; entry < count; entry++) {
            if (inRange(arena, keyOffsets[entry], keyLengths[entry],
                start, startOffset, startLength, end, endOffset, endLength)) {
                valueLengths[entry] = DELETED;
            }
        }
        if ((rangeCount + 1) * INTS_PER_RANGE > ranges.length) {
            ranges = Arrays.copyOf(ranges, ranges.length * 2);
        }
        final int base = rangeCount * INTS_PER_RANGE;
        ranges[base] = append(start, startOffset, startLength);
        ranges[base + 1] = startLength;
        ranges[base + 2] = append(end, endOffset, endLength);
        ranges[base + 3] = endLength;
        rangeCount++;
    }

    /**
     * Looks a key up in what is staged.
     *
     * @return the stored value's length (the value is at {@link #foundOffset()} in {@link #buffer()}),
     *         {@link #DELETED}, or {@link #NOT_STAGED}.
     */
    int find(final DirectBuffer key, final int keyOffset, final int keyLength) {
        final int entry = lookup(hash(key, keyOffset, keyLength), key, keyOffset, keyLength);
        if (entry >= 0) {
            foundOffset = valueOffsets[entry];
            return valueLengths[entry];
        }
        for (int i = 0; i < rangeCount; i++) {
            final int base = i * INTS_PER_RANGE;
            if (inRange(key, keyOffset, keyLength,
                arena, ranges[base], ranges[base + 1], arena, ranges[base + 2], ranges[base + 3])) {
                return DELETED;
            }
        }
        return NOT_STAGED;
    }

    /**
     * @return the arena holding the value found by the last {@link #find}; valid until the next put.
     */
    DirectBuffer buffer() {
        return arena;
    }

    /**
     * @return offset of the value found by the last {@link #find}.
     */
    int foundOffset() {
        return foundOffset;
    }

    /**
     * @return the number of distinct keys staged.
     */
    int size() {
        return count;
    }

    void clear() {
        if (arena.capacity() > MAX_RETAINED_ARENA_BYTES) {
            arena = new ExpandableArrayBuffer(INITIAL_ARENA_BYTES);
        }
        if (slots.length > MAX_RETAINED_SLOTS) {
            slots = new int[INITIAL_ENTRIES * 2];
        } else if (count > 0) {
            Arrays.fill(slots, 0);
        }
        arenaLength = 0;
        count = 0;
        rangeCount = 0;
    }

    private int findOrAdd(final DirectBuffer key, final int keyOffset, final int keyLength) {
        final int hash = hash(key, keyOffset, keyLength);
        final int existing = lookup(hash, key, keyOffset, keyLength);
        if (existing >= 0) {
            return existing;
        }
        if (count == hashes.length) {
            growEntries();
        }
        if ((count + 1) * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        final int entry = count++;
        hashes[entry] = hash;
        keyOffsets[entry] = append(key, keyOffset, keyLength);
        keyLengths[entry] = keyLength;
        insertSlot(hash, entry);
        return entry;
    }

    private int lookup(final int hash, final DirectBuffer key, final int keyOffset, final int keyLength) {
        final int mask = slots.length - 1;
        for (int slot = hash & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
            final int entry = slots[slot] - 1;
            if (hashes[entry] == hash &&
                Bytes.equals(arena, keyOffsets[entry], keyLengths[entry], key, keyOffset, keyLength)) {
                return entry;
            }
        }
        return -1;
    }

    private void insertSlot(final int hash, final int entry) {
        final int mask = slots.length - 1;
        int slot = hash & mask;
        while (slots[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        slots[slot] = entry + 1;
    }

    private void rehash(final int capacity) {
        slots = new int[capacity];
        for (int entry = 0; entry < count; entry++) {
            insertSlot(hashes[entry], entry);
        }
    }

    private void growEntries() {
        final int capacity = hashes.length * 2;
        hashes = Arrays.copyOf(hashes, capacity);
        keyOffsets = Arrays.copyOf(keyOffsets, capacity);
        keyLengths = Arrays.copyOf(keyLengths, capacity);
        valueOffsets = Arrays.copyOf(valueOffsets, capacity);
        valueLengths = Arrays.copyOf(valueLengths, capacity);
    }

    private int append(final DirectBuffer source, final int offset, final int length) {
        final int at = arenaLength;
        arena.putBytes(at, source, offset, length);
        arenaLength += length;
        return at;
    }

    private static boolean inRange(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer start, final int startOffset, final int startLength,
        final DirectBuffer end, final int endOffset, final int endLength) {
        return Bytes.compare(key, keyOffset, keyLength, start, startOffset, startLength) >= 0 &&
            Bytes.compare(key, keyOffset, keyLength, end, endOffset, endLength) < 0;
    }

    /** FNV-1a, then the high bits folded in, since the table indexes by the low bits. */
    private static int hash(final DirectBuffer key, final int offset, final int length) {
        int hash = 0x811C9DC5;
        for (int i = 0; i < length; i++) {
            hash = (hash ^ (key.getByte(offset + i) & 0xFF)) * 0x01000193;
        }
        return hash ^ (hash >>> 16);
    }
}
