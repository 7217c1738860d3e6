package io.tkv.client;

import java.util.Arrays;

/**
 * The ids PD allocated for one split (AskSplit): the new region's and one new peer per peer of the region, in the
 * order the region lists its peers.
 *
 * @param newRegionId the new region.
 * @param newPeerIds  the new region's peers.
 */
public record SplitIds(long newRegionId, long[] newPeerIds) {
    public SplitIds {
        newPeerIds = newPeerIds.clone();
    }

    @Override
    public long[] newPeerIds() {
        return newPeerIds.clone();
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof SplitIds ids && ids.newRegionId == newRegionId
            && Arrays.equals(ids.newPeerIds, newPeerIds);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(newRegionId) * 31 + Arrays.hashCode(newPeerIds);
    }

    @Override
    public String toString() {
        return "SplitIds{region " + newRegionId + ", peers " + Arrays.toString(newPeerIds) + '}';
    }
}
