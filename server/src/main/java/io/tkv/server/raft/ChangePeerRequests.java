package io.tkv.server.raft;

import io.tkv.codec.ChangePeerDecoder;
import io.tkv.codec.ConfChangeType;
import io.tkv.codec.Status;
import io.tkv.raft.core.ConfChange;
import io.tkv.raft.store.MultiRaft;
import io.tkv.server.region.RegionRegistry;
import io.tkv.server.session.ClientSession;
import io.tkv.server.session.ReplySender;
import io.tkv.storage.RegionDescriptor;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An admin session's ChangePeer: checked against the region as this store has it — the epoch with both counters (as
 * TiKV checks admin commands), a peer added on a store the transport knows and that holds no other peer of the region,
 * a new peer id not in use, a removal of a peer that is there — then proposed as a membership change through the
 * region's log (the Raft core allows one at a time: BUSY while the last is not applied). Every replica applies it
 * ({@code ConfChangeExecutor}); the apply agent answers once it applied here. A cold path. Raft agent thread.
 */
final class ChangePeerRequests {
    private static final Logger LOG = LoggerFactory.getLogger(ChangePeerRequests.class);

    private final RegionRegistry regions;
    private final MultiRaft raft;
    private final ProposalTable proposals;
    private final RequestRouter router;
    private final ReplySender replies;
    private final LongHashSet knownStores;

    ChangePeerRequests(
        final RegionRegistry regions, final MultiRaft raft, final ProposalTable proposals, final RequestRouter router,
        final ReplySender replies, final LongHashSet knownStores) {
        this.regions = regions;
        this.raft = raft;
        this.proposals = proposals;
        this.router = router;
        this.replies = replies;
        this.knownStores = knownStores;
    }

    void onChangePeer(final ClientSession session, final ChangePeerDecoder request) {
        final long correlationId = request.correlationId();
        final long regionId = request.region().regionId();
        final ConfChangeType type = request.changeType();
        final long peerId = request.peerId();
        final long storeId = request.storeId();
        final RegionDescriptor region = regions.get(regionId);
        final String refusal = refusal(region, request.region().confVer(), request.region().version(), type, peerId,
            storeId);
        if (refusal != null) {
            final Status status = region == null ? Status.REGION_NOT_FOUND
                : refusal.startsWith("epoch") ? Status.EPOCH_NOT_MATCH : Status.MALFORMED;
            replies.sendError(session.publication(), correlationId, status, ChangePeerDecoder.TEMPLATE_ID, refusal);
            return;
        }
        // A removal names the store the peer is on as the region has it, whatever the request said.
        final long onStore = type == ConfChangeType.REMOVE_PEER ? storeOf(region, peerId) : storeId;
        final ConfChange change = new ConfChange(ConfChange.Type.values()[type.value()], peerId, onStore,
            correlationId);
        final long id = proposals.add(session.slot(), session.generation(), correlationId,
            ChangePeerDecoder.TEMPLATE_ID);
        if (id == 0) {
            replies.sendError(session.publication(), correlationId, Status.SERVER_BUSY, ChangePeerDecoder.TEMPLATE_ID,
                "too many proposals in flight");
            return;
        }
        final MultiRaft.Outcome outcome = raft.proposeConfChange(regionId, change, id);
        if (outcome != MultiRaft.Outcome.ACCEPTED) {
            proposals.remove(id);
        }
        if (outcome == MultiRaft.Outcome.ACCEPTED) {
            LOG.info("region {}: proposing {} (asked by {})", regionId, change, session.clientName());
        }
        router.answer(outcome, session, regionId, correlationId, ChangePeerDecoder.TEMPLATE_ID);
    }

    private static long storeOf(final RegionDescriptor region, final long peerId) {
        for (final RegionDescriptor.Peer peer : region.peers()) {
            if (peer.id() == peerId) {
                return peer.storeId();
            }
        }
        throw new IllegalStateException("peer " + peerId + " is not in " + region);
    }

    /** @return why the change cannot be proposed, or null. */
    private String refusal(
        final RegionDescriptor region, final long confVer, final long version, final ConfChangeType type,
        final long peerId, final long storeId) {
        if (region == null) {
            return "the region is not on this store";
        }
        if (region.confVer() != confVer || region.version() != version) {
            return "epoch: region " + region.id() + " is at (" + region.confVer() + ", " + region.version() + ")";
        }
        if (type == null || type == ConfChangeType.NULL_VAL || peerId <= 0) {
            return "no such change: " + type + " of peer " + peerId;
        }
        RegionDescriptor.Peer existing = null;
        for (final RegionDescriptor.Peer peer : region.peers()) {
            if (peer.id() == peerId) {
                existing = peer;
            }
        }
        if (type == ConfChangeType.REMOVE_PEER) {
            return existing == null ? "peer " + peerId + " is not in " + region : null;
        }
        if (existing != null) {
            return existing.storeId() == storeId ? null : "peer " + peerId + " is on store " + existing.storeId();
        }
        if (storeId <= 0) {
            return "no store named for the new peer " + peerId;
        }
        if (!knownStores.contains(storeId)) {
            return "store " + storeId + " is not one this store can reach";
        }
        final RegionDescriptor.Peer onStore = region.peerOnStore(storeId);
        return onStore == null ? null : "store " + storeId + " already holds peer " + onStore.id() + " of the region";
    }
}
