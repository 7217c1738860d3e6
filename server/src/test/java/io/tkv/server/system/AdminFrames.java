package io.tkv.server.system;

import io.tkv.codec.BooleanType;
import io.tkv.codec.ErrorResponseDecoder;
import io.tkv.codec.InjectFaultEncoder;
import io.tkv.codec.InjectFaultResponseDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RaftRole;
import io.tkv.codec.Status;
import io.tkv.codec.StoreStatusEncoder;
import io.tkv.codec.StoreStatusResponseDecoder;
import org.agrona.ExpandableDirectByteBuffer;

/** The admin requests (StoreStatus, InjectFault) over a {@link RawSession}, for system tests. */
final class AdminFrames {
    /** Region 1 as one store sees it. */
    record RegionStatus(long storeId, RaftRole role, long term, long leaderStoreId, long commit, long applied,
        long lastIndex, long logBytes, long firstIndex, int logCycleFiles, String failure, Refused refused) {
    }

    /** What the store refused from the network between stores (StoreStatusResponse, version 3). */
    record Refused(long unauthenticated, long replayed, long notMember, long raftNotMember) {
    }

    private static final long TIMEOUT_MS = 10_000;

    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(256);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private long nextCorrelationId = 1000;

    RegionStatus status(final RawSession session) {
        final long correlationId = nextCorrelationId++;
        final StoreStatusEncoder request = new StoreStatusEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(correlationId).sessionToken(session.sessionToken());
        final long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        session.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + request.encodedLength(), deadline);
        session.awaitReply(template -> template == StoreStatusResponseDecoder.TEMPLATE_ID
            || template == ErrorResponseDecoder.TEMPLATE_ID, deadline);
        if (session.lastTemplateId() == ErrorResponseDecoder.TEMPLATE_ID) {
            final ErrorResponseDecoder error = new ErrorResponseDecoder()
                .wrapAndApplyHeader(session.lastFrame(), 0, headerDecoder);
            throw new IllegalStateException("StoreStatus refused: " + error.status() + " " + error.errorMessage());
        }
        final StoreStatusResponseDecoder reply = new StoreStatusResponseDecoder()
            .wrapAndApplyHeader(session.lastFrame(), 0, headerDecoder);
        final long storeId = reply.storeId();
        final long logBytes = reply.logBytes();
        final int cycleFiles = reply.logCycleFiles();
        final Refused refused = new Refused(reply.peerFramesUnauthenticated(), reply.peerFramesReplayed(),
            reply.peerFramesNotMember(), reply.raftMessagesNotMember());
        RegionStatus found = null;
        for (final StoreStatusResponseDecoder.RegionsDecoder region : reply.regions()) {
            if (region.regionId() == 1) {
                found = new RegionStatus(storeId, region.role(), region.term(), region.leaderStoreId(),
                    region.commitIndex(), region.appliedIndex(), region.lastIndex(), logBytes, region.firstIndex(),
                    cycleFiles, "", refused);
            }
        }
        final String failure = reply.errorMessage();
        if (found == null) {
            throw new IllegalStateException("store " + storeId + " does not serve region 1");
        }
        return new RegionStatus(found.storeId(), found.role(), found.term(), found.leaderStoreId(), found.commit(),
            found.applied(), found.lastIndex(), found.logBytes(), found.firstIndex(), found.logCycleFiles(), failure,
            refused);
    }

    /** Replaces the store's partition: isolated from every store, or from these; nothing heals. */
    Status injectFault(final RawSession session, final boolean isolateAll, final long... storeIds) {
        final long correlationId = nextCorrelationId++;
        final InjectFaultEncoder request = new InjectFaultEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(correlationId).sessionToken(session.sessionToken())
            .isolateAll(isolateAll ? BooleanType.TRUE : BooleanType.FALSE);
        final InjectFaultEncoder.StoresEncoder stores = request.storesCount(storeIds.length);
        for (final long storeId : storeIds) {
            stores.next().storeId(storeId);
        }
        final long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        session.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + request.encodedLength(), deadline);
        session.awaitReply(template -> template == InjectFaultResponseDecoder.TEMPLATE_ID, deadline);
        return new InjectFaultResponseDecoder().wrapAndApplyHeader(session.lastFrame(), 0, headerDecoder).status();
    }
}
