package io.tkv.server.raft;

import io.tkv.raft.store.PeerDirectory;
import io.tkv.server.region.RegionRegistry;
import io.tkv.storage.RegionDescriptor;
import org.agrona.collections.Long2LongHashMap;

/**
 * Which store hosts each peer of one region, for the store's Raft driver: what the region's descriptor in the
 * {@link RegionRegistry} says (as of the last change the apply agent committed, or a snapshot installed), and ahead of
 * it what the driver learned from membership changes appended to the log — the leader sends to a peer it adds before
 * the change applies anywhere. Raft agent thread; the registry read is a volatile read and a walk over a few peers.
 */
final class StorePeerDirectory implements PeerDirectory {
    private final long regionId;
    private final RegionRegistry registry;
    private final Long2LongHashMap learned = new Long2LongHashMap(0);

    StorePeerDirectory(final long regionId, final RegionRegistry registry) {
        this.regionId = regionId;
        this.registry = registry;
    }

    @Override
    public long storeOf(final long peerId) {
        final long store = learned.get(peerId);
        if (store != 0) {
            return store;
        }
        final RegionDescriptor region = registry.get(regionId);
        if (region != null) {
            for (final RegionDescriptor.Peer peer : region.peers()) {
                if (peer.id() == peerId) {
                    return peer.storeId();
                }
            }
        }
        return 0;
    }

    @Override
    public void learn(final long peerId, final long storeId) {
        learned.put(peerId, storeId);
    }
}
