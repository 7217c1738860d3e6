package io.tkv.storage;

/**
 * A position in one column family of a {@link KvSnapshot}, moving forward or backward within the cursor's bounds.
 * One owner; close it before its snapshot.
 */
public interface KvCursor extends AutoCloseable {
    /** Moves to the first key at or after {@code key} (or to the lower bound if {@code key} is below it). */
    void seek(byte[] key);

    /** Moves to the last key at or before {@code key} (or to the upper bound's predecessor if above it). */
    void seekForPrev(byte[] key);

    /** Moves to the first key within the bounds. */
    void seekToFirst();

    /** Moves to the last key within the bounds. */
    void seekToLast();

    /**
     * @return whether the cursor is on a key; false once it has moved past either bound.
     * @throws StorageException if the underlying read failed.
     */
    boolean valid();

    /** @return the key under the cursor; only while {@link #valid()}. */
    byte[] key();

    /** @return the value under the cursor; only while {@link #valid()}. */
    byte[] value();

    /** Moves to the next key. */
    void next();

    /** Moves to the previous key. */
    void prev();

    @Override
    void close();
}
