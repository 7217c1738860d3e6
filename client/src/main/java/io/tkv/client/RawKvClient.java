package io.tkv.client;

import io.tkv.codec.auth.ClientIds;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A RawKV client for a tkv cluster: get, put, delete, scan and compare-and-swap on raw byte keys, each as a
 * blocking call and as an asynchronous one returning a {@link CompletableFuture}.
 *
 * <p>One client holds an authenticated session over Aeron with each store it talks to (an ingress publication to
 * each; one egress subscription for all their replies) and any number of requests in flight, matched to replies by
 * correlation id. It is safe to use from many threads. A caller encodes and offers its request on its own thread,
 * to the store the client takes for the region's leader; one poller thread reads the replies, completes the
 * futures, times requests out, keeps the sessions alive and follows the leader.
 *
 * <p><b>Routing by region.</b> The cluster's keys are split into regions, each a range of keys served by its own Raft
 * group. The client keeps a region cache (key to region: range, epoch, peers, leader), filled on a miss from the
 * stores ({@code LocateRegion}) or, with {@link ClientConfig#pdEndpoints(String...)}, from PD (which also gives the
 * stores' addresses; the stores answer when PD does not know the region), and corrected by the stores' refusals;
 * it sends each request to its region's leader with that region's epoch. A batch is split by region and the parts
 * run in parallel, merged back in request order; a scan walks the regions in key order (or reverse), a delete-range
 * deletes region by region. <b>A batch is atomic only
 * within one region</b>: the parts of a batch across regions are separate writes, each applied once, so a failure can
 * leave some parts applied. A request refused because its region changed (EPOCH_NOT_MATCH after a split,
 * KEY_NOT_IN_REGION, REGION_NOT_FOUND) ran nowhere: the client takes the regions the refusal carries, finds the region
 * holding the keys now and resends the same frame there under the same correlation id (a batch part whose keys now
 * span regions is split again), at once the first time and after the backoff from then on, at most 10 times, within
 * the request's timeout. {@link ClientConfig#region(long, long, long)} pins the client to one region instead: no
 * routing, and such refusals fail the request.
 *
 * <p><b>Leader following.</b> A region is served by its Raft leader only; a follower answers NOT_LEADER, with a hint
 * of the leader when it knows one. The client opens sessions with all configured stores
 * ({@link ClientConfig#storeEndpoints(String...)}) at start, and
 * <ul>
 *   <li>on NOT_LEADER with a hint, switches to the hinted store (opening a session with it if it is not configured)
 *       and resends the request there at once;</li>
 *   <li>on NOT_LEADER without a hint, or when its store is lost (its ingress publication disconnects, its egress
 *       image goes, or nothing at all comes from it while requests wait for {@link
 *       ClientConfig#storeSilenceTimeoutMs()}: a killed or frozen leader), moves to the next store and resends after
 *       a short backoff ({@link ClientConfig#retryBackoffInitialMs()} doubling up to
 *       {@link ClientConfig#retryBackoffMaxMs()}), so a cluster in an election is not hammered;</li>
 *   <li>on SERVER_BUSY, resends after the same backoff; on UNAUTHENTICATED (the store does not know the session, so
 *       the request had no effect), re-handshakes and resends once;</li>
 *   <li>resends the requests that were on the wire to a store it lost, reads and writes alike.</li>
 * </ul>
 * Every resend is the same frame under the same correlation id, and every write carries the client's random id:
 * the stores deduplicate writes by the two, so a put or CAS resent to any store, any number of times, applies once
 * and answers with its first outcome. A reply from a store or session the request's current copy did not go to is
 * ignored. All of it happens within the request's own {@link ClientConfig#requestTimeoutMs()}, never past it: a
 * request that finds no leader in time fails with {@link TkvTimeoutException}. Region refusals are retried as above;
 * other statuses (TOO_LARGE, MALFORMED, INTERNAL_ERROR, ...) fail the request at once, as does any status in a
 * response of the request's own type (the request ran). Requests issued while no session is open wait for one,
 * within their timeout.
 *
 * <p>Futures complete on the poller thread: dependent stages should be quick, or use the {@code *Async}
 * variants of {@link CompletableFuture} with an executor. The blocking methods must not be called from such a
 * stage (they throw {@link IllegalStateException}), since the poller would wait for itself.
 *
 * <p>Failures surface as {@link TkvException} (with an {@link ErrorCode}) or {@link TkvTimeoutException}: thrown by
 * the blocking methods, completing the futures exceptionally for the asynchronous ones. Null arguments and
 * nonsensical ones (negative ttl, non-positive scan limit) throw {@link NullPointerException} or
 * {@link IllegalArgumentException} at once.
 *
 * <pre>{@code
 * try (RawKvClient client = RawKvClient.connect(new ClientConfig()
 *     .storeEndpoints("10.0.0.1:20160", "10.0.0.2:20160", "10.0.0.3:20160").secret("s3cret"))) {
 *     client.put(key, value);
 *     byte[] read = client.get(key);
 * }
 * }</pre>
 */
public final class RawKvClient implements AutoCloseable {
    private static final byte[] EMPTY = new byte[0];

    private final ClientConfig ctx;
    private final ClientRuntime runtime;
    private final RequestSubmitter requests;
    /** How requests are made: routed by key (the default), or all to the pinned region. */
    private final RawKvRequests kv;
    private final RawKvAdmin admin;
    /**
     * Names this client to the stores' deduplication of retried writes: derived from a random client key the
     * handshake proves to every store ({@link ClientIds}), so no other client can write under it.
     */
    private final long clientId;

    private RawKvClient(final ClientConfig ctx, final PdRouting pd) {
        this.ctx = ctx;
        final RoutingConfig routing = ctx.routing();
        final byte[] clientKey = ClientIds.newKey();
        this.clientId = ClientIds.idOf(clientKey);
        this.runtime = ClientRuntime.start(ctx, clientKey, pd);
        this.requests = runtime.submitter();
        this.admin = new RawKvAdmin(requests, runtime.regionCache());
        this.kv = routing.regionPinned() ? new PinnedRawKv(requests,
            new RegionEpoch(routing.regionId(), routing.regionConfVer(), routing.regionVersion()), clientId) :
            new RoutedRawKv(requests, runtime.regionCache(), runtime.regionSource(), clientId, !routing.usesPd());
    }

    /**
     * Connects to the cluster: opens a session with every configured store, and returns once one is open.
     *
     * @param ctx the configuration; concluded here, and owned by the client from then on.
     * @return the connected client.
     * @throws TkvTimeoutException if no session with any store within {@link ClientConfig#connectTimeoutMs()}.
     * @throws TkvException        with {@link ErrorCode#UNAUTHENTICATED} if a store refused the secret.
     */
    public static RawKvClient connect(final ClientConfig ctx) {
        return new RawKvClient(ctx, PdRouting.open(ctx));
    }

    /** Connects routing by a PD the caller provides (tests: a fake PD), with the stores it lists. */
    static RawKvClient connect(final ClientConfig ctx, final PdRoutes pd, final List<PdStore> stores) {
        return new RawKvClient(ctx, PdRouting.of(ctx, pd, stores, null));
    }

    /**
     * Connects with the default configuration (a store at 127.0.0.1:20160, empty secret, embedded media driver).
     *
     * @return the connected client.
     */
    public static RawKvClient connect() {
        return connect(new ClientConfig());
    }

    /** @return the configuration this client runs with. */
    public ClientConfig context() {
        return ctx;
    }

    ClientRuntime runtime() {
        return runtime;
    }
    /** @return whether a session with the store requests go to is open right now (false while failing over). */
    public boolean isConnected() {
        return runtime.isConnected();
    }

    /**
     * @return host:port of the store the client talks to by default: where admin requests go, and requests whose
     *     region's leader is not known yet (the leader of region 1 while the cluster has one region).
     */
    public String leaderEndpoint() {
        return runtime.leaderEndpoint();
    }

    /** @return how many requests are in flight (sent or waiting to be sent, not yet completed). */
    public int inFlightCount() {
        return runtime.inFlightCount();
    }

    /** @return how many times a session was re-established with a store after the first handshake with it. */
    public long reconnectCount() {
        return runtime.reconnectCount();
    }

    /** @return stores a session is open with right now (diagnostics and tests). */
    int openSessions() {
        return runtime.openSessions();
    }

    /** @return replies ignored because the request had been resent elsewhere meanwhile (diagnostics and tests). */
    long ignoredReplies() {
        return runtime.ignoredReplies();
    }

    // ---------------------------------------------------------------------------------------------- get

    /**
     * @param key the key.
     * @return the value, or null if the key is absent.
     */
    public byte[] get(final byte[] key) {
        return requests.await(getAsync(key));
    }

    /**
     * @param key the key.
     * @return the value, or null if the key is absent.
     */
    public CompletableFuture<byte[]> getAsync(final byte[] key) {
        Objects.requireNonNull(key, "key");
        final TkvException tooLarge = requests.limits().checkKey(key);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        return kv.get(key);
    }

    /**
     * @param keys the keys, at most the store's batch size.
     * @return the pairs found, in request order; absent keys are left out.
     */
    public List<KvPair> batchGet(final List<byte[]> keys) {
        return requests.await(batchGetAsync(keys));
    }

    /**
     * @param keys the keys, at most the store's batch size.
     * @return the pairs found, in request order; absent keys are left out.
     */
    public CompletableFuture<List<KvPair>> batchGetAsync(final List<byte[]> keys) {
        final TkvException invalid = checkKeys(keys);
        if (invalid != null) {
            return CompletableFuture.failedFuture(invalid);
        }
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(Collections.emptyList());
        }
        return kv.batchGet(keys);
    }

    // ---------------------------------------------------------------------------------------------- put

    /**
     * Writes a value that does not expire.
     *
     * @param key   the key.
     * @param value the value.
     */
    public void put(final byte[] key, final byte[] value) {
        requests.await(putAsync(key, value, 0));
    }

    /**
     * @param key        the key.
     * @param value      the value.
     * @param ttlSeconds after how long the value expires; 0 for never.
     */
    public void put(final byte[] key, final byte[] value, final long ttlSeconds) {
        requests.await(putAsync(key, value, ttlSeconds));
    }

    /**
     * Writes a value that does not expire.
     *
     * @param key   the key.
     * @param value the value.
     * @return completes when the store has applied the write.
     */
    public CompletableFuture<Void> putAsync(final byte[] key, final byte[] value) {
        return putAsync(key, value, 0);
    }

    /**
     * @param key        the key.
     * @param value      the value.
     * @param ttlSeconds after how long the value expires; 0 for never.
     * @return completes when the store has applied the write.
     */
    public CompletableFuture<Void> putAsync(final byte[] key, final byte[] value, final long ttlSeconds) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        checkTtl(ttlSeconds);
        final SessionLimits limits = requests.limits();
        TkvException tooLarge = limits.checkKey(key);
        tooLarge = tooLarge != null ? tooLarge : limits.checkValue(value);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        return kv.put(key, value, ttlSeconds);
    }

    /**
     * Writes all pairs; they do not expire. Atomic within one region only (see the class comment).
     *
     * @param pairs the pairs, at most the store's batch size.
     */
    public void batchPut(final List<KvPair> pairs) {
        requests.await(batchPutAsync(pairs, 0));
    }

    /**
     * Writes all pairs, with one ttl. Atomic within one region only (see the class comment).
     *
     * @param pairs      the pairs, at most the store's batch size.
     * @param ttlSeconds after how long the values expire; 0 for never.
     */
    public void batchPut(final List<KvPair> pairs, final long ttlSeconds) {
        requests.await(batchPutAsync(pairs, ttlSeconds));
    }

    /**
     * Writes all pairs; they do not expire. Atomic within one region only (see the class comment).
     *
     * @param pairs the pairs, at most the store's batch size.
     * @return completes when the store has applied the batch.
     */
    public CompletableFuture<Void> batchPutAsync(final List<KvPair> pairs) {
        return batchPutAsync(pairs, 0);
    }

    /**
     * Writes all pairs, with one ttl. Atomic within one region only (see the class comment).
     *
     * @param pairs      the pairs, at most the store's batch size.
     * @param ttlSeconds after how long the values expire; 0 for never.
     * @return completes when the store has applied the batch.
     */
    public CompletableFuture<Void> batchPutAsync(final List<KvPair> pairs, final long ttlSeconds) {
        Objects.requireNonNull(pairs, "pairs");
        checkTtl(ttlSeconds);
        final SessionLimits limits = requests.limits();
        TkvException invalid = limits.checkBatch(pairs.size());
        for (int i = 0; i < pairs.size() && invalid == null; i++) {
            final KvPair pair = Objects.requireNonNull(pairs.get(i), "pair");
            invalid = limits.checkKey(pair.keyRef());
            invalid = invalid != null ? invalid : limits.checkValue(pair.valueRef());
        }
        if (invalid != null) {
            return CompletableFuture.failedFuture(invalid);
        }
        if (pairs.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return kv.batchPut(pairs, ttlSeconds);
    }

    // ---------------------------------------------------------------------------------------------- delete

    /** @param key the key to delete; deleting an absent key succeeds. */
    public void delete(final byte[] key) {
        requests.await(deleteAsync(key));
    }

    /**
     * @param key the key to delete; deleting an absent key succeeds.
     * @return completes when the store has applied the delete.
     */
    public CompletableFuture<Void> deleteAsync(final byte[] key) {
        Objects.requireNonNull(key, "key");
        final TkvException tooLarge = requests.limits().checkKey(key);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        return kv.delete(key);
    }

    /** @param keys the keys to delete (atomically within one region), at most the store's batch size. */
    public void batchDelete(final List<byte[]> keys) {
        requests.await(batchDeleteAsync(keys));
    }

    /**
     * @param keys the keys to delete (atomically within one region), at most the store's batch size.
     * @return completes when the store has applied the deletes.
     */
    public CompletableFuture<Void> batchDeleteAsync(final List<byte[]> keys) {
        final TkvException invalid = checkKeys(keys);
        if (invalid != null) {
            return CompletableFuture.failedFuture(invalid);
        }
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return kv.batchDelete(keys);
    }

    /**
     * Deletes every key in {@code [startKey, endKey)}: one delete per region the range crosses, in key order (not
     * atomic across regions).
     *
     * @param startKey first key deleted; null or empty for the beginning.
     * @param endKey   first key kept; null or empty for no end.
     */
    public void deleteRange(final byte[] startKey, final byte[] endKey) {
        requests.await(deleteRangeAsync(startKey, endKey));
    }

    /**
     * Deletes every key in {@code [startKey, endKey)}: one delete per region the range crosses, in key order (not
     * atomic across regions).
     *
     * @param startKey first key deleted; null or empty for the beginning.
     * @param endKey   first key kept; null or empty for no end.
     * @return completes when the store has applied the delete.
     */
    public CompletableFuture<Void> deleteRangeAsync(final byte[] startKey, final byte[] endKey) {
        final byte[] start = startKey == null ? EMPTY : startKey;
        final byte[] end = endKey == null ? EMPTY : endKey;
        final SessionLimits limits = requests.limits();
        TkvException tooLarge = limits.checkKey(start);
        tooLarge = tooLarge != null ? tooLarge : limits.checkKey(end);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        return kv.deleteRange(start, end);
    }

    // ---------------------------------------------------------------------------------------------- scan

    /**
     * Reads pairs in {@code [startKey, endKey)} in ascending key order.
     *
     * @param startKey first key; null or empty for the beginning.
     * @param endKey   end, exclusive; null or empty for no end.
     * @param limit    the most pairs returned, positive.
     * @return up to {@code limit} pairs.
     */
    public List<KvPair> scan(final byte[] startKey, final byte[] endKey, final int limit) {
        return requests.await(scanAsync(startKey, endKey, limit, false, false));
    }

    /**
     * Reads pairs in {@code [startKey, endKey)}, as many requests as it takes: a reply the store cut short
     * ({@code hasMore}) or a limit above the store's scan limit continues transparently after the last key.
     *
     * @param startKey first key; null or empty for the beginning.
     * @param endKey   end, exclusive; null or empty for no end.
     * @param limit    the most pairs returned, positive.
     * @param reverse  descending from just below {@code endKey} instead of ascending from {@code startKey}.
     * @param keyOnly  leave values out (each pair's value is empty).
     * @return up to {@code limit} pairs, in scan order.
     */
    public List<KvPair> scan(final byte[] startKey, final byte[] endKey, final int limit, final boolean reverse,
        final boolean keyOnly) {
        return requests.await(scanAsync(startKey, endKey, limit, reverse, keyOnly));
    }

    /**
     * Reads pairs in {@code [startKey, endKey)} in ascending key order.
     *
     * @param startKey first key; null or empty for the beginning.
     * @param endKey   end, exclusive; null or empty for no end.
     * @param limit    the most pairs returned, positive.
     * @return up to {@code limit} pairs.
     */
    public CompletableFuture<List<KvPair>> scanAsync(final byte[] startKey, final byte[] endKey, final int limit) {
        return scanAsync(startKey, endKey, limit, false, false);
    }

    /**
     * Reads pairs in {@code [startKey, endKey)}; see {@link #scan(byte[], byte[], int, boolean, boolean)}. The
     * request timeout bounds the whole scan, however many requests it takes.
     *
     * @param startKey first key; null or empty for the beginning.
     * @param endKey   end, exclusive; null or empty for no end.
     * @param limit    the most pairs returned, positive.
     * @param reverse  descending from just below {@code endKey} instead of ascending from {@code startKey}.
     * @param keyOnly  leave values out (each pair's value is empty).
     * @return up to {@code limit} pairs, in scan order.
     */
    public CompletableFuture<List<KvPair>> scanAsync(final byte[] startKey, final byte[] endKey, final int limit,
        final boolean reverse, final boolean keyOnly) {
        if (limit <= 0) {
            throw new IllegalArgumentException("scan limit must be positive: " + limit);
        }
        final byte[] start = startKey == null ? EMPTY : startKey;
        final byte[] end = endKey == null ? EMPTY : endKey;
        final SessionLimits limits = requests.limits();
        TkvException tooLarge = limits.checkKey(start);
        tooLarge = tooLarge != null ? tooLarge : limits.checkKey(end);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        return kv.scan(start, end, limit, reverse, keyOnly);
    }

    // ---------------------------------------------------------------------------------------------- cas

    /**
     * Writes {@code newValue} (never expiring) if the current value equals {@code expected}, atomically.
     *
     * @param key      the key.
     * @param expected the value expected, or null to expect the key absent.
     * @param newValue the value to write.
     * @return whether it swapped, and the value before the call.
     */
    public CasResult compareAndSwap(final byte[] key, final byte[] expected, final byte[] newValue) {
        return requests.await(compareAndSwapAsync(key, expected, newValue, 0));
    }

    /**
     * Writes {@code newValue} if the current value equals {@code expected}, atomically.
     *
     * @param key        the key.
     * @param expected   the value expected, or null to expect the key absent.
     * @param newValue   the value to write.
     * @param ttlSeconds after how long the new value expires; 0 for never.
     * @return whether it swapped, and the value before the call.
     */
    public CasResult compareAndSwap(final byte[] key, final byte[] expected, final byte[] newValue,
        final long ttlSeconds) {
        return requests.await(compareAndSwapAsync(key, expected, newValue, ttlSeconds));
    }

    /**
     * Writes {@code newValue} (never expiring) if the current value equals {@code expected}, atomically.
     *
     * @param key      the key.
     * @param expected the value expected, or null to expect the key absent.
     * @param newValue the value to write.
     * @return whether it swapped, and the value before the call.
     */
    public CompletableFuture<CasResult> compareAndSwapAsync(final byte[] key, final byte[] expected,
        final byte[] newValue) {
        return compareAndSwapAsync(key, expected, newValue, 0);
    }

    /**
     * Writes {@code newValue} if the current value equals {@code expected}, atomically.
     *
     * @param key        the key.
     * @param expected   the value expected, or null to expect the key absent.
     * @param newValue   the value to write.
     * @param ttlSeconds after how long the new value expires; 0 for never.
     * @return whether it swapped, and the value before the call.
     */
    public CompletableFuture<CasResult> compareAndSwapAsync(final byte[] key, final byte[] expected,
        final byte[] newValue, final long ttlSeconds) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(newValue, "newValue");
        checkTtl(ttlSeconds);
        final SessionLimits limits = requests.limits();
        TkvException tooLarge = limits.checkKey(key);
        tooLarge = tooLarge != null ? tooLarge : limits.checkValue(newValue);
        tooLarge = tooLarge != null || expected == null ? tooLarge : limits.checkValue(expected);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        return kv.compareAndSwap(key, expected, newValue, ttlSeconds);
    }

    // ---------------------------------------------------------------------------------------------- admin

    /** @return the admin and diagnostic calls (store status, leader transfer, split, membership, checksum, faults). */
    public RawKvAdmin admin() {
        return admin;
    }

    /** @see RawKvAdmin#storeStatus() */
    public StoreStatus storeStatus() {
        return admin.storeStatus();
    }

    /** @see RawKvAdmin#injectFault(boolean, long...) */
    public void injectFault(final boolean isolateAll, final long... storeIds) {
        admin.injectFault(isolateAll, storeIds);
    }

    /** @see RawKvAdmin#transferLeader(long, long) */
    public void transferLeader(final long regionId, final long toStoreId) {
        admin.transferLeader(regionId, toStoreId);
    }

    /** @see RawKvAdmin#splitRegion(long, long, long, byte[], long, long...) */
    public List<RegionInfo> splitRegion(final long regionId, final long confVer, final long version,
        final byte[] splitKey, final long newRegionId, final long... newPeerIds) {
        return admin.splitRegion(regionId, confVer, version, splitKey, newRegionId, newPeerIds);
    }

    /** @see RawKvAdmin#changePeer(long, long, long, PeerChange, long, long) */
    public RegionInfo changePeer(final long regionId, final long confVer, final long version,
        final PeerChange change, final long peerId, final long storeId) {
        return admin.changePeer(regionId, confVer, version, change, peerId, storeId);
    }

    /** @see RawKvAdmin#regionChecksum(long) */
    public RegionChecksum regionChecksum(final long regionId) {
        return admin.regionChecksum(regionId);
    }

    /** @return the id the stores deduplicate this client's writes under (it is in every write frame). */
    public long clientId() {
        return clientId;
    }

    // ---------------------------------------------------------------------------------------------- close

    /**
     * Sends Disconnect on every open session (best effort), stops the poller, fails requests still in flight with
     * {@link ErrorCode#CLOSED}, and closes Aeron and the embedded media driver (deleting its directory).
     * Idempotent.
     */
    @Override
    public void close() {
        runtime.close();
    }

    // ---------------------------------------------------------------------------------------------- internals

    private TkvException checkKeys(final List<byte[]> keys) {
        Objects.requireNonNull(keys, "keys");
        final SessionLimits limits = requests.limits();
        TkvException invalid = limits.checkBatch(keys.size());
        for (int i = 0; i < keys.size() && invalid == null; i++) {
            invalid = limits.checkKey(Objects.requireNonNull(keys.get(i), "key"));
        }
        return invalid;
    }

    private static void checkTtl(final long ttlSeconds) {
        if (ttlSeconds < 0) {
            throw new IllegalArgumentException("ttlSeconds must be 0 (no expiry) or positive: " + ttlSeconds);
        }
    }
}
