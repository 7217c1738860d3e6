package io.tkv.client;

import io.tkv.codec.AddOperatorResponseDecoder;
import io.tkv.codec.AllocIdResponseDecoder;
import io.tkv.codec.AskSplitResponseDecoder;
import io.tkv.codec.BootstrapResponseDecoder;
import io.tkv.codec.GetGcSafePointResponseDecoder;
import io.tkv.codec.GetMembersResponseDecoder;
import io.tkv.codec.GetOperatorsResponseDecoder;
import io.tkv.codec.GetRegionResponseDecoder;
import io.tkv.codec.GetStoresResponseDecoder;
import io.tkv.codec.IsBootstrappedResponseDecoder;
import io.tkv.codec.PutStoreResponseDecoder;
import io.tkv.codec.RegionHeartbeatResponseDecoder;
import io.tkv.codec.ScanRegionsResponseDecoder;
import io.tkv.codec.SetSchedulerResponseDecoder;
import io.tkv.codec.StoreHeartbeatResponseDecoder;
import io.tkv.codec.UpdateGcSafePointResponseDecoder;
import io.tkv.codec.auth.ClientIds;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A client of the Placement Driver: timestamps from PD's TSO and ids, routes (regions by key, by id, scans) and
 * stores, operators and schedulers for operators, the GC safe point, and, for a store (a session proving the cluster
 * secret), its registration, heartbeats and split ids, from whichever PD member leads. It connects to
 * the members of {@link ClientConfig#storeEndpoints} (any one is enough: GetMembers and NOT_LEADER hints name the
 * others, and the client opens sessions with them as it is told of them), with the same authenticated session
 * handshake as to a store, and follows the leader as a {@link RawKvClient} follows a region's leader; a leader
 * still making its window durable answers SERVER_BUSY, which the client retries after a backoff. Thread safe.
 *
 * <p>{@link #getTimestamp()} is batched: concurrent callers of one client share one round trip (see
 * {@link TsoBatcher}).
 */
public final class PdClient implements AutoCloseable, PdRoutes {
    private final ClientConfig ctx;
    private final ClientRuntime runtime;
    private final RequestSubmitter requests;
    private final TsoBatcher tso;

    private PdClient(final ClientConfig ctx) {
        this.ctx = ctx;
        this.runtime = ClientRuntime.start(ctx, ClientIds.newKey());
        this.requests = runtime.submitter();
        this.tso = new TsoBatcher(requests);
    }

    /**
     * Connects to PD and waits for a session with one of its members.
     *
     * @param ctx the settings; {@link ClientConfig#storeEndpoints} are PD members' endpoints (one is enough).
     * @return the connected client.
     * @throws TkvTimeoutException if no member answered within the connect timeout.
     */
    public static PdClient connect(final ClientConfig ctx) {
        ctx.conclude();
        return new PdClient(ctx);
    }

    /** @return the configuration this client runs with. */
    public ClientConfig context() {
        return ctx;
    }

    /**
     * @return a timestamp ({@code physical_ms << 18 | logical}) greater than every timestamp PD handed out to anyone
     *     before this call began.
     * @throws TkvException on failure (a timeout after the request timeout, with failovers in between).
     */
    public long getTimestamp() {
        return requests.await(tso.next());
    }

    /** @return completes with a timestamp, as {@link #getTimestamp()}, on the client's poller thread. */
    public CompletableFuture<Long> getTimestampAsync() {
        return tso.next();
    }

    /** @return a fresh id (for a store, region or peer), never 0, never handed out before. */
    public long allocId() {
        return allocIds(1).first();
    }

    /**
     * @param count how many ids, in [1, 10000].
     * @return consecutive fresh ids; possibly fewer than asked when PD's durable range ran out (ask again).
     */
    public IdRange allocIds(final int count) {
        if (count < 1 || count > 10_000) {
            throw new IllegalArgumentException("count " + count + " outside [1, 10000]");
        }
        return requests.await(requests.submit("allocId", AllocIdResponseDecoder.TEMPLATE_ID,
            id -> PdRequestEncoder.current().allocId(id, count)));
    }

