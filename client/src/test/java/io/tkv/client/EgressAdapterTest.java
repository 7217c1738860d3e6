package io.tkv.client;

import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import io.tkv.codec.BooleanType;
import io.tkv.codec.ChallengeEncoder;
import io.tkv.codec.ConnectedEncoder;
import io.tkv.codec.ErrorResponseEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.PeerRole;
import io.tkv.codec.RawBatchGetResponseEncoder;
import io.tkv.codec.RawCompareAndSwapResponseEncoder;
import io.tkv.codec.RawDeleteRangeResponseEncoder;
import io.tkv.codec.RawGetResponseEncoder;
import io.tkv.codec.RawPutResponseEncoder;
import io.tkv.codec.RawScanResponseEncoder;
import io.tkv.codec.RegionListEncoder;
import io.tkv.codec.Status;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import static io.tkv.client.StoreFixture.bytes;
import static io.tkv.client.StoreFixture.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replies decode into results and exceptions, and reach the request their correlation id names. */
class EgressAdapterTest {
    private final InFlightRequests inFlight = new InFlightRequests(16, new java.util.concurrent.atomic.AtomicLong());
    private final RecordingListener listener = new RecordingListener();
    private final EgressAdapter adapter = new EgressAdapter(inFlight, listener);
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    @Test
    void shouldDecodeGetFoundAndAbsent() {
        final PendingRequest<byte[]> found = pending(1, RawGetResponseEncoder.TEMPLATE_ID);
        final RawGetResponseEncoder get = new RawGetResponseEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(1).status(Status.OK).found(BooleanType.TRUE);
        get.putValue(bytes("v"), 0, 1).errorMessage("");
        deliver(get.encodedLength());
        assertEquals("v", text(found.future().join()));

        final PendingRequest<byte[]> absent = pending(2, RawGetResponseEncoder.TEMPLATE_ID);
        final RawGetResponseEncoder none = new RawGetResponseEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(2).status(Status.OK).found(BooleanType.FALSE);
        none.putValue(new byte[0], 0, 0).errorMessage("");
        deliver(none.encodedLength());
        assertNull(absent.future().join());
        assertEquals(0, inFlight.size());
    }

    @Test
    void shouldDecodeBatchGetKeepingOnlyFoundPairs() {
        final PendingRequest<List<KvPair>> request = pending(3, RawBatchGetResponseEncoder.TEMPLATE_ID);
        final RawBatchGetResponseEncoder encoder = new RawBatchGetResponseEncoder()
            .wrapAndApplyHeader(buffer, 0, header).correlationId(3).status(Status.OK);
        final RawBatchGetResponseEncoder.PairsEncoder pairs = encoder.pairsCount(3);
        pairs.next().found(BooleanType.TRUE).putKey(bytes("a"), 0, 1).putValue(bytes("1"), 0, 1);
        pairs.next().found(BooleanType.FALSE).putKey(bytes("b"), 0, 1).putValue(new byte[0], 0, 0);
        pairs.next().found(BooleanType.TRUE).putKey(bytes("c"), 0, 1).putValue(bytes("3"), 0, 1);
        encoder.errorMessage("");
        deliver(encoder.encodedLength());
        assertEquals(List.of(KvPair.of("a", "1"), KvPair.of("c", "3")), request.future().join());
    }

    @Test
    void shouldDecodeScanPageWithHasMore() {
        final PendingRequest<ScanPage> request = pending(4, RawScanResponseEncoder.TEMPLATE_ID);
        final RawScanResponseEncoder encoder = new RawScanResponseEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(4).status(Status.OK).hasMore(BooleanType.TRUE);
        encoder.pairsCount(1).next().putKey(bytes("k"), 0, 1).putValue(bytes("v"), 0, 1);
        encoder.errorMessage("");
        encoder.putResumeKey(new byte[0], 0, 0);
        deliver(encoder.encodedLength());
        final ScanPage page = request.future().join();
        assertTrue(page.hasMore());
        assertEquals(List.of(KvPair.of("k", "v")), page.pairs());
        assertNull(page.resumeKey());
    }

