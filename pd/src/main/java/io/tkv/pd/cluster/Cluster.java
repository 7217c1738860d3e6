package io.tkv.pd.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/**
 * PD's registry of stores and regions, fed by heartbeats, with the rules that keep it from going backwards (PD's
 * {@code core.BasicCluster}):
 * <ul>
 *   <li>a region heartbeat whose epoch is older than the known region's in either part ({@code confVer} or
 *       {@code version}), or whose leader term is older, is refused;</li>
 *   <li>a region heartbeat whose {@code version} is older than that of any other region its range overlaps is
 *       refused (it comes from before a split that PD already saw);</li>
 *   <li>otherwise it replaces the known region and drops every region it overlaps (after a split, the older,
 *       wider range is gone as soon as either half reports).</li>
 * </ul>
 * Stores: registered UP, updated by heartbeats; an UP store not heard from for {@code maxStoreDownTimeMs} turns
 * DOWN and back UP when it reports again (an OFFLINE store stays OFFLINE: it is being drained either way);
 * TOMBSTONE is final. Deterministic (the caller passes the clock); iteration over
 * stores is in id order and over regions in key order, so schedulers built on it replay exactly. Not thread safe.
 */
public final class Cluster {
    /** What a store heartbeat did. */
    public enum StoreHeartbeatOutcome {
        /** Recorded. */
        OK,
        /** Recorded; the store had been DOWN and is UP again. */
        BACK_UP,
        /** Refused: no such store was registered. */
        UNKNOWN_STORE,
        /** Refused: the store was removed for good. */
        TOMBSTONE
    }

    private final TreeMap<Long, StoreInfo> stores = new TreeMap<>();
    private final RegionTree regions = new RegionTree();
    private final StoreLoad load = new StoreLoad();

    // ---------------------------------------------------------------- stores

    /**
     * Registers a store, or updates its address and labels if known.
     *
     * @param store the store.
     * @return false if the id belongs to a tombstone (ids are never reused).
     */
    public boolean putStore(final StoreInfo store) {
        final StoreInfo known = stores.get(store.id());
        if (known != null && known.state() == StoreState.TOMBSTONE) {
            return false;
        }
        stores.put(store.id(), store);
        return true;
    }

    /**
     * @param storeId the reporting store.
     * @param stats   what it reports.
     * @param nowMs   PD's clock.
     * @return what happened.
     */
    public StoreHeartbeatOutcome storeHeartbeat(final long storeId, final StoreStats stats, final long nowMs) {
        final StoreInfo known = stores.get(storeId);
        if (known == null) {
            return StoreHeartbeatOutcome.UNKNOWN_STORE;
        }
        if (known.state() == StoreState.TOMBSTONE) {
            return StoreHeartbeatOutcome.TOMBSTONE;
        }
        StoreInfo updated = known.withHeartbeat(stats, nowMs);
        final boolean wasDown = known.state() == StoreState.DOWN;
        if (wasDown) {
            updated = updated.withState(StoreState.UP);
        }
        stores.put(storeId, updated);
        return wasDown ? StoreHeartbeatOutcome.BACK_UP : StoreHeartbeatOutcome.OK;
    }

    /**
     * Marks DOWN every UP store not heard from for {@code maxStoreDownTimeMs}.
     *
     * @param nowMs              PD's clock.
     * @param maxStoreDownTimeMs silence after which a store is down.
     * @return the ids that turned DOWN now.
     */
    public List<Long> updateStoreStates(final long nowMs, final long maxStoreDownTimeMs) {
        List<Long> turned = Collections.emptyList();
        for (final StoreInfo s : stores.values()) {
            if (s.state() == StoreState.UP && nowMs - s.lastHeartbeatMs() >= maxStoreDownTimeMs) {
                if (turned.isEmpty()) {
                    turned = new ArrayList<>();
                }
                turned.add(s.id());
            }
        }
        for (final long id : turned) {
            stores.put(id, stores.get(id).withState(StoreState.DOWN));
        }
        return turned;
    }

    /**
     * An operator's decision: drain a store (OFFLINE) or remove it for good (TOMBSTONE).
     *
     * @param storeId the store.
     * @param state   OFFLINE or TOMBSTONE.
     * @return false if unknown or already a tombstone.
     */
    public boolean setStoreState(final long storeId, final StoreState state) {
        if (state != StoreState.OFFLINE && state != StoreState.TOMBSTONE) {
            throw new IllegalArgumentException("only OFFLINE or TOMBSTONE are set by hand, not " + state);
        }
        final StoreInfo known = stores.get(storeId);
        if (known == null || known.state() == StoreState.TOMBSTONE) {
            return false;
        }
        stores.put(storeId, known.withState(state));
        return true;
    }

    /** @return the store, or null. */
    public StoreInfo store(final long storeId) {
        return stores.get(storeId);
    }

    /** @return every store, tombstones included, in id order (read-only). */
    public Collection<StoreInfo> stores() {
        return Collections.unmodifiableCollection(stores.values());
    }

    // ---------------------------------------------------------------- regions

    /**
     * Applies a region heartbeat under the staleness rules in the class comment.
     *
     * @param region what the region's leader reports.
     * @return the outcome.
     */
    public RegionHeartbeatResult regionHeartbeat(final RegionInfo region) {
        final RegionInfo origin = regions.byId(region.id());
        if (origin == null || !origin.sameRange(region)) {
            for (final RegionInfo other : regions.overlaps(region)) {
                if (other.id() != region.id() && region.epoch().version() < other.epoch().version()) {
                    return new RegionHeartbeatResult(RegionHeartbeatResult.Outcome.STALE, other, List.of());
                }
            }
        }
        if (origin != null) {
            final boolean termBehind = region.leaderTerm() > 0 && region.leaderTerm() < origin.leaderTerm();
            if (termBehind || region.epoch().isStaleAgainst(origin.epoch())) {
                return new RegionHeartbeatResult(RegionHeartbeatResult.Outcome.STALE, origin, List.of());
            }
            load.remove(origin);
        }
        final List<RegionInfo> dropped = regions.put(region);
        for (final RegionInfo d : dropped) {
            load.remove(d);
        }
        load.add(region);
        return new RegionHeartbeatResult(origin == null ? RegionHeartbeatResult.Outcome.NEW
            : RegionHeartbeatResult.Outcome.UPDATED, region, dropped);
    }

    /** @return the region tree (read it; change it only through {@link #regionHeartbeat}). */
    public RegionTreeView regions() {
        return regions;
    }

    /** @return peers (voters and learners) on the store, as the regions' leaders reported them. */
    public int regionCount(final long storeId) {
        return load.regionCount(storeId);
    }

    /** @return leaders on the store. */
    public int leaderCount(final long storeId) {
        return load.leaderCount(storeId);
    }

    /** @return bytes the regions with a peer on the store weigh ({@link RegionInfo#scoreSizeBytes()}). */
    public long regionSizeBytes(final long storeId) {
        return load.regionSizeBytes(storeId);
    }
}
