package io.tkv.server.session;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long START = 123_456_789L;

    private static int takeAll(final TokenBucket bucket, final long nowNs) {
        int taken = 0;
        while (bucket.tryAcquire(nowNs)) {
            taken++;
        }
        return taken;
    }

    @Test
    void shouldGiveABurstOfItsCapacityThenTheRate() {
        final TokenBucket bucket = new TokenBucket(100, 100);
        assertEquals(100, takeAll(bucket, START), "full at the start: a second's worth at once");
        assertFalse(bucket.tryAcquire(START));
        assertEquals(1, takeAll(bucket, START + 10 * MS), "100/s: one token per 10 ms");
        assertEquals(0, takeAll(bucket, START + 19 * MS));
        assertEquals(1, takeAll(bucket, START + 20 * MS));
        assertEquals(50, takeAll(bucket, START + 520 * MS));
    }

    @Test
    void shouldAddUpFractionsOfATokenHoweverOftenTheClockIsRead() {
        final TokenBucket bucket = new TokenBucket(3, 2);
        assertEquals(2, takeAll(bucket, START));
        int taken = 0;
        for (long t = START + 1_000; t <= START + TimeUnit.SECONDS.toNanos(10); t += 1_000) {
            taken += takeAll(bucket, t);
        }
        assertEquals(30, taken, "3/s for 10 s, read every microsecond");
    }

    @Test
    void shouldNeverHoldMoreThanItsCapacityAfterALongPause() {
        final TokenBucket bucket = new TokenBucket(1_000_000, 5);
        assertEquals(5, takeAll(bucket, START));
        assertEquals(5, takeAll(bucket, START + TimeUnit.DAYS.toNanos(365 * 100)), "no overflow, capped");
    }

    @Test
    void shouldAddNothingWhenTheClockDoesNotMoveOrGoesBack() {
        final TokenBucket bucket = new TokenBucket(10, 1);
        assertTrue(bucket.tryAcquire(START));
        assertFalse(bucket.tryAcquire(START - TimeUnit.SECONDS.toNanos(5)));
        assertFalse(bucket.tryAcquire(START + 99 * MS), "time is measured from the latest reading");
        assertFalse(bucket.tryAcquire(START - TimeUnit.SECONDS.toNanos(5) + 99 * MS));
        assertTrue(bucket.tryAcquire(START + 100 * MS));
        assertEquals(0, bucket.available());
    }

    @Test
    void shouldRefuseARateOrCapacityBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0));
    }
}
