package io.tkv.server.raft;

import io.tkv.log.RaftLog;
import io.tkv.raft.core.ConfState;
import io.tkv.raft.store.MultiRaft;
import io.tkv.raft.store.PeerFactory;
import io.tkv.storage.RegionDescriptor;
import io.tkv.server.region.RegionRegistry;
import io.tkv.raft.core.MessageType;
import io.tkv.raft.core.RaftMessage;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Starts the store's peer of a region in the multi-Raft driver from the region's descriptor: its peer id, its
 * membership, which store hosts each peer. At start-up for every region the store holds; on the raft agent for each
 * region a split made (its log starts at the split's initial point, as a founding region's does; on the store that
 * leads the parent its peer campaigns at once, as TiKV's does, so the new region has a leader without waiting out an
 * election timeout). Raft agent thread (or start-up, before the agents run).
 */
final class RegionStarter implements PeerFactory {
    private static final Logger LOG = LoggerFactory.getLogger(RegionStarter.class);

    private final MultiRaft raft;
    private final RaftLog log;
    private final long storeId;
    private final RegionRegistry registry;
    /** How long a split region's peer on the leader's store keeps asking for votes, and how often. */
    private static final long CAMPAIGN_RETRY_FOR_NS = 2_000_000_000L;
    private static final long CAMPAIGN_RETRY_EVERY_NS = 20_000_000L;
    /** Most peers a leader's message may have made here that no snapshot has filled yet. */
    private static final int MAX_UNINITIALIZED = 64;

    /** Per region that left this store, the highest peer id of it removed here: never made again by a message. */
    private final Long2LongHashMap removedPeers = new Long2LongHashMap(0);
    /** Split regions whose peer here campaigns, until when. */
    private final Long2LongHashMap campaigns = new Long2LongHashMap(0);
    private long lastRetryNs;
    /** Regions made by a leader's message, until their first snapshot installs a descriptor. */
    private final LongHashSet uninitialized = new LongHashSet();

    RegionStarter(final MultiRaft raft, final RaftLog log, final long storeId, final RegionRegistry registry) {
        this.raft = raft;
        this.log = log;
        this.storeId = storeId;
        this.registry = registry;
    }

    /** @return whether the store's peer of the region is now served (false: the region has no peer here). */
    boolean start(final RegionDescriptor region, final long appliedIndex) {
        final RegionDescriptor.Peer self = region.peerOnStore(storeId);
        if (self == null) {
            LOG.warn("region {} has no peer on store {}: not served ({})", region.id(), storeId, region);
            return false;
        }
        raft.addRegion(region.id(), self.id(), new ConfState(region.voterIds(), region.learnerIds()), appliedIndex,
            new StorePeerDirectory(region.id(), registry));
        return true;
    }

    /** Stops serving a region this store's peer was removed from (its state here is already destroyed). */
    void stop(final RegionDescriptor region) {
        final long peerId = raft.status(region.id()) == null ? 0 : raft.status(region.id()).id();
        removedPeers.put(region.id(), Math.max(removedPeers.get(region.id()), peerId));
        raft.removeRegion(region.id());
        LOG.info("region {}: this store's peer {} was removed; no longer served here", region.id(), peerId);
    }

    /** Regions destroyed on this store before it started, with the highest peer id removed of each. */
    void tombstones(final Map<Long, Long> tombstones) {
        tombstones.forEach(removedPeers::put);
    }

    /**
     * A message for a region this store does not serve makes an uninitialized peer of it when a leader (append,
     * heartbeat or snapshot) addresses a peer id of the region that was never removed from this store — as TiKV makes
     * a peer from a leader's message after a membership change added it here. The frame is authenticated (only a
     * store of the cluster could send it) and the number of such peers is bounded; the peer hears only that leader
     * until a snapshot of the region gives it the region's membership and state.
     */
    @Override
    public boolean create(final long fromStoreId, final RaftMessage message) {
        final MessageType type = message.type();
        final long regionId = message.regionId();
        if (type != MessageType.APPEND && type != MessageType.HEARTBEAT && type != MessageType.SNAPSHOT
            || message.to() <= removedPeers.get(regionId) || registry.get(regionId) != null) {
            return false;
        }
        uninitialized.removeIf(id -> registry.get(id) != null || raft.status(id) == null);
        if (uninitialized.size() >= MAX_UNINITIALIZED) {
            return false;
        }
        final StorePeerDirectory peers = new StorePeerDirectory(regionId, registry);
        peers.learn(message.from(), fromStoreId);
        raft.addUninitializedRegion(regionId, message.to(), message.from(), peers);
        uninitialized.add(regionId);
        LOG.info("region {}: peer {} made here by a message of peer {} on store {}; waiting for its snapshot",
            regionId, message.to(), message.from(), fromStoreId);
        return true;
    }

    /** Starts a region a split of {@code parentId} made, once its split applied here. */
    void startSplit(final RegionDescriptor region, final long parentId) {
        if (raft.status(region.id()) != null) {
            return;
        }
        if (!hasLog(region.id())) {
            raft.bootstrapRegion(region.id());
        }
        if (start(region, MultiRaft.BOOTSTRAP_INDEX) && raft.leaderStoreId(parentId) == storeId) {
            raft.campaign(region.id());
            campaigns.put(region.id(), System.nanoTime() + CAMPAIGN_RETRY_FOR_NS);
        }
        LOG.info("region {} split from region {}: {}", region.id(), parentId, region);
    }

    /**
     * A new region's first election often fails: the other stores make their peers of it only when they apply the
     * split, a moment after the leader's store, and drop the votes asked before. Ask again every few milliseconds for a
     * short while instead of waiting out an election timeout. Raft agent, each duty cycle.
     *
     * @return work done.
     */
    int retryCampaigns() {
        if (campaigns.isEmpty()) {
            return 0;
        }
        final long nowNs = System.nanoTime();
        if (nowNs - lastRetryNs < CAMPAIGN_RETRY_EVERY_NS) {
            return 0;
        }
        lastRetryNs = nowNs;
        int work = 0;
        for (final Long2LongHashMap.EntryIterator it = campaigns.entrySet().iterator(); it.hasNext(); ) {
            it.next();
            final long regionId = it.getLongKey();
            if (nowNs - it.getLongValue() > 0 || raft.leaderStoreId(regionId) != 0 || raft.status(regionId) == null) {
                it.remove();
            } else {
                raft.campaign(regionId);
                work++;
            }
        }
        return work;
    }

    /** @return whether the log holds anything of the region. */
    boolean hasLog(final long regionId) {
        return log.lastIndex(regionId) != 0 || log.hardState(regionId).term() != 0;
    }
}
