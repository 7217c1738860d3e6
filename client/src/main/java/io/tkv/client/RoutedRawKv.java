package io.tkv.client;

import io.tkv.codec.RawBatchDeleteResponseDecoder;
import io.tkv.codec.RawBatchGetResponseDecoder;
import io.tkv.codec.RawBatchPutResponseDecoder;
import io.tkv.codec.RawCompareAndSwapResponseDecoder;
import io.tkv.codec.RawDeleteResponseDecoder;
import io.tkv.codec.RawGetResponseDecoder;
import io.tkv.codec.RawPutResponseDecoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * RawKV requests routed by key, behind {@link RawKvClient} when no region is pinned: each key's request names the
 * region the {@link RegionCache} holds it in (a lookup that allocates nothing on a hit; a miss locates the region
 * first) and goes to that region's leader; batches are split by region ({@link RegionBatches}), scans and
 * delete-range walk the regions ({@link RegionScan}, {@link RegionDeleteRange}). Arguments are checked by the caller.
 */
final class RoutedRawKv implements RawKvRequests {
    private static final byte[] EMPTY = new byte[0];

    private final RequestSubmitter requests;
    private final RegionCache cache;
    private final KeyLocator locator;
    private final RegionBatches batches;
    private final long clientId;

    /**
     * @param guessFoundingRegion whether to start with the founding region as a guess (routing by the stores); with
     *                            PD the first request of a range asks PD instead.
     */
    RoutedRawKv(final RequestSubmitter requests, final RegionCache cache, final RegionSource source,
        final long clientId, final boolean guessFoundingRegion) {
        this.requests = requests;
        this.cache = cache;
        this.locator = new KeyLocator(cache, source);
        this.batches = new RegionBatches(locator);
        this.clientId = clientId;
        if (guessFoundingRegion) {
            // The founding region as a first guess: right for a cluster that never split, and refused with the
            // current regions (EPOCH_NOT_MATCH) by one that did, which corrects the cache at one round trip's cost.
            cache.put(new RegionInfo(1, EMPTY, EMPTY, 1, 1, 0, List.of()));
        }
    }

    @Override
    public CompletableFuture<byte[]> get(final byte[] key) {
        final CachedRegion cached = cache.findRaw(key);
        if (cached != null) {
            return getIn(cached, key, 0);
        }
        final long deadlineNs = deadline();
        return locator.locate(key).thenCompose(found -> getIn(found, key, deadlineNs));
    }

    @Override
    public CompletableFuture<List<KvPair>> batchGet(final List<byte[]> keys) {
        final KvPair[] found = new KvPair[keys.size()];
        return batches.run(keys, (in, part, first, last, deadlineNs) -> {
            final List<byte[]> partKeys = select(keys, part);
            return requests.<List<KvPair>>submitRouted("batchGet", RawBatchGetResponseDecoder.TEMPLATE_ID,
                id -> IngressEncoder.current().batchGet(id, in.epoch(), partKeys), in, first, last, false, deadlineNs)
                .thenAccept(pairs -> placeFound(partKeys, part, pairs, found));
        }, deadline()).thenApply(done -> inOrder(found));
    }

    @Override
    public CompletableFuture<Void> put(final byte[] key, final byte[] value, final long ttlSeconds) {
        final CachedRegion cached = cache.findRaw(key);
        if (cached != null) {
            return putIn(cached, key, value, ttlSeconds, 0);
        }
        final long deadlineNs = deadline();
        return locator.locate(key).thenCompose(found -> putIn(found, key, value, ttlSeconds, deadlineNs));
    }

    @Override
    public CompletableFuture<Void> batchPut(final List<KvPair> pairs, final long ttlSeconds) {
        final List<byte[]> keys = pairs.stream().map(KvPair::keyRef).toList();
        return batches.run(keys, (in, part, first, last, deadlineNs) -> {
            final List<KvPair> partPairs = select(pairs, part);
            return requests.submitRouted("batchPut", RawBatchPutResponseDecoder.TEMPLATE_ID,
                id -> IngressEncoder.current().batchPut(id, clientId, in.epoch(), partPairs, ttlSeconds), in, first,
                last, false, deadlineNs);
        }, deadline());
    }

    @Override
    public CompletableFuture<Void> delete(final byte[] key) {
        final CachedRegion cached = cache.findRaw(key);
        if (cached != null) {
            return deleteIn(cached, key, 0);
        }
        final long deadlineNs = deadline();
        return locator.locate(key).thenCompose(found -> deleteIn(found, key, deadlineNs));
    }

