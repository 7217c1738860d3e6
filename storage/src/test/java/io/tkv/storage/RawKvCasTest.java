package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RawKvCasTest extends RawKvTestSupport {
    private final ExpandableDirectByteBuffer previous = new ExpandableDirectByteBuffer(8);

    private CasResult cas(final String key, final boolean expectAbsent, final String expected, final String newValue,
        final long ttlSeconds) {
        final UnsafeBuffer k = buf(key);
        final UnsafeBuffer e = expected == null ? null : buf(expected);
        final UnsafeBuffer n = buf(newValue);
        return store.compareAndSwap(
            k, 0, k.capacity(),
            expectAbsent, e, 0, e == null ? 0 : e.capacity(),
            n, 0, n.capacity(),
            ttlSeconds, previous);
    }

    private String previous(final CasResult result) {
        return str(previous, 0, result.previousLength());
    }

    @Test
    void shouldSwapWhenExpectingAbsentAndKeyIsAbsent() {
        final CasResult result = cas("k", true, null, "new", 0);
        assertTrue(result.swapped());
        assertFalse(result.previousExists());
        assertEquals(-1, result.previousLength());
        assertEquals("new", get("k"));
    }

    @Test
    void shouldNotSwapWhenExpectingAbsentAndKeyIsPresent() {
        put("k", "old");
        final CasResult result = cas("k", true, null, "new", 0);
        assertFalse(result.swapped());
        assertTrue(result.previousExists());
        assertEquals("old", previous(result));
        assertEquals("old", get("k"));
    }

    @Test
    void shouldSwapWhenExpectedValueMatches() {
        put("k", "old");
        final CasResult result = cas("k", false, "old", "new", 0);
        assertTrue(result.swapped());
        assertTrue(result.previousExists());
        assertEquals("old", previous(result));
        assertEquals("new", get("k"));
    }

    @Test
    void shouldNotSwapWhenExpectedValueDiffers() {
        put("k", "old");
        assertFalse(cas("k", false, "ol", "new", 0).swapped());
        assertFalse(cas("k", false, "old!", "new", 0).swapped());
        final CasResult result = cas("k", false, "odd", "new", 0);
        assertFalse(result.swapped());
        assertEquals("old", previous(result));
        assertEquals("old", get("k"));
    }

    @Test
    void shouldNotSwapWhenExpectingValueAndKeyIsAbsent() {
        final CasResult result = cas("k", false, "", "new", 0);
        assertFalse(result.swapped());
        assertFalse(result.previousExists());
        assertNull(get("k"));
    }

    @Test
    void shouldMatchEmptyExpectedValueAgainstEmptyStoredValue() {
        put("k", "");
        final CasResult result = cas("k", false, "", "filled", 0);
        assertTrue(result.swapped());
        assertEquals(0, result.previousLength());
        assertEquals("filled", get("k"));
    }

    @Test
    void shouldTreatExpiredPreviousValueAsAbsent() {
        put("k", "old", 1);
        clock.advance(1_000);
        final CasResult result = cas("k", true, null, "new", 0);
        assertTrue(result.swapped());
        assertFalse(result.previousExists());
        assertEquals("new", get("k"));
    }

    @Test
    void shouldNotMatchExpiredPreviousValue() {
        put("k", "old", 1);
        clock.advance(1_000);
        final CasResult result = cas("k", false, "old", "new", 0);
        assertFalse(result.swapped());
        assertFalse(result.previousExists());
        assertNull(get("k"));
    }

    @Test
    void shouldApplyTtlToSwappedValue() {
        assertTrue(cas("k", true, null, "new", 2).swapped());
        clock.advance(1_999);
        assertEquals("new", get("k"));
        clock.advance(1);
        assertNull(get("k"));
    }
}
