package io.tkv.pd.gc;

import io.tkv.codec.keys.Timestamps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GcLifetimePolicyTest {
    private static final long LIFE_MS = 10 * 60_000L;
    private static final long NOW_MS = 1_700_000_000_000L;

    private static long tso(final long physicalMs) {
        return Timestamps.compose(physicalMs, 0);
    }

    @Test
    void shouldTargetTheTsoOfNowMinusTheLifetime() {
        final GcLifetimePolicy policy = new GcLifetimePolicy(LIFE_MS);
        assertEquals(60_000, policy.stepMs());
        assertEquals(tso(NOW_MS - LIFE_MS), policy.target(NOW_MS, GcSafePoint.NONE, tso(NOW_MS)));
    }

    @Test
    void shouldProposeOnlyOnceTheTargetIsAStepAhead() {
        final GcLifetimePolicy policy = new GcLifetimePolicy(LIFE_MS);
        final long current = tso(NOW_MS - LIFE_MS);
        // Ticks within the step propose nothing: one log entry a step, not one a tick.
        for (long t = NOW_MS; t < NOW_MS + policy.stepMs(); t += 200) {
            assertEquals(GcSafePoint.NONE, policy.target(t, current, tso(t)));
        }
        final long later = NOW_MS + policy.stepMs();
        assertEquals(tso(later - LIFE_MS), policy.target(later, current, tso(later)));
    }

    @Test
    void shouldNeverTargetBackwardsOrAboveTheTso() {
        final GcLifetimePolicy policy = new GcLifetimePolicy(LIFE_MS);
        // A manual safe point ahead of the lifetime: the policy waits until the clock passes it.
        final long manual = tso(NOW_MS - 1_000);
        assertEquals(GcSafePoint.NONE, policy.target(NOW_MS, manual, tso(NOW_MS)));
        // The wall clock ahead of the TSO (a new leader still behind): capped at the TSO.
        assertEquals(tso(NOW_MS - 2 * LIFE_MS), policy.target(NOW_MS, GcSafePoint.NONE, tso(NOW_MS - 2 * LIFE_MS)));
    }

    @Test
    void shouldDoNothingWithALifetimeOfZero() {
        final GcLifetimePolicy policy = new GcLifetimePolicy(0);
        assertEquals(GcSafePoint.NONE, policy.target(NOW_MS, GcSafePoint.NONE, tso(NOW_MS)));
        assertThrows(IllegalArgumentException.class, () -> new GcLifetimePolicy(-1));
    }

    @Test
    void shouldBoundTheStep() {
        assertEquals(GcLifetimePolicy.MIN_STEP_MS, new GcLifetimePolicy(2_000).stepMs());
        assertEquals(GcLifetimePolicy.MAX_STEP_MS, new GcLifetimePolicy(24 * 3_600_000L).stepMs());
        assertEquals(30_000, new GcLifetimePolicy(300_000).stepMs());
    }
}
