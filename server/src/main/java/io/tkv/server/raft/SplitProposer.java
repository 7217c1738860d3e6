package io.tkv.server.raft;

import io.tkv.codec.Status;
import io.tkv.server.region.RegionRegistry;
import io.tkv.storage.RegionDescriptor;
import io.tkv.storage.command.Command;
import io.tkv.storage.command.CommandWriter;
import org.agrona.ExpandableArrayBuffer;

import java.util.Arrays;

/**
 * The one way this store splits a region, whoever asks (an admin's SplitRegion, the split checker, a PD operator
 * step): checked against the region as this store has it — the epoch with both counters, a key strictly inside, one
 * new peer per peer, a new region id not on this store — then written as the SPLIT command the region's log carries
 * and every replica applies ({@code SplitExecutor}). Raft agent thread; a cold path: it allocates.
 */
final class SplitProposer {
    /** Why a split cannot be proposed: the status to answer with and a message. */
    record Refusal(Status status, String message) {
    }

    private final RegionRegistry regions;
    private final CommandWriter writer = new CommandWriter();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(256);

    SplitProposer(final RegionRegistry regions) {
        this.regions = regions;
    }

    /** @return why the split cannot be proposed, or null. */
    Refusal refusal(
        final long regionId, final long confVer, final long version, final byte[] splitKey, final long newRegionId,
        final int newPeerCount) {
        final RegionDescriptor region = regions.get(regionId);
        if (region == null) {
            return new Refusal(Status.REGION_NOT_FOUND, "region " + regionId + " is not on this store");
        }
        if (region.confVer() != confVer || region.version() != version) {
            return new Refusal(Status.EPOCH_NOT_MATCH,
                "region " + regionId + " is at epoch (" + region.confVer() + ", " + region.version() + ")");
        }
        if (!region.canSplitAt(splitKey)) {
            return new Refusal(Status.KEY_NOT_IN_REGION, "split key not strictly inside " + region);
        }
        if (newPeerCount != region.peers().size()) {
            return new Refusal(Status.MALFORMED,
                "one new peer id per peer of " + region + ", not " + newPeerCount);
        }
        if (newRegionId <= 0 || regions.get(newRegionId) != null) {
            return new Refusal(Status.MALFORMED,
                "new region id " + newRegionId + " is not positive or already on this store");
        }
        return null;
    }

    /**
     * @param correlationId the asking admin's request id (the apply agent answers it), 0 when nobody waits.
     * @return the SPLIT command for a split {@link #refusal} found nothing against.
     */
    byte[] command(
        final long regionId, final long confVer, final long version, final byte[] splitKey, final long newRegionId,
        final long[] newPeerIds, final long correlationId, final long nowMs) {
        writer.begin(scratch, 0, Command.SPLIT, 0, nowMs, regionId, confVer, version, 0, correlationId, 0, 0)
            .item(splitKey).id(newRegionId);
        for (final long peerId : newPeerIds) {
            writer.id(peerId);
        }
        return Arrays.copyOf(scratch.byteArray(), writer.finish());
    }
}
