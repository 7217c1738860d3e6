package io.tkv.server.raft;

import io.tkv.raft.core.ConfChange;
import io.tkv.raft.store.MultiRaft;
import io.tkv.server.region.RegionRegistry;
import io.tkv.storage.RegionDescriptor;

import java.util.function.LongPredicate;

/**
 * The one way this store proposes a membership change of a region, whoever asks (an admin's ChangePeer, a PD
 * operator step): checked against the region as this store has it — the epoch with both counters (as TiKV checks
 * admin commands), a peer added on a store the transport can reach and that holds no other peer of the region, a new
 * peer id not in use, a removal of a peer that is there — then proposed through the region's log (the Raft core allows
 * one at a time: BUSY while the last is not applied). Raft agent thread; a cold path.
 */
final class ConfChangeProposer {
    private final RegionRegistry regions;
    private final MultiRaft raft;
    private final LongPredicate reachable;

    /** @param reachable whether the transport knows a store's address (this store's own included). */
    ConfChangeProposer(final RegionRegistry regions, final MultiRaft raft, final LongPredicate reachable) {
        this.regions = regions;
        this.raft = raft;
        this.reachable = reachable;
    }

    /** @return why the change cannot be proposed (starting "epoch" for an epoch mismatch), or null. */
    String refusal(
        final long regionId, final long confVer, final long version, final ConfChange.Type type, final long peerId,
        final long storeId) {
        final RegionDescriptor region = regions.get(regionId);
        if (region == null) {
            return "the region is not on this store";
        }
        if (region.confVer() != confVer || region.version() != version) {
            return "epoch: region " + region.id() + " is at (" + region.confVer() + ", " + region.version() + ")";
        }
        if (type == null || peerId <= 0) {
            return "no such change: " + type + " of peer " + peerId;
        }
        final RegionDescriptor.Peer existing = peer(region, peerId);
        if (type == ConfChange.Type.REMOVE_PEER) {
            return existing == null ? "peer " + peerId + " is not in " + region : null;
        }
        if (existing != null) {
            return existing.storeId() == storeId ? null : "peer " + peerId + " is on store " + existing.storeId();
        }
        if (storeId <= 0) {
            return "no store named for the new peer " + peerId;
        }
        if (!reachable.test(storeId)) {
            return "store " + storeId + " is not one this store can reach";
        }
        final RegionDescriptor.Peer onStore = region.peerOnStore(storeId);
        return onStore == null ? null : "store " + storeId + " already holds peer " + onStore.id() + " of the region";
    }

    /**
     * The change to propose, once {@link #refusal} found nothing against it: a removal names the store the peer is on
     * as the region has it, whatever the caller said.
     *
     * @param context the proposer's own data, carried with the change (an admin's correlation id, 0 for PD's).
     */
    ConfChange change(
        final long regionId, final ConfChange.Type type, final long peerId, final long storeId, final long context) {
        final long onStore = type == ConfChange.Type.REMOVE_PEER
            ? peer(regions.get(regionId), peerId).storeId() : storeId;
        return new ConfChange(type, peerId, onStore, context);
    }

    /**
     * @param token the proposal's id for the driver (nonzero), handed back with its committed entry.
     * @return what Raft made of it (ACCEPTED: in the log).
     */
    MultiRaft.Outcome propose(final long regionId, final ConfChange change, final long token) {
        return raft.proposeConfChange(regionId, change, token);
    }

    private static RegionDescriptor.Peer peer(final RegionDescriptor region, final long peerId) {
        for (final RegionDescriptor.Peer peer : region.peers()) {
            if (peer.id() == peerId) {
                return peer;
            }
        }
        return null;
    }
}
