package io.tkv.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How {@link RawKvClient} turns an operation into requests, once its arguments are checked: routed by key
 * ({@link RoutedRawKv}, the default) or all to one pinned region ({@link PinnedRawKv}).
 */
interface RawKvRequests {
    /** @return the value, or null if absent. */
    CompletableFuture<byte[]> get(byte[] key);

    /** @return the pairs found, in request order. */
    CompletableFuture<List<KvPair>> batchGet(List<byte[]> keys);

    /** @return completes when the write applied. */
    CompletableFuture<Void> put(byte[] key, byte[] value, long ttlSeconds);

    /** @return completes when every part applied. */
    CompletableFuture<Void> batchPut(List<KvPair> pairs, long ttlSeconds);

    /** @return completes when the delete applied. */
    CompletableFuture<Void> delete(byte[] key);

    /** @return completes when every part applied. */
    CompletableFuture<Void> batchDelete(List<byte[]> keys);

    /** @return completes when the range is deleted; empty bounds for none. */
    CompletableFuture<Void> deleteRange(byte[] start, byte[] end);

    /** @return up to {@code limit} pairs in scan order; empty bounds for none. */
    CompletableFuture<List<KvPair>> scan(byte[] start, byte[] end, int limit, boolean reverse,
        boolean keyOnly);

    /** @return whether it swapped, and the value before. */
    CompletableFuture<CasResult> compareAndSwap(byte[] key, byte[] expected, byte[] newValue,
        long ttlSeconds);
}
