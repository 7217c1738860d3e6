package io.tkv.storage;

/**
 * A consistent, read-only view of a store's data column families: every read sees the same point in time. The MVCC
 * and transaction logic reads through this interface only, so it is computed from one snapshot and never sees a
 * write that lands while it runs; tests may implement it over anything ordered.
 */
public interface KvSnapshot {
    /**
     * @param family the column family.
     * @param key    the stored key.
     * @return the stored value, or {@code null} if the key is absent.
     */
    byte[] get(ColumnFamily family, byte[] key);

    /**
     * Opens a cursor over {@code [lowerInclusive, upperExclusive)} of a column family; the caller closes it.
     *
     * @param family         the column family.
     * @param lowerInclusive the smallest key the cursor may show, or {@code null} for no lower bound.
     * @param upperExclusive the first key the cursor may not show, or {@code null} for no upper bound.
     * @return an unpositioned cursor: call a seek first.
     */
    KvCursor cursor(ColumnFamily family, byte[] lowerInclusive, byte[] upperExclusive);
}
