package io.tkv.txn;

import io.tkv.storage.ColumnFamily;

/**
 * One change an action stages: a put, or a delete when {@code value} is {@code null}.
 *
 * @param family the column family.
 * @param key    the stored key.
 * @param value  the stored value, or {@code null} for a delete.
 */
public record Modify(ColumnFamily family, byte[] key, byte[] value) {
    /** @return whether this is a delete. */
    public boolean isDelete() {
        return value == null;
    }
}
