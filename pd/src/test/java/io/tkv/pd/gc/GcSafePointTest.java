package io.tkv.pd.gc;

import io.tkv.codec.keys.Timestamps;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GcSafePointTest {
    private static final long TSO_NOW = Timestamps.compose(1_000_000, 7);

    @Test
    void shouldAdvanceOnlyForward() {
        assertEquals(GcSafePoint.Verdict.ADVANCE, GcSafePoint.check(GcSafePoint.NONE, 100, TSO_NOW));
        assertEquals(GcSafePoint.Verdict.NOT_NEWER, GcSafePoint.check(100, 100, TSO_NOW));
        assertEquals(GcSafePoint.Verdict.NOT_NEWER, GcSafePoint.check(100, 99, TSO_NOW));
        assertEquals(100, GcSafePoint.advance(100, 99));
        assertEquals(101, GcSafePoint.advance(100, 101));
    }

    @Test
    void shouldRefuseASafePointAboveTheTso() {
        assertEquals(GcSafePoint.Verdict.ADVANCE, GcSafePoint.check(0, TSO_NOW, TSO_NOW));
        assertEquals(GcSafePoint.Verdict.ABOVE_TSO, GcSafePoint.check(0, TSO_NOW + 1, TSO_NOW));
        assertEquals(GcSafePoint.Verdict.INVALID, GcSafePoint.check(0, -1, TSO_NOW));
    }

    @Test
    void shouldEndAtTheMaximumWhateverTheOrderOfApply() {
        final SplittableRandom random = new SplittableRandom(9);
        final long[] proposed = new long[64];
        long max = 0;
        for (int i = 0; i < proposed.length; i++) {
            proposed[i] = random.nextLong(1, 1L << 40);
            max = Math.max(max, proposed[i]);
        }
        long applied = GcSafePoint.NONE;
        long previous = applied;
        for (final long each : proposed) {
            applied = GcSafePoint.advance(applied, each);
            // Never backwards, even under replays and reordering.
            assertEquals(Math.max(previous, each), applied);
            previous = applied;
        }
        assertEquals(max, applied);
        // Applying the whole log twice changes nothing.
        for (final long each : proposed) {
            applied = GcSafePoint.advance(applied, each);
        }
        assertEquals(max, applied);
    }

    @Test
    void shouldRoundTripItsRecordAndRefuseOthers() {
        assertEquals(GcSafePoint.NONE, GcSafePoint.decode(null));
        assertEquals(TSO_NOW, GcSafePoint.decode(GcSafePoint.encode(TSO_NOW)));
        assertEquals(0, GcSafePoint.decode(GcSafePoint.encode(0)));
        final byte[] record = GcSafePoint.encode(5);
        record[0] = 2;
        assertThrows(IllegalArgumentException.class, () -> GcSafePoint.decode(record));
        assertThrows(IllegalArgumentException.class, () -> GcSafePoint.decode(new byte[GcSafePoint.RECORD_LENGTH - 1]));
        assertThrows(IllegalArgumentException.class, () -> GcSafePoint.decode(new byte[0]));
        final byte[] negative = GcSafePoint.encode(5);
        negative[1] = (byte)0x80;
        assertThrows(IllegalArgumentException.class, () -> GcSafePoint.decode(negative));
        assertThrows(IllegalArgumentException.class, () -> GcSafePoint.encode(-1));
    }
}
