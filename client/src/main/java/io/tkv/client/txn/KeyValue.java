package io.tkv.client.txn;

/**
 * A key and its value, as a transactional read returns them.
 *
 * @param key   the user key.
 * @param value its value.
 */
public record KeyValue(byte[] key, byte[] value) {
    @Override
    public String toString() {
        return Keys.show(key) + "=" + (value == null ? "null" : value.length + "B");
    }
}
