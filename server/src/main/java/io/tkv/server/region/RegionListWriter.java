package io.tkv.server.region;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.PeerRole;
import io.tkv.codec.RegionListEncoder;
import io.tkv.storage.RegionDescriptor;
import org.agrona.MutableDirectBuffer;

import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * Encodes regions as a RegionList frame (header included): what an ErrorResponse carries with EPOCH_NOT_MATCH and
 * KEY_NOT_IN_REGION so the client can correct its region cache. Not thread-safe.
 */
public final class RegionListWriter {
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final RegionListEncoder encoder = new RegionListEncoder();

    /**
     * @param leaderOf the store believed to lead a region, 0 if unknown.
     * @return the frame's length.
     */
    public int write(
        final List<RegionDescriptor> regions, final LongUnaryOperator leaderOf, final MutableDirectBuffer out,
        final int offset) {
        encoder.wrapAndApplyHeader(out, offset, header);
        final RegionListEncoder.RegionsEncoder group = encoder.regionsCount(regions.size());
        for (final RegionDescriptor region : regions) {
            group.next()
                .regionId(region.id())
                .confVer(region.confVer())
                .version(region.version())
                .leaderStoreId(leaderOf.applyAsLong(region.id()));
            final RegionListEncoder.RegionsEncoder.PeersEncoder peers = group.peersCount(region.peers().size());
            for (final RegionDescriptor.Peer peer : region.peers()) {
                peers.next().peerId(peer.id()).storeId(peer.storeId())
                    .role(peer.role() == RegionDescriptor.Role.LEARNER ? PeerRole.LEARNER : PeerRole.VOTER);
            }
            final byte[] start = region.start();
            final byte[] end = region.end();
            group.putStartKey(start, 0, start.length).putEndKey(end, 0, end.length);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
