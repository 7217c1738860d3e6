package io.tkv.server.storepd;

import io.tkv.client.PdStore;
import io.tkv.server.region.RegionRegistry;
import io.tkv.storage.RegionDescriptor;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The PD worker's view of which stores the raft agent can reach: those of the initial cluster, and those it taught the
 * raft agent from PD's store list ({@link StoreAddress} through the {@link PdLink}). It refreshes the list every
 * refresh interval, and soon after a region on this store names a store it does not know (a membership change made by
 * another store's leader) or a step needs one ({@link #whenKnown}). A store added to the cluster later is so reachable
 * by stores whose initial cluster did not list it, and a new store learns the stores that will send to it. Worker
 * thread.
 */
final class StoreDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(StoreDirectory.class);
    /** Least time between two refreshes asked for by an unknown store. */
    private static final long MIN_REFRESH_GAP_MS = 200;
    private static final long REGION_SCAN_EVERY_MS = 200;
    private static final long WAIT_FOR_STORE_MS = 5_000;
    private static final int MAX_WAITING = 32;

    /** Something to do once a store's address is known, until when. */
    private record Waiting(long storeId, Runnable then, long untilMs) {
    }

    private final long storeId;
    private final StorePd pd;
    private final PdLink link;
    private final WorkerInbox inbox;
    private final long refreshIntervalMs;
    private final Long2ObjectHashMap<String> known = new Long2ObjectHashMap<>();
    private final List<Waiting> waiting = new ArrayList<>();
    private boolean refreshing;
    private boolean refreshSoon = true;
    private long nextRefreshMs = 0;
    private long lastRefreshMs = 0;
    private long nextRegionScanMs = 0;

    StoreDirectory(
        final long storeId, final StorePd pd, final PdLink link, final WorkerInbox inbox,
        final Map<Long, String> initial, final long refreshIntervalMs) {
        this.storeId = storeId;
        this.pd = pd;
        this.link = link;
        this.inbox = inbox;
        this.refreshIntervalMs = refreshIntervalMs;
        initial.forEach(known::put);
    }

    /** @return whether the raft agent can reach the store (this one included). */
    boolean knows(final long id) {
        return id == storeId || known.containsKey(id);
    }

    /** Runs {@code then} once the store is known (at once if it is; dropped if it is not within a few seconds). */
    void whenKnown(final long id, final Runnable then, final long nowMs) {
        if (knows(id)) {
            then.run();
        } else if (waiting.size() < MAX_WAITING) {
            waiting.add(new Waiting(id, then, nowMs + WAIT_FOR_STORE_MS));
            refreshSoon = true;
        }
    }

    /** @return work done. */
    int doWork(final long nowMs, final RegionRegistry regions) {
        int work = 0;
        if (nowMs >= nextRegionScanMs) {
            nextRegionScanMs = nowMs + REGION_SCAN_EVERY_MS;
            for (final RegionDescriptor region : regions.all()) {
                for (final RegionDescriptor.Peer peer : region.peers()) {
                    if (!knows(peer.storeId())) {
                        refreshSoon = true;
                    }
                }
            }
        }
        if (!refreshing && (nowMs >= nextRefreshMs || refreshSoon && nowMs >= lastRefreshMs + MIN_REFRESH_GAP_MS)) {
            refreshing = true;
            refreshSoon = false;
            lastRefreshMs = nowMs;
            nextRefreshMs = nowMs + refreshIntervalMs;
            inbox.whenDone(pd.stores(0), this::onStores);
            work++;
        }
        for (final Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            final Waiting wait = it.next();
            if (knows(wait.storeId())) {
                it.remove();
                wait.then().run();
                work++;
            } else if (nowMs > wait.untilMs()) {
                it.remove();
                LOG.warn("PD knows no address of store {}: what waited for it was dropped", wait.storeId());
            }
        }
        return work;
    }

    private void onStores(final List<PdStore> stores, final Throwable error) {
        refreshing = false;
        if (error != null) {
            LOG.debug("store list from PD failed: {}", error.toString());
            return;
        }
        for (final PdStore store : stores) {
            final long id = store.storeId();
            final String address = store.address();
            if (id == storeId || address == null || address.isEmpty() || "TOMBSTONE".equals(store.state())
                || address.equals(known.get(id))) {
                continue;
            }
            if (link.offerAddress(new StoreAddress(id, address))) {
                known.put(id, address);
            } else {
                refreshSoon = true;
            }
        }
    }
}