    @Test
    void shouldDecodeTheResumeKeyOfAScanPageAndReadAVersion2PageWithoutOne() {
        final PendingRequest<ScanPage> request = pending(4, RawScanResponseEncoder.TEMPLATE_ID);
        final RawScanResponseEncoder encoder = new RawScanResponseEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(4).status(Status.OK).hasMore(BooleanType.TRUE);
        encoder.pairsCount(0);
        encoder.errorMessage("");
        encoder.putResumeKey(bytes("next"), 0, 4);
        deliver(encoder.encodedLength());
        final ScanPage page = request.future().join();
        assertTrue(page.hasMore());
        assertEquals(List.of(), page.pairs());
        assertEquals("next", text(page.resumeKey()));

        // A store of version 2 sends no resume key at all.
        final PendingRequest<ScanPage> old = pending(5, RawScanResponseEncoder.TEMPLATE_ID);
        final RawScanResponseEncoder v2 = new RawScanResponseEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(5).status(Status.OK).hasMore(BooleanType.TRUE);
        header.version(2);
        v2.pairsCount(1).next().putKey(bytes("k"), 0, 1).putValue(bytes("v"), 0, 1);
        v2.errorMessage("");
        deliver(v2.encodedLength());
        final ScanPage oldPage = old.future().join();
        assertEquals(List.of(KvPair.of("k", "v")), oldPage.pairs());
        assertNull(oldPage.resumeKey());
        assertEquals(0, adapter.framesRejected());
    }

    @Test
    void shouldDecodeCompareAndSwap() {
        final PendingRequest<CasResult> request = pending(5, RawCompareAndSwapResponseEncoder.TEMPLATE_ID);
        final RawCompareAndSwapResponseEncoder encoder = new RawCompareAndSwapResponseEncoder()
            .wrapAndApplyHeader(buffer, 0, header).correlationId(5).status(Status.OK).swapped(BooleanType.FALSE)
            .previousFound(BooleanType.TRUE);
        encoder.putPreviousValue(bytes("old"), 0, 3).errorMessage("");
        deliver(encoder.encodedLength());
        assertEquals(new CasResult(false, bytes("old")), request.future().join());

        final PendingRequest<CasResult> absent = pending(6, RawCompareAndSwapResponseEncoder.TEMPLATE_ID);
        final RawCompareAndSwapResponseEncoder none = new RawCompareAndSwapResponseEncoder()
            .wrapAndApplyHeader(buffer, 0, header).correlationId(6).status(Status.OK).swapped(BooleanType.TRUE)
            .previousFound(BooleanType.FALSE);
        none.putPreviousValue(new byte[0], 0, 0).errorMessage("");
        deliver(none.encodedLength());
        assertEquals(new CasResult(true, null), absent.future().join());
    }

    @Test
    void shouldFailOnAStatusInTheResponse() {
        final PendingRequest<Void> request = pending(7, RawDeleteRangeResponseEncoder.TEMPLATE_ID);
        final RawDeleteRangeResponseEncoder encoder = new RawDeleteRangeResponseEncoder()
            .wrapAndApplyHeader(buffer, 0, header).correlationId(7).status(Status.NOT_LEADER).errorMessage("go away");
        deliver(encoder.encodedLength());
        final TkvException ex = failure(request);
        assertEquals(ErrorCode.NOT_LEADER, ex.code());
        assertEquals("NOT_LEADER: go away", ex.getMessage());
    }

    @Test
    void shouldHandTheRegionsOfAnEpochErrorToTheCaller() {
        final UnsafeBuffer list = new UnsafeBuffer(new byte[512]);
        final RegionListEncoder encoder = new RegionListEncoder().wrapAndApplyHeader(list, 0, header);
        final RegionListEncoder.RegionsEncoder regions = encoder.regionsCount(2);
        regions.next().regionId(4).confVer(2).version(6).leaderStoreId(3).peersCount(2)
            .next().peerId(41).storeId(3).role(PeerRole.VOTER)
            .next().peerId(42).storeId(1).role(PeerRole.LEARNER);
        regions.putStartKey(bytes("ra"), 0, 2).putEndKey(bytes("rm"), 0, 2);
        regions.next().regionId(5).confVer(1).version(6).leaderStoreId(0).peersCount(0);
        regions.putStartKey(bytes("rm"), 0, 2).putEndKey(new byte[0], 0, 0);
        final int listLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();

        final PendingRequest<Void> stale = pending(10, RawPutResponseEncoder.TEMPLATE_ID);
        deliver(errorWithRegions(10, Status.EPOCH_NOT_MATCH, list, listLength));
        final TkvException ex = failure(stale);
        assertEquals(ErrorCode.EPOCH_NOT_MATCH, ex.code());
        assertEquals(List.of(
            new RegionInfo(4, bytes("ra"), bytes("rm"), 2, 6, 3,
                List.of(new RegionInfo.Peer(41, 3, false), new RegionInfo.Peer(42, 1, true))),
            new RegionInfo(5, bytes("rm"), new byte[0], 1, 6, 0, List.of())), ex.regions());
        assertTrue(ex.regions().get(0).contains(bytes("rb")));
        assertFalse(ex.regions().get(0).contains(bytes("rm")));
        assertEquals(ex.regions(), ex.rethrowable().regions(), "the caller's copy carries them too");

        // A damaged list: the refusal stands, without the hint.
        final PendingRequest<Void> damaged = pending(11, RawPutResponseEncoder.TEMPLATE_ID);
        deliver(errorWithRegions(11, Status.KEY_NOT_IN_REGION, list, listLength - 3));
        final TkvException damagedFailure = failure(damaged);
        assertEquals(ErrorCode.KEY_NOT_IN_REGION, damagedFailure.code());
        assertTrue(damagedFailure.regions().isEmpty());
    }