    /** @return the members and the leader, as the member this client's request reached sees them. */
    public PdMembers members() {
        return requests.await(requests.submit("getMembers", GetMembersResponseDecoder.TEMPLATE_ID,
            id -> PdRequestEncoder.current().getMembers(id)));
    }

    /** @return the cluster id the cluster was bootstrapped with, or 0 if it is not bootstrapped. */
    public long bootstrappedClusterId() {
        final Long clusterId = requests.await(requests.submit("isBootstrapped",
            IsBootstrappedResponseDecoder.TEMPLATE_ID, id -> PdRequestEncoder.current().isBootstrapped(id)));
        return clusterId;
    }

    /**
     * Marks the cluster bootstrapped (admin: the client must use the admin secret).
     *
     * @param clusterId PD's cluster id (a different one is refused MALFORMED).
     * @return whether it was bootstrapped already.
     */
    public boolean bootstrap(final long clusterId) {
        final Boolean already = requests.await(requests.submit("bootstrap", BootstrapResponseDecoder.TEMPLATE_ID,
            id -> PdRequestEncoder.current().bootstrap(id, clusterId)));
        return already;
    }

    /**
     * Registers this store with PD, or updates its address and labels (a store session: the client proved the cluster
     * secret).
     *
     * @param storeId the store's id (from {@link #allocId()} for a new store).
     * @param address the endpoint clients and stores reach it at.
     * @param labels  location labels, {@code zone=z1,rack=r1,host=h1} (empty: none).
     * @return completes once PD's registration of the store is durable.
     */
    public CompletableFuture<Void> putStore(final long storeId, final String address, final String labels) {
        return requests.submit("putStore", PutStoreResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().putStore(id, storeId, address, labels));
    }

    /** @return completes when PD took the store heartbeat (a store session). */
    public CompletableFuture<Void> storeHeartbeat(final StoreHeartbeatReport report) {
        return requests.submit("storeHeartbeat", StoreHeartbeatResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().storeHeartbeat(id, report));
    }

    /**
     * @param report a region's state, from its leader (a store session).
     * @return completes with the step PD asks of the region ({@link OperatorStep.Kind#NONE}: none).
     */
    public CompletableFuture<OperatorStep> regionHeartbeat(final RegionHeartbeatReport report) {
        return requests.submit("regionHeartbeat", RegionHeartbeatResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().regionHeartbeat(id, report));
    }

    /**
     * Ids for splitting a region (a store session; the region's leader asks).
     *
     * @param peerCount the region's peers: one new peer id each.
     * @return completes with the new region's id and its peers' ids.
     */
    public CompletableFuture<SplitIds> askSplit(final long regionId, final long confVer, final long version,
        final int peerCount) {
        return requests.submit("askSplit", AskSplitResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().askSplit(id, regionId, confVer, version, peerCount));
    }

    /**
     * @param storedKey a stored key (RawKV: {@code 'r'} + the user key).
     * @return completes with the region holding it and its leader, as PD knows them; fails REGION_NOT_FOUND if PD
     *     knows no region there (yet).
     */
    @Override
    public CompletableFuture<RegionInfo> getRegionAsync(final byte[] storedKey) {
        return requests.submit("getRegion", GetRegionResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().getRegion(id, storedKey));
    }

    /** @return the region holding the stored key, as {@link #getRegionAsync}, waiting for it. */
    public RegionInfo getRegion(final byte[] storedKey) {
        return requests.await(getRegionAsync(storedKey));
    }

    /** @return the region with that id, as PD knows it; fails REGION_NOT_FOUND if it knows none. */
    public RegionInfo getRegionById(final long regionId) {
        return requests.await(requests.submit("getRegionById", GetRegionResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().getRegionById(id, regionId)));
    }

