package io.tkv.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static io.tkv.client.StoreFixture.bytes;
import static io.tkv.client.StoreFixture.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scan continuation rules, driven page by page without a store. */
class ScanOperationTest {
    private final List<Call> calls = new ArrayList<>();
    private SessionLimits limits = SessionLimits.NONE;

    @Test
    void shouldContinueForwardAfterTheLastKey() {
        final CompletableFuture<List<KvPair>> result = scan(bytes("a"), bytes("z"), 5, false);
        answer(0, true, "b", "c");
        final Call second = calls.get(1);
        assertArrayEquals(new byte[] {'c', 0}, second.start);
        assertEquals("z", text(second.end));
        assertEquals(3, second.limit);
        answer(1, false, "d", "e", "f");
        assertEquals(List.of("b", "c", "d", "e", "f"), keys(result.join()));
    }

    @Test
    void shouldContinueInReverseBelowTheLastKey() {
        final CompletableFuture<List<KvPair>> result = scan(bytes("a"), null, 4, true);
        answer(0, true, "y", "x");
        final Call second = calls.get(1);
        assertEquals("a", text(second.start));
        assertEquals("x", text(second.end));
        answer(1, false, "w");
        assertEquals(List.of("y", "x", "w"), keys(result.join()), "no hasMore and short: the range is done");
        assertEquals(2, calls.size());
    }

    @Test
    void shouldAskForPagesNoLargerThanTheStoresScanLimit() {
        limits = new SessionLimits(0, 0, 0, 2, 0);
        final CompletableFuture<List<KvPair>> result = scan(null, null, 5, false);
        assertEquals(2, calls.get(0).limit);
        answer(0, false, "a", "b");
        assertEquals(2, calls.get(1).limit);
        answer(1, false, "c", "d");
        assertEquals(1, calls.get(2).limit);
        answer(2, false, "e");
        assertEquals(5, result.join().size());
    }

    @Test
    void shouldStopOnAnEmptyPageEvenWithHasMore() {
        final CompletableFuture<List<KvPair>> result = scan(null, null, 5, false);
        answer(0, true);
        assertTrue(result.join().isEmpty());
        assertEquals(1, calls.size());
    }

    @Test
    void shouldContinueForwardFromTheResumeKeyEvenAfterAPageWithoutPairs() {
        final CompletableFuture<List<KvPair>> result = scan(bytes("a"), bytes("z"), 5, false);
        answerResume(0, "c", "b");
        assertEquals("c", text(calls.get(1).start), "from the resume key, not after the last pair");
        assertEquals(4, calls.get(1).limit);
        answerResume(1, "m");
        assertEquals("m", text(calls.get(2).start));
        assertEquals("z", text(calls.get(2).end));
        answer(2, false, "n");
        assertEquals(List.of("b", "n"), keys(result.join()));
    }

    @Test
    void shouldContinueInReverseBelowTheResumeKey() {
        final CompletableFuture<List<KvPair>> result = scan(bytes("a"), null, 5, true);
        answerResume(0, "q");
        assertEquals("a", text(calls.get(1).start));
        assertEquals("q", text(calls.get(1).end));
        answerResume(1, "f", "p");
        assertEquals("f", text(calls.get(2).end));
        answer(2, false);
        assertEquals(List.of("p"), keys(result.join()));
    }

    @Test
    void shouldFailOnAResumeKeyThatDoesNotMoveOn() {
        final CompletableFuture<List<KvPair>> forward = scan(bytes("m"), null, 5, false);
        answerResume(0, "m");
        final TkvException failure = (TkvException)assertThrows(CompletionException.class, forward::join).getCause();
        assertEquals(ErrorCode.MALFORMED, failure.code());

        calls.clear();
        final CompletableFuture<List<KvPair>> reverse = scan(null, bytes("m"), 5, true);
        answerResume(0, "n");
        assertThrows(CompletionException.class, reverse::join);
        assertEquals(1, calls.size());
    }

    @Test
    void shouldFailWithThePagesFailure() {
        final CompletableFuture<List<KvPair>> result = scan(null, null, 5, false);
        final TkvException failure = new TkvException(ErrorCode.SERVER_BUSY, "busy");
        calls.get(0).reply.completeExceptionally(failure);
        assertSame(failure, assertThrows(CompletionException.class, result::join).getCause());
    }

    private CompletableFuture<List<KvPair>> scan(final byte[] start, final byte[] end, final int limit,
        final boolean reverse) {
        return new ScanOperation((from, to, pageLimit, rev, keyOnly) -> {
            final Call call = new Call(from, to, pageLimit);
            calls.add(call);
            return call.reply;
        }, () -> limits, start == null ? new byte[0] : start, end == null ? new byte[0] : end, limit, reverse, false)
            .start();
    }

    private void answer(final int call, final boolean hasMore, final String... keys) {
        final List<KvPair> pairs = new ArrayList<>();
        for (final String key : keys) {
            pairs.add(KvPair.of(key, "v"));
        }
        calls.get(call).reply.complete(new ScanPage(pairs, hasMore));
    }

    /** A page stopped on the store's budget of expired values: hasMore, with where to go on. */
    private void answerResume(final int call, final String resumeKey, final String... keys) {
        final List<KvPair> pairs = new ArrayList<>();
        for (final String key : keys) {
            pairs.add(KvPair.of(key, "v"));
        }
        calls.get(call).reply.complete(new ScanPage(pairs, true, bytes(resumeKey)));
    }

    private static List<String> keys(final List<KvPair> pairs) {
        final List<String> keys = new ArrayList<>();
        pairs.forEach(pair -> keys.add(text(pair.key())));
        return keys;
    }

    private static final class Call {
        final byte[] start;
        final byte[] end;
        final int limit;
        final CompletableFuture<ScanPage> reply = new CompletableFuture<>();

        Call(final byte[] start, final byte[] end, final int limit) {
            this.start = start;
            this.end = end;
            this.limit = limit;
        }
    }
}
