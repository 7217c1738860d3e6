package io.tkv.client;

import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.PeerRole;
import io.tkv.codec.RegionListDecoder;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the RegionList frame a store puts in an ErrorResponse (EPOCH_NOT_MATCH, KEY_NOT_IN_REGION): validated as
 * any frame from the network is, before a decoder touches it. Not thread-safe: one per reader.
 */
final class RegionListReader {
    private final FrameValidator validator = Protocol.regionListValidator();
    private final RegionListDecoder decoder = new RegionListDecoder();

    /**
     * @return the regions, none for an empty field.
     * @throws TkvException MALFORMED if the frame is not a valid RegionList.
     */
    List<RegionInfo> read(final DirectBuffer buffer, final int offset, final int length) {
        if (length == 0) {
            return List.of();
        }
        if (validator.validate(buffer, offset, length) != FrameValidator.VALID) {
            throw new TkvException(ErrorCode.MALFORMED, "region list in a reply: " + validator.lastError());
        }
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, validator.blockLength(),
            validator.version());
        final List<RegionInfo> regions = new ArrayList<>();
        for (final RegionListDecoder.RegionsDecoder region : decoder.regions()) {
            final List<RegionInfo.Peer> peers = new ArrayList<>();
            for (final RegionListDecoder.RegionsDecoder.PeersDecoder peer : region.peers()) {
                peers.add(new RegionInfo.Peer(peer.peerId(), peer.storeId(), peer.role() == PeerRole.LEARNER));
            }
            final byte[] start = new byte[region.startKeyLength()];
            region.getStartKey(start, 0, start.length);
            final byte[] end = new byte[region.endKeyLength()];
            region.getEndKey(end, 0, end.length);
            regions.add(new RegionInfo(region.regionId(), start, end, region.confVer(), region.version(),
                region.leaderStoreId(), peers));
        }
        return regions;
    }
}