    @Override
    public CompletableFuture<Void> batchDelete(final List<byte[]> keys) {
        return batches.run(keys, (in, part, first, last, deadlineNs) -> {
            final List<byte[]> partKeys = select(keys, part);
            return requests.submitRouted("batchDelete", RawBatchDeleteResponseDecoder.TEMPLATE_ID,
                id -> IngressEncoder.current().batchDelete(id, clientId, in.epoch(), partKeys), in, first, last, false,
                deadlineNs);
        }, deadline());
    }

    @Override
    public CompletableFuture<Void> deleteRange(final byte[] start, final byte[] end) {
        return new RegionDeleteRange(requests, locator, clientId).run(start, end);
    }

    @Override
    public CompletableFuture<List<KvPair>> scan(final byte[] start, final byte[] end, final int limit,
        final boolean reverse, final boolean keyOnly) {
        final long deadlineNs = deadline();
        final TkvException noSlot = requests.acquire(deadlineNs);
        if (noSlot != null) {
            return CompletableFuture.failedFuture(noSlot);
        }
        final CompletableFuture<List<KvPair>> result;
        try {
            result = new RegionScan(requests, locator, start, end, limit, reverse, keyOnly, deadlineNs).start();
        } catch (final RuntimeException ex) {
            requests.release();
            throw ex;
        }
        // The whole scan holds one in-flight slot; its page requests take none.
        result.whenComplete((pairs, failure) -> requests.release());
        return result;
    }

    @Override
    public CompletableFuture<CasResult> compareAndSwap(final byte[] key, final byte[] expected, final byte[] newValue,
        final long ttlSeconds) {
        final CachedRegion cached = cache.findRaw(key);
        if (cached != null) {
            return casIn(cached, key, expected, newValue, ttlSeconds, 0);
        }
        final long deadlineNs = deadline();
        return locator.locate(key)
            .thenCompose(found -> casIn(found, key, expected, newValue, ttlSeconds, deadlineNs));
    }

    private CompletableFuture<byte[]> getIn(final CachedRegion in, final byte[] key, final long deadlineNs) {
        return requests.submitRouted("get", RawGetResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().get(id, in.epoch(), key), in, key, key, false, deadlineNs);
    }


    private CompletableFuture<Void> putIn(final CachedRegion in, final byte[] key, final byte[] value,
        final long ttlSeconds, final long deadlineNs) {
        return requests.submitRouted("put", RawPutResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().put(id, clientId, in.epoch(), key, value, ttlSeconds), in, key, key, false,
            deadlineNs);
    }


    private CompletableFuture<Void> deleteIn(final CachedRegion in, final byte[] key, final long deadlineNs) {
        return requests.submitRouted("delete", RawDeleteResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().delete(id, clientId, in.epoch(), key), in, key, key, false, deadlineNs);
    }


    private CompletableFuture<CasResult> casIn(final CachedRegion in, final byte[] key, final byte[] expected,
        final byte[] newValue, final long ttlSeconds, final long deadlineNs) {
        return requests.submitRouted("compareAndSwap", RawCompareAndSwapResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().compareAndSwap(id, clientId, in.epoch(), key, expected, newValue,
                ttlSeconds), in, key, key, false, deadlineNs);
    }


    private long deadline() {
        return System.nanoTime() + requests.requestTimeoutNs();
    }

    private static <E> List<E> select(final List<E> items, final int[] indices) {
        final List<E> selected = new ArrayList<>(indices.length);
        for (final int index : indices) {
            selected.add(items.get(index));
        }
        return selected;
    }

    /** Puts the pairs a part found at their indices: the store answers found keys in the part's order. */
    private static void placeFound(final List<byte[]> partKeys, final int[] part, final List<KvPair> pairs,
        final KvPair[] found) {
        int next = 0;
        for (int i = 0; i < partKeys.size() && next < pairs.size(); i++) {
            if (Arrays.equals(partKeys.get(i), pairs.get(next).keyRef())) {
                found[part[i]] = pairs.get(next++);
            }
        }
    }

    private static List<KvPair> inOrder(final KvPair[] found) {
        final List<KvPair> pairs = new ArrayList<>(found.length);
        for (final KvPair pair : found) {
            if (pair != null) {
                pairs.add(pair);
            }
        }
        return Collections.unmodifiableList(pairs);
    }

}