    @Test
    void shouldMapErrorResponseAndHandUnauthenticatedToTheSession() {
        final PendingRequest<Void> missing = pending(8, RawPutResponseEncoder.TEMPLATE_ID);
        deliver(error(8, Status.REGION_NOT_FOUND, "no such region", 0, ""));
        assertEquals(ErrorCode.REGION_NOT_FOUND, failure(missing).code());

        final PendingRequest<Void> unauthenticated = pending(9, RawPutResponseEncoder.TEMPLATE_ID);
        deliver(error(9, Status.UNAUTHENTICATED, "who are you", 0, ""));
        assertSame(unauthenticated, listener.unauthenticated.get(0));
        assertFalse(unauthenticated.isDone(), "the session decides: resend or fail");
    }

    @Test
    void shouldHandNotLeaderWithItsHintAndServerBusyToTheRouting() {
        final PendingRequest<Void> hinted = pending(40, RawPutResponseEncoder.TEMPLATE_ID);
        deliver(error(40, Status.NOT_LEADER, "follower", 3, "10.0.0.3:20160"));
        final PendingRequest<Void> unhinted = pending(41, RawPutResponseEncoder.TEMPLATE_ID);
        deliver(error(41, Status.NOT_LEADER, "candidate", 0, ""));
        final PendingRequest<Void> busy = pending(42, RawPutResponseEncoder.TEMPLATE_ID);
        deliver(error(42, Status.SERVER_BUSY, "queue full", 0, ""));
        assertEquals(List.of("notLeader op#40 3 '10.0.0.3:20160' follower", "notLeader op#41 0 '' candidate",
            "serverBusy op#42 queue full"), listener.events);
        assertFalse(hinted.isDone() || unhinted.isDone() || busy.isDone(), "the routing resends them");
        assertEquals(3, inFlight.size());
    }

    @Test
    void shouldDropRepliesTheSessionDoesNotTake() {
        final PendingRequest<byte[]> request = pending(43, RawGetResponseEncoder.TEMPLATE_ID);
        listener.takeReplies = false;
        final RawGetResponseEncoder get = new RawGetResponseEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(43).status(Status.OK).found(BooleanType.TRUE);
        get.putValue(bytes("stale"), 0, 5).errorMessage("");
        deliver(get.encodedLength());
        assertFalse(request.isDone(), "an answer from a store the request's copy did not go to is ignored");
        assertEquals(1, adapter.foreignReplies());
        listener.takeReplies = true;
        deliver(get.encodedLength());
        assertEquals("stale", text(request.future().join()));
    }

