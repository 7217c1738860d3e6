package io.tkv.client;

import io.tkv.codec.BooleanType;
import io.tkv.codec.GetGcSafePointResponseEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.Status;
import io.tkv.codec.UpdateGcSafePointResponseEncoder;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PD's GC safe point answers decode into their records; a value no PD sends fails the request MALFORMED. */
class PdGcRepliesTest {
    private final InFlightRequests inFlight = new InFlightRequests(16, new AtomicLong());
    private final EgressAdapter adapter = new EgressAdapter(inFlight, new EgressListener() {
        @Override
        public void onChallenge(final long correlationId, final long handshakeId, final byte[] nonce) {
        }

        @Override
        public void onConnected(final long correlationId, final short statusRaw, final long sessionToken,
            final SessionLimits limits, final String errorMessage, final int imageSessionId, final long storeId) {
        }

        @Override
        public boolean onReply(final PendingRequest<?> request, final int imageSessionId) {
            return true;
        }

        @Override
        public void onNotLeader(final PendingRequest<?> request, final long hintStoreId, final String hintEndpoint,
            final String errorMessage) {
        }

        @Override
        public void onServerBusy(final PendingRequest<?> request, final String errorMessage) {
        }

        @Override
        public void onUnauthenticated(final PendingRequest<?> request, final String errorMessage) {
        }

        @Override
        public void onRegionError(final PendingRequest<?> request, final TkvException failure) {
        }
    });
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    @Test
    void shouldDecodeTheSafePointAndAnUpdate() {
        final PendingRequest<PdGcSafePoint> get = pending(1, GetGcSafePointResponseEncoder.TEMPLATE_ID);
        deliver(new GetGcSafePointResponseEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(1)
            .status(Status.OK).safePoint(12345).gcLifeTimeMs(600_000).errorMessage("").encodedLength());
        assertEquals(new PdGcSafePoint(12345, 600_000), get.future().join());

        final PendingRequest<PdGcSafePointUpdate> update = pending(2, UpdateGcSafePointResponseEncoder.TEMPLATE_ID);
        deliver(new UpdateGcSafePointResponseEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(2)
            .status(Status.OK).newSafePoint(777).updated(BooleanType.FALSE).errorMessage("").encodedLength());
        assertEquals(new PdGcSafePointUpdate(777, false), update.future().join());
    }

    @Test
    void shouldFailOnARefusalOrAValueNoPdSends() {
        final PendingRequest<PdGcSafePointUpdate> refused = pending(3, UpdateGcSafePointResponseEncoder.TEMPLATE_ID);
        deliver(new UpdateGcSafePointResponseEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(3)
            .status(Status.MALFORMED).newSafePoint(0).updated(BooleanType.FALSE)
            .errorMessage("GC safe point 9 is above the TSO's current timestamp 8").encodedLength());
        final TkvException above = failure(refused);
        assertEquals(ErrorCode.MALFORMED, above.code());
        assertTrue(above.getMessage().contains("above the TSO"), above.getMessage());

        final PendingRequest<PdGcSafePoint> negative = pending(4, GetGcSafePointResponseEncoder.TEMPLATE_ID);
        deliver(new GetGcSafePointResponseEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(4)
            .status(Status.OK).safePoint(-1).gcLifeTimeMs(0).errorMessage("").encodedLength());
        assertEquals(ErrorCode.MALFORMED, failure(negative).code());

        final PendingRequest<PdGcSafePointUpdate> lying = pending(5, UpdateGcSafePointResponseEncoder.TEMPLATE_ID);
        deliver(new UpdateGcSafePointResponseEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(5)
            .status(Status.OK).newSafePoint(Long.MIN_VALUE).updated(BooleanType.TRUE).errorMessage("")
            .encodedLength());
        assertEquals(ErrorCode.MALFORMED, failure(lying).code());
        assertEquals(0, inFlight.size());
    }

    private <T> PendingRequest<T> pending(final long correlationId, final int responseTemplateId) {
        final PendingRequest<T> request = new PendingRequest<>("op", correlationId, responseTemplateId, new byte[0],
            System.nanoTime() + 1_000_000_000L, false);
        assertTrue(inFlight.register(request));
        return request;
    }

    private void deliver(final int bodyLength) {
        adapter.onFragment(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + bodyLength, null);
    }

    private static TkvException failure(final PendingRequest<?> request) {
        final CompletionException ex = assertThrows(CompletionException.class, () -> request.future().join());
        return (TkvException)ex.getCause();
    }
}
