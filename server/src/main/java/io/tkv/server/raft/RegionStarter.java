package io.tkv.server.raft;

import io.tkv.log.RaftLog;
import io.tkv.raft.core.ConfState;
import io.tkv.raft.store.MultiRaft;
import io.tkv.raft.store.PeerDirectory;
import io.tkv.storage.RegionDescriptor;
import org.agrona.collections.Long2LongHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the store's peer of a region in the multi-Raft driver from the region's descriptor: its peer id, its
 * membership, which store hosts each peer. At start-up for every region the store holds; on the raft agent for each
 * region a split made (its log starts at the split's initial point, as a founding region's does; on the store that
 * leads the parent its peer campaigns at once, as TiKV's does, so the new region has a leader without waiting out an
 * election timeout). Raft agent thread (or start-up, before the agents run).
 */
final class RegionStarter {
    private static final Logger LOG = LoggerFactory.getLogger(RegionStarter.class);

    private final MultiRaft raft;
    private final RaftLog log;
    private final long storeId;

    RegionStarter(final MultiRaft raft, final RaftLog log, final long storeId) {
        this.raft = raft;
        this.log = log;
        this.storeId = storeId;
    }

    /** @return whether the store's peer of the region is now served (false: the region has no peer here). */
    boolean start(final RegionDescriptor region, final long appliedIndex) {
        final RegionDescriptor.Peer self = region.peerOnStore(storeId);
        if (self == null) {
            LOG.warn("region {} has no peer on store {}: not served ({})", region.id(), storeId, region);
            return false;
        }
        raft.addRegion(region.id(), self.id(), new ConfState(region.voterIds(), region.learnerIds()), appliedIndex,
            peerDirectory(region));
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
        }
        LOG.info("region {} split from region {}: {}", region.id(), parentId, region);
    }

    /** @return whether the log holds anything of the region. */
    boolean hasLog(final long regionId) {
        return log.lastIndex(regionId) != 0 || log.hardState(regionId).term() != 0;
    }

    /** @return which store hosts each of the region's peers. */
    private static PeerDirectory peerDirectory(final RegionDescriptor region) {
        final Long2LongHashMap stores = new Long2LongHashMap(0);
        for (final RegionDescriptor.Peer peer : region.peers()) {
            stores.put(peer.id(), peer.storeId());
        }
        return stores::get;
    }
}
