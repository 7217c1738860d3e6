package io.tkv.server.ingress;

import io.tkv.codec.LocateRegionDecoder;
import io.tkv.codec.LocateRegionResponseEncoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.Status;
import io.tkv.server.region.RegionListWriter;
import io.tkv.server.region.RegionRegistry;
import io.tkv.server.session.ClientSession;
import io.tkv.server.session.ReplySender;
import io.tkv.storage.RegionDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * Answers LocateRegion for any session: the region of this store whose range holds a stored key, with the leader this
 * store knows of it, from the {@link RegionRegistry}; REGION_NOT_FOUND when no region here holds it. How a client
 * without PD finds where a key lives. Raft agent thread (the leader hint is the driver's).
 */
final class RegionLocator {
    private final RegionRegistry regions;
    private final LongUnaryOperator leaderOf;
    private final ReplySender replies;
    private final LocateRegionDecoder request = new LocateRegionDecoder();
    private final LocateRegionResponseEncoder response = new LocateRegionResponseEncoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final RegionListWriter listWriter = new RegionListWriter();
    private final ExpandableDirectByteBuffer list = new ExpandableDirectByteBuffer(256);
    private final ExpandableDirectByteBuffer out = new ExpandableDirectByteBuffer(512);
    private final UnsafeBuffer key = new UnsafeBuffer(0, 0);

    RegionLocator(final RegionRegistry regions, final LongUnaryOperator leaderOf, final ReplySender replies) {
        this.regions = regions;
        this.leaderOf = leaderOf;
        this.replies = replies;
    }

    void onRequest(final ClientSession session, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        request.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version).wrapKey(key);
        final RegionDescriptor region = regions.containing(key, 0, key.capacity());
        response.wrapAndApplyHeader(out, 0, header).correlationId(request.correlationId());
        if (region == null) {
            response.status(Status.REGION_NOT_FOUND).errorMessage("no region of this store holds the key")
                .putRegions(list, 0, 0);
        } else {
            final int length = listWriter.write(List.of(region), leaderOf, list, 0);
            response.status(Status.OK).errorMessage("").putRegions(list, 0, length);
        }
        replies.send(session.publication(), out, 0, MessageHeaderEncoder.ENCODED_LENGTH + response.encodedLength());
    }
}
