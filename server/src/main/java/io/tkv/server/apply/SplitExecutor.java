package io.tkv.server.apply;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.SplitRegionDecoder;
import io.tkv.codec.SplitRegionResponseEncoder;
import io.tkv.codec.Status;
import io.tkv.raft.store.MultiRaft;
import io.tkv.server.region.RegionListWriter;
import io.tkv.storage.ApplyBatch;
import io.tkv.storage.RegionApplyState;
import io.tkv.storage.RegionDescriptor;
import io.tkv.storage.command.CommandReader;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies a SPLIT command, on every replica alike, in a batch that holds it alone: the region keeps
 * {@code [start, splitKey)}, a new region takes {@code [splitKey, end)} with one new peer per peer of the region on
 * the same store and in the same role, both at the region's epoch version + 1 (the conf version stays), as TiKV's
 * split does. Both descriptors, the new region's apply state at the split's initial point and its copy of the dedup
 * records go in the one write batch ({@link ApplyBatch#createSplitRegion}). A split that does not fit the region as it
 * is — another epoch (both counters are checked, as for TiKV's admin commands), a key not strictly inside, ids that
 * repeat or peers that do not match — applies nothing and is answered why. What it checks is the command and the
 * region's descriptor alone; a new region id this store already holds means ids were handed out twice, and fails the
 * store rather than overwrite a region. Single-threaded (the apply agent's).
 */
final class SplitExecutor {
    private final PendingReplies replies;
    private final AppliedRegions regions;
    private final RegionListWriter listWriter = new RegionListWriter();
    private final ExpandableDirectByteBuffer list = new ExpandableDirectByteBuffer(256);
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final SplitRegionResponseEncoder reply = new SplitRegionResponseEncoder();
    private long splits;

    SplitExecutor(final PendingReplies replies, final AppliedRegions regions) {
        this.replies = replies;
        this.regions = regions;
    }

    /**
     * @param region the region the split entry is of, its batch open with the split entry begun (and nothing else).
     * @throws IllegalStateException if the new region id is already on this store.
     */
    void execute(final ApplyBatch batch, final CommandReader command, final AppliedRegions.Region region,
        final int slot, final int generation) {
        final RegionDescriptor parent = region.descriptor;
        final long requestId = command.requestId();
        if (command.regionId() != parent.id()) {
            refuse(slot, generation, requestId, Status.MALFORMED, "a split of region " + command.regionId()
                + " in the log of region " + parent.id());
            return;
        }
        if (command.confVer() != parent.confVer() || command.epochVersion() != parent.version()) {
            refuse(slot, generation, requestId, Status.EPOCH_NOT_MATCH, "region " + parent.id() + " is at epoch ("
                + parent.confVer() + ", " + parent.version() + "), the split names (" + command.confVer() + ", "
                + command.epochVersion() + ")");
            return;
        }
        command.nextItem(view);
        final byte[] splitKey = new byte[view.capacity()];
        view.getBytes(0, splitKey);
        final long newRegionId = command.nextId(view);
        if (!parent.canSplitAt(splitKey)) {
            refuse(slot, generation, requestId, Status.KEY_NOT_IN_REGION, "split key not strictly inside " + parent);
            return;
        }
        final long[] peerIds = new long[command.count() - 2];
        for (int i = 0; i < peerIds.length; i++) {
            peerIds[i] = command.nextId(view);
        }
        final String badIds = checkIds(parent, newRegionId, peerIds);
        if (badIds != null) {
            refuse(slot, generation, requestId, Status.MALFORMED, badIds);
            return;
        }
        if (regions.get(newRegionId) != null) {
            throw new IllegalStateException("split of region " + parent.id() + " makes region " + newRegionId
                + ", which this store already holds: region ids were handed out twice");
        }
        final List<RegionDescriptor.Peer> newPeers = new ArrayList<>(peerIds.length);
        for (int i = 0; i < peerIds.length; i++) {
            final RegionDescriptor.Peer peer = parent.peers().get(i);
            newPeers.add(new RegionDescriptor.Peer(peerIds[i], peer.storeId(), peer.role()));
        }
        final RegionDescriptor left = new RegionDescriptor(parent.id(), parent.start(), splitKey, parent.confVer(),
            parent.version() + 1, parent.peers());
        final RegionDescriptor right = new RegionDescriptor(newRegionId, splitKey, parent.end(), parent.confVer(),
            parent.version() + 1, newPeers);
        batch.putRegion(left);
        final RegionApplyState childState =
            batch.createSplitRegion(right, MultiRaft.BOOTSTRAP_INDEX, MultiRaft.BOOTSTRAP_TERM);
        regions.split(region, left, childState, right);
        splits++;
        if (generation != 0) {
            final int listLength = listWriter.write(List.of(left, right), id -> 0, list, 0);
            reply.wrapAndApplyHeader(replies.buffer(), replies.position(), header)
                .correlationId(requestId)
                .status(Status.OK)
                .errorMessage("")
                .putRegions(list, 0, listLength);
            replies.commit(slot, generation, MessageHeaderEncoder.ENCODED_LENGTH + reply.encodedLength(), true);
        }
    }

    /** @return how many splits applied. */
    long splits() {
        return splits;
    }

    /** @return why the ids cannot make the new region, or null if they can. */
    private static String checkIds(final RegionDescriptor parent, final long newRegionId, final long[] peerIds) {
        if (peerIds.length != parent.peers().size()) {
            return "a split names " + peerIds.length + " new peers for the " + parent.peers().size() + " of " + parent;
        }
        if (newRegionId <= 0 || newRegionId == parent.id()) {
            return "new region id " + newRegionId;
        }
        final LongHashSet seen = new LongHashSet();
        for (final RegionDescriptor.Peer peer : parent.peers()) {
            seen.add(peer.id());
        }
        for (final long id : peerIds) {
            if (id <= 0 || !seen.add(id)) {
                return "new peer id " + id + " repeats or is not positive";
            }
        }
        return null;
    }

    private void refuse(final int slot, final int generation, final long requestId, final Status status,
        final String why) {
        if (generation != 0) {
            replies.commitError(slot, generation, requestId, status, SplitRegionDecoder.TEMPLATE_ID, why);
        }
    }
}