    @Test
    void shouldMapAnUnknownStatusValue() {
        final PendingRequest<Void> request = pending(10, RawPutResponseEncoder.TEMPLATE_ID);
        final int length = new RawPutResponseEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(10)
            .status(Status.OK).errorMessage("from the future").encodedLength();
        buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + RawPutResponseEncoder.statusEncodingOffset(), (byte)77);
        deliver(length);
        final TkvException ex = failure(request);
        assertEquals(ErrorCode.UNKNOWN_STATUS, ex.code());
        assertTrue(ex.getMessage().contains("77"), ex.getMessage());
    }

    @Test
    void shouldFailARequestWhoseReplyHasTheWrongTemplateOrIsTruncated() {
        final PendingRequest<byte[]> wrong = pending(11, RawGetResponseEncoder.TEMPLATE_ID);
        deliver(new RawPutResponseEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(11)
            .status(Status.OK).errorMessage("").encodedLength());
        assertEquals(ErrorCode.MALFORMED, failure(wrong).code());

        final PendingRequest<byte[]> truncated = pending(12, RawGetResponseEncoder.TEMPLATE_ID);
        final RawGetResponseEncoder get = new RawGetResponseEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(12).status(Status.OK).found(BooleanType.TRUE);
        get.putValue(new byte[100], 0, 100).errorMessage("");
        adapter.onFragment(new UnsafeBuffer(buffer.byteArray(), 0, 60), 0, 60, null);
        assertEquals(ErrorCode.MALFORMED, failure(truncated).code());
        assertEquals(1, adapter.framesRejected());
    }

    @Test
    void shouldDropLateReplies() {
        deliver(new RawPutResponseEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(404)
            .status(Status.OK).errorMessage("").encodedLength());
        assertEquals(1, adapter.lateReplies());
    }

    @Test
    void shouldHandHandshakeFramesToTheSession() {
        final ChallengeEncoder challenge = new ChallengeEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(20).handshakeId(21);
        challenge.putNonce(new byte[] {9, 8, 7}, 0, 3);
        deliver(challenge.encodedLength());
        assertEquals("challenge 20 21 [9, 8, 7]", listener.events.get(0));

        final int length = new ConnectedEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(22)
            .status(Status.OK).sessionToken(23).maxKeyBytes(1).maxValueBytes(2).maxBatchSize(3).maxScanLimit(4)
            .storeId(5).maxRequestBytes(6).errorMessage("").encodedLength() + MessageHeaderEncoder.ENCODED_LENGTH;
        final UnsafeBuffer frameHeader = new UnsafeBuffer(new byte[DataHeaderFlyweight.HEADER_LENGTH]);
        frameHeader.putInt(DataHeaderFlyweight.SESSION_ID_FIELD_OFFSET, 424242);
        adapter.onFragment(buffer, 0, length, new Header(0, 16).buffer(frameHeader).offset(0));
        assertEquals("connected 22 0 23 SessionLimits{maxKeyBytes=1, maxValueBytes=2, maxBatchSize=3, " +
            "maxScanLimit=4, maxRequestBytes=6} '' 424242 store 5", listener.events.get(1));
    }

    @Test
    void shouldCopyValuesOutOfTheTermBuffer() {
        final PendingRequest<byte[]> request = pending(30, RawGetResponseEncoder.TEMPLATE_ID);
        final RawGetResponseEncoder get = new RawGetResponseEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(30).status(Status.OK).found(BooleanType.TRUE);
        get.putValue(bytes("abc"), 0, 3).errorMessage("");
        deliver(get.encodedLength());
        buffer.setMemory(0, 64, (byte)0);
        assertArrayEquals(bytes("abc"), request.future().join());
    }

    private <T> PendingRequest<T> pending(final long correlationId, final int responseTemplateId) {
        final PendingRequest<T> request = new PendingRequest<>("op", correlationId, responseTemplateId, new byte[0],
            System.nanoTime() + 1_000_000_000L, false);
        assertTrue(inFlight.register(request));
        return request;
    }

    private int error(final long correlationId, final Status status, final String message, final long leaderStoreId,
        final String leaderEndpoint) {
        return new ErrorResponseEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId)
            .status(status).requestTemplateId(14).leaderStoreId(leaderStoreId).errorMessage(message)
            .leaderEndpoint(leaderEndpoint).putRegions(new byte[0], 0, 0).encodedLength();
    }

    private int errorWithRegions(final long correlationId, final Status status, final UnsafeBuffer regions,
        final int regionsLength) {
        return new ErrorResponseEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId)
            .status(status).requestTemplateId(14).leaderStoreId(0).errorMessage("moved").leaderEndpoint("")
            .putRegions(regions, 0, regionsLength).encodedLength();
    }

    private void deliver(final int bodyLength) {
        adapter.onFragment(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + bodyLength, null);
    }

    private static TkvException failure(final PendingRequest<?> request) {
        final CompletionException ex = assertThrows(CompletionException.class, () -> request.future().join());
        return (TkvException)ex.getCause();
    }

    private static final class RecordingListener implements EgressListener {
        final List<String> events = new ArrayList<>();
        final List<PendingRequest<?>> unauthenticated = new ArrayList<>();
        boolean takeReplies = true;

        @Override
        public void onChallenge(final long correlationId, final long handshakeId, final byte[] nonce) {
            events.add("challenge " + correlationId + " " + handshakeId + " " + java.util.Arrays.toString(nonce));
        }

        @Override
        public void onConnected(final long correlationId, final short statusRaw, final long sessionToken,
            final SessionLimits limits, final String errorMessage, final int imageSessionId, final long storeId) {
            events.add("connected " + correlationId + " " + statusRaw + " " + sessionToken + " " + limits + " '" +
                errorMessage + "' " + imageSessionId + " store " + storeId);
        }

        @Override
        public boolean onReply(final PendingRequest<?> request, final int imageSessionId) {
            return takeReplies;
        }

        @Override
        public void onNotLeader(final PendingRequest<?> request, final long hintStoreId, final String hintEndpoint,
            final String errorMessage) {
            events.add("notLeader " + request + " " + hintStoreId + " '" + hintEndpoint + "' " + errorMessage);
        }

        @Override
        public void onServerBusy(final PendingRequest<?> request, final String errorMessage) {
            events.add("serverBusy " + request + " " + errorMessage);
        }

        @Override
        public void onUnauthenticated(final PendingRequest<?> request, final String errorMessage) {
            unauthenticated.add(request);
        }

        @Override
        public void onRegionError(final PendingRequest<?> request, final TkvException failure) {
            events.add("regionError " + request + " " + failure.code() + " " + failure.regions().size());
        }
    }
}
