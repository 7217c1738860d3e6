package io.tkv.client;

import io.tkv.codec.ChangePeerResponseDecoder;
import io.tkv.codec.InjectFaultResponseDecoder;
import io.tkv.codec.RegionChecksumResponseDecoder;
import io.tkv.codec.SplitRegionResponseDecoder;
import io.tkv.codec.StoreStatusResponseDecoder;
import io.tkv.codec.TransferLeaderResponseDecoder;
import io.tkv.codec.keys.KeySpace;

import java.util.List;
import java.util.Objects;

/**
 * A {@link RawKvClient}'s admin and diagnostic calls ({@link RawKvClient#admin()}), sent to the stores directly:
 * replication status, fault drills, leader transfer, split, membership change and checksums. Most need an admin
 * session (the client connected with the admin secret). With PD, operators do the same through PD
 * ({@link PdClient#addOperator}). Thread safe, as the client is.
 */
public final class RawKvAdmin {
    private final RequestSubmitter requests;
    private final RegionCache cache;

    RawKvAdmin(final RequestSubmitter requests, final RegionCache cache) {
        this.requests = requests;
        this.cache = cache;
    }

    /**
     * Forgets every region the client has cached, so the next request of each range locates its region again (from
     * PD or the stores). For benchmarks of a cache miss and tools; a client never needs it to stay correct.
     */
    public void forgetRegions() {
        cache.clear();
    }

    /** @return regions the client has cached now (diagnostics). */
    public int cachedRegions() {
        return cache.size();
    }

    /**
     * Asks the store this client is talking to for its replication status (to ask a given store, connect a client
     * with that store alone). Not routed to the leader: any store answers.
     *
     * @return the store's status.
     */
    public StoreStatus storeStatus() {
        return requests.await(requests.submit("storeStatus", StoreStatusResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().storeStatus(id)));
    }

    /**
     * Fault drills: replaces the Raft partition of the store this client talks to — cut off from every other store,
     * or from these ({@code isolateAll} false and no stores heals it). Refused (UNAUTHENTICATED) unless the store
     * runs with {@code raft.fault-injection = true}.
     */
    public void injectFault(final boolean isolateAll, final long... storeIds) {
        requests.await(requests.<Void>submit("injectFault", InjectFaultResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().injectFault(id, isolateAll, storeIds.clone())));
    }

    /**
     * Asks the store this client talks to, which must lead the region, to hand the region's leadership to its peer
     * on {@code toStoreId}. Returns once the transfer started: the new leader is elected within an election timeout,
     * or the transfer is given up (watch {@link #storeStatus()}). Not routed to the leader: connect a client with the
     * leader's store alone.
     *
     * @throws TkvException NOT_LEADER if the store does not lead the region (the message names the leader it knows),
     *                      REGION_NOT_FOUND if the region is not there or has no voter on {@code toStoreId}.
     */
    public void transferLeader(final long regionId, final long toStoreId) {
        requests.await(requests.<Void>submit("transferLeader", TransferLeaderResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().transferLeader(id, regionId, toStoreId)));
    }

    /**
     * Splits a region at a RawKV key (admin): the region keeps the keys before {@code splitKey}, a new region
     * {@code newRegionId} takes it and those after, with one new peer per peer of the region (on the same stores, in
     * the order the region lists its peers). Sent to the region's leader (followed like any request); returns once
     * the split applied there. The ids are the caller's to allocate, unique in the cluster.
     *
     * @param regionId the region.
     * @param confVer  its epoch's conf version, as the caller knows it (both counters must be current).
     * @param version  its epoch's version.
     * @return the two regions after the split.
     * @throws TkvException EPOCH_NOT_MATCH if the region changed, KEY_NOT_IN_REGION if the key is not strictly inside
     *                      it, MALFORMED for ids that cannot make the region, REGION_NOT_FOUND.
     */
    public List<RegionInfo> splitRegion(
        final long regionId, final long confVer, final long version, final byte[] splitKey, final long newRegionId,
        final long... newPeerIds) {
        final RegionEpoch region = new RegionEpoch(regionId, confVer, version);
        Objects.requireNonNull(splitKey, "splitKey");
        final byte[] stored = new byte[splitKey.length + 1];
        stored[0] = KeySpace.RAW;
        System.arraycopy(splitKey, 0, stored, 1, splitKey.length);
        return requests.await(requests.<List<RegionInfo>>submit("splitRegion",
            SplitRegionResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().splitRegion(id, region, stored, newRegionId, newPeerIds.clone())));
    }

    /**
     * Changes a region's membership (admin), one change at a time through its Raft log: sent to the region's leader
     * (followed like any request); returns once the change applied there. A new peer's id must be unique in the
     * cluster and its store must not hold another peer of the region.
     *
     * @param regionId the region.
     * @param confVer  its epoch's conf version as the caller knows it (both counters must be current).
     * @param version  its epoch's version.
     * @return the region after the change.
     * @throws TkvException EPOCH_NOT_MATCH if the region changed, SERVER_BUSY while a previous change is not applied,
     *                      MALFORMED for a change that cannot be made, REGION_NOT_FOUND.
     */
    public RegionInfo changePeer(
        final long regionId, final long confVer, final long version, final PeerChange change, final long peerId,
        final long storeId) {
        Objects.requireNonNull(change, "change");
        final RegionEpoch region = new RegionEpoch(regionId, confVer, version);
        final List<RegionInfo> regions = requests.await(requests.<List<RegionInfo>>submit("changePeer",
            ChangePeerResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().changePeer(id, region, change, peerId, storeId)));
        if (regions.isEmpty()) {
            throw new TkvException(ErrorCode.MALFORMED, "a ChangePeer answer without the region");
        }
        return regions.get(0);
    }

    /**
     * Asks the store this client talks to for a hash over one region's applied state, taken between two entries
     * (admin). Not routed to the leader: compare the stores' answers at the same applied index.
     */
    public RegionChecksum regionChecksum(final long regionId) {
        return requests.await(requests.submit("regionChecksum", RegionChecksumResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().regionChecksum(id, regionId)));
    }
}
