package io.tkv.client.txn;

import java.util.List;

/**
 * A batch get's answer from one region: the values found and the keys whose lock blocked the read.
 *
 * @param pairs  the keys that have a value at the read's ts, in key order.
 * @param locked the locks that blocked the read of the other keys; empty if none.
 */
public record BatchGetResult(List<KeyValue> pairs, List<LockInfo> locked) {
    /** Copies the lists. */
    public BatchGetResult {
        pairs = List.copyOf(pairs);
        locked = List.copyOf(locked);
    }
}
