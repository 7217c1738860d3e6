package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A scan's budget of expired values to skip: where it stops, and where it says to go on. */
class RawKvScanBudgetTest extends RawKvTestSupport {
    /** What one bounded scan saw: its pairs, and where to resume (null when it did not stop on the budget). */
    private static final class Page implements ScanVisitor {
        final List<String> pairs = new ArrayList<>();
        String resumeKey;

        @Override
        public boolean onPair(
            final DirectBuffer key, final int keyOffset, final int keyLength, final DirectBuffer value,
            final int valueOffset, final int valueLength) {
            pairs.add(str(key, keyOffset, keyLength) + "=" + str(value, valueOffset, valueLength));
            return true;
        }

        @Override
        public void onSkipBudgetSpent(final DirectBuffer key, final int offset, final int length) {
            resumeKey = str(key, offset, length);
        }
    }

    private Page scan(final String start, final String end, final int limit, final int maxSkipped,
        final boolean reverse) {
        final Page page = new Page();
        final UnsafeBuffer s = buf(start);
        final UnsafeBuffer e = buf(end);
        final int visited = store.scan(s, 0, s.capacity(), e, 0, e.capacity(), limit, maxSkipped, reverse, false,
            page);
        assertEquals(page.pairs.size(), visited);
        return page;
    }

    @BeforeEach
    void fill() {
        // a, then ten expired values b0..b9, then c.
        put("a", "1");
        for (int i = 0; i < 10; i++) {
            put("b" + i, "gone", 1);
        }
        put("c", "3");
        clock.advance(1_000);
    }

    @Test
    void shouldStopForwardOnceTheBudgetIsSpentAndResumeAtTheFirstKeyNotExamined() {
        Page page = scan("", "", 100, 4, false);
        assertEquals(List.of("a=1"), page.pairs);
        assertEquals("b4", page.resumeKey);

        page = scan(page.resumeKey, "", 100, 4, false);
        assertEquals(List.of(), page.pairs, "a page may find nothing live and still go on");
        assertEquals("b8", page.resumeKey);

        page = scan(page.resumeKey, "", 100, 4, false);
        assertEquals(List.of("c=3"), page.pairs);
        assertNull(page.resumeKey, "the range is done");
    }

    @Test
    void shouldStopInReverseOnceTheBudgetIsSpentAndResumeBelowTheLastKeyExamined() {
        Page page = scan("", "", 100, 4, true);
        assertEquals(List.of("c=3"), page.pairs);
        assertEquals("b6", page.resumeKey);

        page = scan("", page.resumeKey, 100, 4, true);
        assertEquals(List.of(), page.pairs);
        assertEquals("b2", page.resumeKey);

        page = scan("", page.resumeKey, 100, 4, true);
        assertEquals(List.of("a=1"), page.pairs);
        assertNull(page.resumeKey);
    }

    @Test
    void shouldNotAskToResumeWhenTheBudgetRunsOutOnTheLastEntryOfTheRange() {
        final Page page = scan("b", "c", 100, 10, false);
        assertEquals(List.of(), page.pairs);
        assertNull(page.resumeKey);
        assertNull(scan("b", "c", 100, 10, true).resumeKey);
    }

    @Test
    void shouldStopAtTheLimitBeforeTheBudget() {
        put("b5", "back");
        final Page page = scan("b", "", 1, 100, false);
        assertEquals(List.of("b5=back"), page.pairs);
        assertNull(page.resumeKey, "stopped by the limit: the caller goes on after the last pair");
    }

    @Test
    void shouldSkipAsManyAsThereAreWithoutABudget() {
        assertEquals(List.of("a=1", "c=3"), scan("", "", 100, Integer.MAX_VALUE, false).pairs);
        assertEquals(List.of("a=1", "c=3"), scanAll());
    }

    @Test
    void shouldReadALargeLiveValueWholeAndSkipALargeExpiredOne() {
        final byte[] large = new byte[100_000];
        Arrays.fill(large, (byte)'x');
        put(bytes("d"), large, 0);
        put(bytes("e"), large, 1);
        put(bytes("f"), new byte[] {'f'}, 0);
        clock.advance(1_000);
        final List<byte[]> values = new ArrayList<>();
        final UnsafeBuffer start = buf("d");
        store.scan(start, 0, 1, EMPTY, 0, 0, 10, 5, false, false, (k, ko, kl, v, vo, vl) -> {
            final byte[] value = new byte[vl];
            v.getBytes(vo, value);
            values.add(value);
            return true;
        });
        assertEquals(2, values.size());
        assertArrayEquals(large, values.get(0));
        assertArrayEquals(new byte[] {'f'}, values.get(1));
    }

    @Test
    void shouldRejectABudgetBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> scan("", "", 10, 0, false));
    }
}
