package io.tkv.client;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registration, single completion, timeouts on an explicit clock, permits, and close. */
class InFlightRequestsTest {
    private final InFlightRequests inFlight = new InFlightRequests(2);

    @Test
    void shouldCompleteARequestExactlyOnce() {
        final PendingRequest<String> request = request(1, 1_000, false);
        assertTrue(inFlight.register(request));
        assertTrue(inFlight.complete(request, "first"));
        assertFalse(inFlight.complete(request, "second"));
        assertFalse(inFlight.fail(request, new TkvException(ErrorCode.TIMEOUT, "late")));
        assertEquals("first", request.future().join());
        assertNull(inFlight.get(1));
    }

    @Test
    void shouldTimeOutOnlyOverdueRequests() {
        final PendingRequest<String> early = request(1, 100, false);
        final PendingRequest<String> late = request(2, 300, false);
        inFlight.register(early);
        inFlight.register(late);
        assertEquals(0, inFlight.sweepTimeouts(99, 5_000));
        assertEquals(1, inFlight.sweepTimeouts(100, 5_000));
        final CompletionException ex = assertThrows(CompletionException.class, () -> early.future().join());
        assertInstanceOf(TkvTimeoutException.class, ex.getCause());
        assertTrue(ex.getCause().getMessage().contains("op#1"), ex.getCause().getMessage());
        assertFalse(late.isDone());
        assertEquals(1, inFlight.size());
    }

    @Test
    void shouldBoundRequestsInFlightAndReturnSlotsOnCompletion() {
        final long deadline = System.nanoTime() + 50_000_000L;
        assertNull(inFlight.acquire(deadline, true));
        assertNull(inFlight.acquire(deadline, true));
        final TkvException noWait = inFlight.acquire(deadline, false);
        assertEquals(ErrorCode.CLIENT_BUSY, noWait.code());
        final TkvException waited = inFlight.acquire(System.nanoTime() + 10_000_000L, true);
        assertInstanceOf(TkvTimeoutException.class, waited);

        final PendingRequest<String> holder = request(1, Long.MAX_VALUE, true);
        inFlight.register(holder);
        inFlight.fail(holder, new TkvException(ErrorCode.SERVER_BUSY, "busy"));
        assertNull(inFlight.acquire(deadline, false), "a completed request returned its slot");
    }

    @Test
    void shouldFailOnlyRequestsSentUnderALostSession() {
        final PendingRequest<String> sent = request(1, Long.MAX_VALUE, false);
        final PendingRequest<String> queued = request(2, Long.MAX_VALUE, false);
        inFlight.register(sent);
        inFlight.register(queued);
        sent.stampToken(77);
        assertEquals(1, inFlight.failSentUnder(77, () -> new TkvException(ErrorCode.NOT_CONNECTED, "lost")));
        assertTrue(sent.future().isCompletedExceptionally());
        assertFalse(queued.isDone());
    }

    @Test
    void shouldFailEverythingOnCloseAndRefuseNewRequests() {
        final PendingRequest<String> pending = request(1, Long.MAX_VALUE, false);
        inFlight.register(pending);
        inFlight.close();
        final CompletionException ex = assertThrows(CompletionException.class, () -> pending.future().join());
        assertEquals(ErrorCode.CLOSED, ((TkvException)ex.getCause()).code());
        assertEquals(ErrorCode.CLOSED, inFlight.acquire(Long.MAX_VALUE, true).code());
        final PendingRequest<String> after = request(2, Long.MAX_VALUE, false);
        assertFalse(inFlight.register(after));
        assertTrue(after.future().isCompletedExceptionally());
    }

    private static PendingRequest<String> request(final long id, final long deadlineNs, final boolean permit) {
        return new PendingRequest<>("op", id, 0, new byte[32], deadlineNs, permit);
    }
}