    /**
     * @param startKey   stored key to start at (empty: the first).
     * @param endKey     stored key to end before (empty: no end).
     * @param maxRegions the most regions, in [1, 10000].
     * @return the regions overlapping the range, in key order, with their sizes.
     */
    public List<PdRegion> scanRegions(final byte[] startKey, final byte[] endKey, final int maxRegions) {
        if (maxRegions < 1 || maxRegions > 10_000) {
            throw new IllegalArgumentException("maxRegions " + maxRegions + " outside [1, 10000]");
        }
        return requests.await(requests.submit("scanRegions", ScanRegionsResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().scanRegions(id, startKey, endKey, maxRegions)));
    }

    /** @return every store PD knows, tombstones included. */
    public List<PdStore> stores() {
        return requests.await(requests.submit("getStores", GetStoresResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().getStores(id, 0)));
    }

    /** @return the store as PD knows it, or an empty list if PD knows no such store. */
    public List<PdStore> store(final long storeId) {
        return requests.await(requests.submit("getStores", GetStoresResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().getStores(id, storeId)));
    }

    /** @return completes with the store as PD knows it (an empty list if it knows no such store). */
    @Override
    public CompletableFuture<List<PdStore>> storeAsync(final long storeId) {
        return requests.submit("getStores", GetStoresResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().getStores(id, storeId));
    }

    /** @return the operators PD runs now. */
    public List<PdOperator> operators() {
        return requests.await(requests.submit("getOperators", GetOperatorsResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().getOperators(id)));
    }

    /**
     * Turns a scheduler on or off (admin).
     *
     * @param name    {@code balance-leader}, {@code balance-region} or {@code replica-checker}.
     * @param enabled on or off.
     * @return every scheduler and whether it is on, after the change.
     */
    public Map<String, Boolean> setScheduler(final String name, final boolean enabled) {
        return requests.await(requests.submit("setScheduler", SetSchedulerResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().setScheduler(id, name, enabled)));
    }

    /**
     * Asks PD to run one step on a region (admin): add a learner or voter on a store, remove the store's peer,
     * transfer the leadership to the store, or split the region.
     *
     * @return PD's id of the operator.
     */
    public long addOperator(final long regionId, final OperatorStep.Kind kind, final long storeId) {
        final Long operatorId = requests.await(requests.submit("addOperator", AddOperatorResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().addOperator(id, regionId, kind, storeId)));
        return operatorId;
    }

    /** @return PD's GC safe point and the leader's GC lifetime (any session). */
    public PdGcSafePoint gcSafePoint() {
        return requests.await(gcSafePointAsync());
    }

    /** @return completes with PD's GC safe point, as {@link #gcSafePoint()} (a store's GC worker asks this way). */
    public CompletableFuture<PdGcSafePoint> gcSafePointAsync() {
        return requests.submit("getGcSafePoint", GetGcSafePointResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().getGcSafePoint(id));
    }

    /**
     * Advances PD's GC safe point (admin): answered once the new value is durable in PD's Raft log. The safe point
     * never moves backwards (a lower one changes nothing and is answered with the current one), and is never above
     * the TSO (refused MALFORMED).
     *
     * @param safePoint a timestamp ({@code physical_ms << 18 | logical}).
     * @return PD's safe point after the request, and whether the request moved it.
     */
    public PdGcSafePointUpdate updateGcSafePoint(final long safePoint) {
        if (safePoint < 0) {
            throw new IllegalArgumentException("safe point " + safePoint + " is negative");
        }
        return requests.await(requests.submit("updateGcSafePoint", UpdateGcSafePointResponseDecoder.TEMPLATE_ID,
            id -> PdClusterEncoder.current().updateGcSafePoint(id, safePoint)));
    }

    /** @return the endpoint of the member requests go to now. */
    public String leaderEndpoint() {
        return runtime.leaderEndpoint();
    }

    /** @return Tso requests sent so far: fewer than timestamps handed out when callers shared round trips. */
    public long tsoBatches() {
        return tso.batches();
    }

    /** Sends Disconnect to every member with a session, stops the poller and fails what is still waiting. */
    @Override
    public void close() {
        runtime.close();
    }
}
