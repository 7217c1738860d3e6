package io.tkv.client;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registration, single completion, timeouts on an explicit clock, permits, and close. */
class InFlightRequestsTest {
    private final AtomicLong ids = new AtomicLong(100);
    private final InFlightRequests inFlight = new InFlightRequests(2, ids);

    @Test
    void shouldAllocateStampAndTrackTheLowestIncompleteId() {
        final byte[] frame1 = new byte[32];
        final PendingRequest<Void> first = inFlight.register("put", 0, frame1, Long.MAX_VALUE, false);
        final PendingRequest<Void> second = inFlight.register("put", 0, new byte[32], Long.MAX_VALUE, false);
        final PendingRequest<Void> third = inFlight.register("put", 0, new byte[32], Long.MAX_VALUE, false);
        assertEquals(101, first.correlationId());
        assertEquals(101, ByteBuffer.wrap(frame1).order(ByteOrder.LITTLE_ENDIAN).getLong(8));
        assertSame(second, inFlight.get(102));
        assertEquals(101, inFlight.firstIncompleteId(), "nothing completed yet");

        inFlight.complete(second, null);
        inFlight.sweepTimeouts(0, 1);
        assertEquals(101, inFlight.firstIncompleteId(), "101 still waits");
        inFlight.complete(first, null);
        inFlight.sweepTimeouts(0, 1);
        assertEquals(103, inFlight.firstIncompleteId());
        ids.incrementAndGet();
        inFlight.complete(third, null);
        inFlight.sweepTimeouts(0, 1);
        assertEquals(105, inFlight.firstIncompleteId(), "past every id allocated so far");
    }

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
    void shouldShowTheSweepEveryRequestAndSayWhyOneTimedOut() {
        final PendingRequest<String> overdue = request(1, 100, false);
        final PendingRequest<String> waiting = request(2, 300, false);
        inFlight.register(overdue);
        inFlight.register(waiting);
        overdue.lastProblem("NOT_LEADER from store x");
        final List<PendingRequest<?>> timedOut = new ArrayList<>();
        final List<PendingRequest<?>> stillWaiting = new ArrayList<>();
        assertEquals(1, inFlight.sweep(100, 5_000, new InFlightRequests.SweepVisitor() {
            @Override
            public void onTimedOut(final PendingRequest<?> request) {
                timedOut.add(request);
            }

            @Override
            public void onWaiting(final PendingRequest<?> request) {
                stillWaiting.add(request);
            }
        }));
        assertEquals(List.of(overdue), timedOut);
        assertEquals(List.of(waiting), stillWaiting);
        final CompletionException ex = assertThrows(CompletionException.class, () -> overdue.future().join());
        assertTrue(ex.getCause().getMessage().contains("last retried after NOT_LEADER from store x"),
            ex.getCause().getMessage());
    }

    @Test
    void shouldFailEveryRequestWhenNoStoreCanBeReached() {
        final PendingRequest<String> sent = request(1, Long.MAX_VALUE, false);
        final PendingRequest<String> queued = request(2, Long.MAX_VALUE, false);
        inFlight.register(sent);
        inFlight.register(queued);
        sent.stampToken(77);
        assertEquals(2, inFlight.failAll(() -> new TkvException(ErrorCode.NOT_CONNECTED, "driver gone")));
        assertTrue(sent.future().isCompletedExceptionally());
        assertTrue(queued.future().isCompletedExceptionally());
        assertEquals(0, inFlight.size());
    }

    @Test
    void shouldBackOffEachRequestFromTheInitialWaitDoublingToTheMaximum() {
        final PendingRequest<String> request = request(1, Long.MAX_VALUE, false);
        assertEquals(0, request.scheduleRetry(false, 10, 200), "a hint is followed at once");
        assertEquals(10, request.scheduleRetry(true, 10, 200));
        assertEquals(20, request.scheduleRetry(true, 10, 200));
        assertEquals(40, request.scheduleRetry(true, 10, 200));
        assertEquals(80, request.scheduleRetry(true, 10, 200));
        assertEquals(160, request.scheduleRetry(true, 10, 200));
        assertEquals(200, request.scheduleRetry(true, 10, 200));
        assertEquals(200, request.scheduleRetry(true, 10, 200));
        assertEquals(8, request.retries());
    }

    @Test
    void shouldForgetTheCopyOnTheWireWhenItIsWrittenOff() {
        final PendingRequest<String> request = request(1, Long.MAX_VALUE, false);
        assertNull(request.sentTo());
        request.stampToken(5);
        assertEquals(5, request.sentToken());
        request.unsent();
        assertEquals(0, request.sentToken());
        assertNull(request.sentTo());
        assertTrue(request.isCallerOwned(), "the submitting thread owns a request until its first offer is over");
        request.releaseFromCaller();
        assertFalse(request.isCallerOwned());
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
