package io.tkv.server.pd;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.PeerRole;
import io.tkv.codec.RegionListEncoder;
import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import org.agrona.MutableDirectBuffer;

import java.util.List;

/**
 * Encodes the {@code pd} module's regions as a RegionList frame (header included), as GetRegionResponse and
 * ScanRegionsResponse carry them: range, epoch, peers and the store of the leader that last reported (0: none).
 * The store's own regions are written by {@code RegionListWriter}; this is the same frame from PD's registry.
 * Not thread safe.
 */
final class PdRegionListWriter {
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final RegionListEncoder encoder = new RegionListEncoder();

    /** @return the frame's length. */
    int write(final List<RegionInfo> regions, final MutableDirectBuffer out, final int offset) {
        encoder.wrapAndApplyHeader(out, offset, header);
        final RegionListEncoder.RegionsEncoder group = encoder.regionsCount(regions.size());
        for (final RegionInfo region : regions) {
            group.next()
                .regionId(region.id())
                .confVer(region.epoch().confVer())
                .version(region.epoch().version())
                .leaderStoreId(region.leader() == null ? 0 : region.leader().storeId());
            final RegionListEncoder.RegionsEncoder.PeersEncoder peers = group.peersCount(region.peers().size());
            for (final Peer peer : region.peers()) {
                peers.next().peerId(peer.peerId()).storeId(peer.storeId())
                    .role(peer.isVoter() ? PeerRole.VOTER : PeerRole.LEARNER);
            }
            final byte[] start = region.startKey();
            final byte[] end = region.endKey();
            group.putStartKey(start, 0, start.length).putEndKey(end, 0, end.length);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
