package io.tkv.server.storepd;

/**
 * A split the PD worker found a key and got ids for, for the raft agent to check again and propose: the region must
 * still be at the epoch the key was found at, led here, and the key strictly inside it.
 *
 * @param regionId    the region to split.
 * @param confVer     its conf version when the key was found.
 * @param version     its version when the key was found.
 * @param splitKey    the first stored key of the new region.
 * @param newRegionId the new region (from PD).
 * @param newPeerIds  one new peer per peer of the region, in the order the region lists its peers (from PD).
 */
public record SplitProposal(long regionId, long confVer, long version, byte[] splitKey, long newRegionId,
    long[] newPeerIds) {
}
