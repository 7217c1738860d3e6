package io.tkv.server.apply;

import io.tkv.codec.ChangePeerDecoder;
import io.tkv.codec.ChangePeerResponseEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.Status;
import io.tkv.raft.core.ConfChange;
import io.tkv.server.region.RegionListWriter;
import io.tkv.storage.ApplyBatch;
import io.tkv.storage.RegionDescriptor;
import org.agrona.ExpandableDirectByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies a committed membership change to the region's descriptor, on every replica alike, as the Raft core applied
 * it to the group's membership when the entry was appended: ADD_VOTER makes the peer a voter (adding it, or promoting
 * a learner), ADD_LEARNER a learner, REMOVE_PEER removes it; a change that changes the region raises its conf version
 * by one, persisted with the entry's applied index. A change the core decoded as malformed (a no-op for its
 * membership) is a no-op here too; so is one the descriptor cannot hold (a second peer on one store: the leader never
 * proposes it), logged. Returns whether this store's own peer was removed, for the apply agent to destroy the region
 * here once the change is committed. Single-threaded (the apply agent's).
 */
final class ConfChangeExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(ConfChangeExecutor.class);

    private final PendingReplies replies;
    private final AppliedRegions regions;
    private final long storeId;
    private final RegionListWriter listWriter = new RegionListWriter();
    private final ExpandableDirectByteBuffer list = new ExpandableDirectByteBuffer(256);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ChangePeerResponseEncoder reply = new ChangePeerResponseEncoder();

    ConfChangeExecutor(final PendingReplies replies, final AppliedRegions regions, final long storeId) {
        this.replies = replies;
        this.regions = regions;
        this.storeId = storeId;
    }

    /**
     * @param data   the entry's data.
     * @param region the region, its batch open with the entry begun.
     * @return the removed peer's id if this store's own peer was removed, else 0.
     */
    long execute(final ApplyBatch batch, final byte[] data, final AppliedRegions.Region region, final int slot,
        final int generation) {
        final RegionDescriptor current = region.descriptor;
        final ConfChange change;
        try {
            change = ConfChange.decode(data);
        } catch (final IllegalArgumentException ex) {
            answer(slot, generation, 0, Status.MALFORMED, "membership change malformed, not applied", current);
            return 0;
        }
        final List<RegionDescriptor.Peer> peers = apply(current.peers(), change);
        if (peers == null) {
            answer(slot, generation, change.context(), Status.OK, "", current);
            return 0;
        }
        final RegionDescriptor next;
        try {
            next = new RegionDescriptor(current.id(), current.start(), current.end(), current.confVer() + 1,
                current.version(), peers);
        } catch (final IllegalArgumentException ex) {
            LOG.error("region {}: membership change {} cannot be recorded ({}); the region stays {}", current.id(),
                change, ex.getMessage(), current);
            answer(slot, generation, change.context(), Status.MALFORMED,
                "membership change cannot be recorded: " + ex.getMessage(), current);
            return 0;
        }
        batch.putRegion(next);
        regions.change(region, next);
        answer(slot, generation, change.context(), Status.OK, "", next);
        LOG.info("region {}: {} applied, now {}", current.id(), change, next);
        final RegionDescriptor.Peer self = current.peerOnStore(storeId);
        return change.type() == ConfChange.Type.REMOVE_PEER && self != null && self.id() == change.peerId()
            ? self.id() : 0;
    }

    /** @return the peers after the change, or null if it changes nothing. */
    private static List<RegionDescriptor.Peer> apply(final List<RegionDescriptor.Peer> peers, final ConfChange change) {
        final List<RegionDescriptor.Peer> next = new ArrayList<>(peers);
        int at = -1;
        for (int i = 0; i < next.size(); i++) {
            if (next.get(i).id() == change.peerId()) {
                at = i;
            }
        }
        final RegionDescriptor.Role role = switch (change.type()) {
            case ADD_VOTER -> RegionDescriptor.Role.VOTER;
            case ADD_LEARNER -> RegionDescriptor.Role.LEARNER;
            case REMOVE_PEER -> null;
        };
        if (role == null) {
            if (at < 0) {
                return null;
            }
            next.remove(at);
        } else if (at >= 0) {
            if (next.get(at).role() == role) {
                return null;
            }
            next.set(at, new RegionDescriptor.Peer(change.peerId(), next.get(at).storeId(), role));
        } else {
            next.add(new RegionDescriptor.Peer(change.peerId(), change.storeId(), role));
        }
        return next;
    }

    private void answer(final int slot, final int generation, final long requestId, final Status status,
        final String message, final RegionDescriptor region) {
        if (generation == 0) {
            return;
        }
        if (status != Status.OK) {
            replies.commitError(slot, generation, requestId, status, ChangePeerDecoder.TEMPLATE_ID, message);
            return;
        }
        final int listLength = listWriter.write(List.of(region), id -> 0, list, 0);
        reply.wrapAndApplyHeader(replies.buffer(), replies.position(), header)
            .correlationId(requestId)
            .status(status)
            .errorMessage(message)
            .putRegions(list, 0, listLength);
        replies.commit(slot, generation, MessageHeaderEncoder.ENCODED_LENGTH + reply.encodedLength(), true);
    }
}
