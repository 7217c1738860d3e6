package io.tkv.client;

import io.tkv.codec.RawBatchDeleteResponseDecoder;
import io.tkv.codec.RawBatchGetResponseDecoder;
import io.tkv.codec.RawBatchPutResponseDecoder;
import io.tkv.codec.RawCompareAndSwapResponseDecoder;
import io.tkv.codec.RawDeleteRangeResponseDecoder;
import io.tkv.codec.RawDeleteResponseDecoder;
import io.tkv.codec.RawGetResponseDecoder;
import io.tkv.codec.RawPutResponseDecoder;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * RawKV requests for a client pinned to one region ({@link ClientConfig#region(long, long, long)}): every request
 * names that region and epoch, whatever its keys, and goes to the store the client follows; nothing is split, and a
 * region refusal fails the request. Arguments are checked by the caller.
 */
final class PinnedRawKv implements RawKvRequests {
    private final RequestSubmitter requests;
    private final RegionEpoch region;
    private final long clientId;

    PinnedRawKv(final RequestSubmitter requests, final RegionEpoch region, final long clientId) {
        this.requests = requests;
        this.region = region;
        this.clientId = clientId;
    }

    @Override
    public CompletableFuture<byte[]> get(final byte[] key) {
        return requests.submit("get", RawGetResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().get(id, region, key));
    }

    @Override
    public CompletableFuture<List<KvPair>> batchGet(final List<byte[]> keys) {
        return requests.submit("batchGet", RawBatchGetResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().batchGet(id, region, keys));
    }

    @Override
    public CompletableFuture<Void> put(final byte[] key, final byte[] value, final long ttlSeconds) {
        return requests.submit("put", RawPutResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().put(id, clientId, region, key, value, ttlSeconds));
    }

    @Override
    public CompletableFuture<Void> batchPut(final List<KvPair> pairs, final long ttlSeconds) {
        return requests.submit("batchPut", RawBatchPutResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().batchPut(id, clientId, region, pairs, ttlSeconds));
    }

    @Override
    public CompletableFuture<Void> delete(final byte[] key) {
        return requests.submit("delete", RawDeleteResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().delete(id, clientId, region, key));
    }

    @Override
    public CompletableFuture<Void> batchDelete(final List<byte[]> keys) {
        return requests.submit("batchDelete", RawBatchDeleteResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().batchDelete(id, clientId, region, keys));
    }

    @Override
    public CompletableFuture<Void> deleteRange(final byte[] start, final byte[] end) {
        return requests.submit("deleteRange", RawDeleteRangeResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().deleteRange(id, clientId, region, start, end));
    }

    @Override
    public CompletableFuture<List<KvPair>> scan(final byte[] start, final byte[] end, final int limit,
        final boolean reverse, final boolean keyOnly) {
        return requests.scan((from, to, pageLimit, rev, keys) ->
            IngressEncoder.current().scan(0, region, from, to, pageLimit, rev, keys), start, end, limit, reverse,
            keyOnly);
    }

    @Override
    public CompletableFuture<CasResult> compareAndSwap(final byte[] key, final byte[] expected, final byte[] newValue,
        final long ttlSeconds) {
        return requests.submit("compareAndSwap", RawCompareAndSwapResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().compareAndSwap(id, clientId, region, key, expected, newValue,
                ttlSeconds));
    }
}
