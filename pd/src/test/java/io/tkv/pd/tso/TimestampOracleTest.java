package io.tkv.pd.tso;

import io.tkv.codec.keys.Timestamps;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimestampOracleTest {
    private static final long WINDOW_MS = 3000;

    private static TimestampOracle leaderAt(final FakeTsoStore store, final long nowMs) {
        final TimestampOracle tso = new TimestampOracle(store, WINDOW_MS);
        store.owner(tso);
        tso.becomeLeader(nowMs);
        return tso;
    }

    @Test
    void shouldNotServeUntilTheFirstWindowIsDurable() {
        final FakeTsoStore store = new FakeTsoStore();
        final TimestampOracle tso = leaderAt(store, 1_000);
        assertFalse(tso.isServing());
        assertEquals(TimestampOracle.REFUSED, tso.allocate(1));
        store.confirmAll();
        assertEquals(1_000 + WINDOW_MS, store.durable());
        final long ts = tso.allocate(1);
        assertEquals(1_000, Timestamps.physicalMs(ts));
        assertEquals(0, Timestamps.logical(ts));
    }

    @Test
    void shouldStartAboveTheSavedLimitWhenTheClockWentBack() {
        final FakeTsoStore store = new FakeTsoStore();
        final TimestampOracle first = leaderAt(store, 50_000);
        store.confirmAll();
        final long before = first.allocate(10);
        first.resign();

        // Restart with the wall clock an hour behind: the new physical time is above anything handed out.
        final TimestampOracle second = leaderAt(store, 50_000 - 3_600_000);
        store.confirmAll();
        final long after = second.allocate(1);
        assertTrue(after > before);
        assertEquals(50_000 + WINDOW_MS + 1, Timestamps.physicalMs(after));
    }

    @Test
    void shouldNotMoveBackWithTheClock() {
        final FakeTsoStore store = new FakeTsoStore();
        final TimestampOracle tso = leaderAt(store, 10_000);
        store.confirmAll();
        final long a = tso.allocate(1);
        tso.update(9_000);
        final long b = tso.allocate(1);
        assertEquals(10_000, Timestamps.physicalMs(b));
        assertEquals(a + 1, b);
    }

    @Test
    void shouldRefuseBeyondTheDurableLimitWhileASaveIsPending() {
        final FakeTsoStore store = new FakeTsoStore();
        final long start = 1_000;
        final long limit = start + WINDOW_MS;
        final TimestampOracle tso = leaderAt(store, start);
        store.confirmAll();
        assertEquals(limit, tso.durableLimitMs());
        // A third of the window left: no save yet.
        tso.update(limit - WINDOW_MS / 3);
        assertEquals(0, store.pending());
        // Less than a third left: a renewal is asked, still serving from the old window meanwhile.
        tso.update(limit - WINDOW_MS / 3 + 1);
        assertEquals(1, store.pending());
        assertTrue(tso.allocate(1) != TimestampOracle.REFUSED);
        // The clock runs past the durable limit before the save is confirmed: refuse, hand out nothing beyond.
        tso.update(limit + 1);
        assertEquals(TimestampOracle.REFUSED, tso.allocate(1));
        assertEquals(1, tso.refusedCount());
        store.confirmAll();
        final long ts = tso.allocate(1);
        assertEquals(limit + 1, Timestamps.physicalMs(ts));
    }

    @Test
    void shouldAskAgainWhenASaveWasLost() {
        final FakeTsoStore store = new FakeTsoStore();
        final TimestampOracle tso = leaderAt(store, 0);
        store.confirmAll();
        tso.update(WINDOW_MS - 10);
        store.loseAll();
        tso.update(WINDOW_MS + 5);
        assertFalse(tso.isServing());
        // The pending (lost) save no longer reaches far enough ahead of the clock: the next update asks again.
        tso.update(WINDOW_MS + 5 + WINDOW_MS);
        store.confirmAll();
        assertTrue(tso.isServing());
    }

    @Test
    void shouldMoveToTheNextMillisecondOnLogicalOverflow() {
        final FakeTsoStore store = new FakeTsoStore();
        final TimestampOracle tso = leaderAt(store, 100);
        store.confirmAll();
        final long first = tso.allocate((int) Timestamps.MAX_LOGICAL - 1);
        assertEquals(100, Timestamps.physicalMs(first));
        assertEquals(Timestamps.MAX_LOGICAL - 2, Timestamps.logical(first));
        final long second = tso.allocate(2);
        assertEquals(101, Timestamps.physicalMs(second));
        assertEquals(1, Timestamps.logical(second));
        assertTrue(second > first);
    }

    @Test
    void shouldRefuseALogicalOverflowAtTheEdgeOfTheWindow() {
        final FakeTsoStore store = new FakeTsoStore();
        final TimestampOracle tso = leaderAt(store, 1_000);
        store.confirmAll();
        store.owner(null);
        tso.update(1_000 + WINDOW_MS);
        assertEquals(1_000 + WINDOW_MS, tso.physicalMs());
        assertEquals(tso.physicalMs(), tso.durableLimitMs());
        assertTrue(tso.allocate((int) Timestamps.MAX_LOGICAL) != TimestampOracle.REFUSED);
        assertEquals(TimestampOracle.REFUSED, tso.allocate(1));
    }

    @Test
    void shouldHandOutAContiguousBatch() {
        final FakeTsoStore store = new FakeTsoStore();
        final TimestampOracle tso = leaderAt(store, 7);
        store.confirmAll();
        final long single = tso.allocate(1);
        final long last = tso.allocate(64);
        assertEquals(single + 64, last);
        final long firstOfBatch = last - 63;
        assertEquals(Timestamps.physicalMs(firstOfBatch), Timestamps.physicalMs(last));
        assertEquals(single + 65, tso.allocate(1));
        assertThrows(IllegalArgumentException.class, () -> tso.allocate(0));
    }

    @Test
    void shouldGoToTheNextMillisecondEarlyWhenHalfTheLogicalSpaceIsUsed() {
        final FakeTsoStore store = new FakeTsoStore();
        final TimestampOracle tso = leaderAt(store, 500);
        store.confirmAll();
        tso.allocate((int) (Timestamps.MAX_LOGICAL / 2) + 2);
        tso.update(500);
        assertEquals(501, tso.physicalMs());
        assertEquals(Timestamps.compose(501, 0), tso.allocate(1));
    }

    @Test
    void shouldRefuseWhenNotLeader() {
        final FakeTsoStore store = new FakeTsoStore();
        final TimestampOracle tso = leaderAt(store, 500);
        store.confirmAll();
        tso.resign();
        assertEquals(TimestampOracle.REFUSED, tso.allocate(1));
        tso.update(600);
        assertFalse(tso.isServing());
    }

    /**
     * Seeded: three PD members take turns leading over one store; the clock jumps back and forward; saves are
     * confirmed late, lost, or made durable silently; leaders resign at any point. Every timestamp handed out is
     * strictly greater than every earlier one.
     */
    @Test
    void shouldBeStrictlyIncreasingAcrossLeaderChangesRestartsAndClockJumps() {
        for (long seed = 1; seed <= 200; seed++) {
            runSchedule(seed);
        }
    }

    private static void runSchedule(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final FakeTsoStore store = new FakeTsoStore();
        final TimestampOracle[] members = new TimestampOracle[3];
        for (int i = 0; i < members.length; i++) {
            members[i] = new TimestampOracle(store, 1 + random.nextInt(3, 5000));
        }
        long clock = 1_000_000;
        long highest = 0;
        long handedOut = 0;
        TimestampOracle leader = null;
        for (int step = 0; step < 3000; step++) {
            final int action = random.nextInt(100);
            if (leader == null || action < 2) {
                if (leader != null) {
                    leader.resign();
                }
                leader = members[random.nextInt(members.length)];
                store.owner(leader);
                leader.becomeLeader(clock);
            } else if (action < 8) {
                // The clock jumps: back up to a minute, or forward up to ten seconds.
                clock += random.nextBoolean() ? -random.nextLong(60_000) : random.nextLong(10_000);
            } else if (action < 40) {
                clock += random.nextInt(60);
                leader.update(clock);
            } else if (action < 55) {
                final int confirm = random.nextInt(10);
                if (confirm < 7) {
                    store.confirmAll();
                } else if (confirm < 9) {
                    store.persistSilently();
                } else {
                    store.loseAll();
                }
            } else {
                final int count = random.nextInt(20) == 0 ? random.nextInt(1, 200_000) : random.nextInt(1, 16);
                final long last = leader.allocate(count);
                if (last != TimestampOracle.REFUSED) {
                    final long first = last - count + 1;
                    assertEquals(Timestamps.physicalMs(first), Timestamps.physicalMs(last), "seed " + seed);
                    assertTrue(first > highest, "seed " + seed + " step " + step + ": " + first + " <= " + highest);
                    assertTrue(Timestamps.physicalMs(last) <= store.durable(), "seed " + seed + " beyond limit");
                    highest = last;
                    handedOut += count;
                }
            }
        }
        assertTrue(handedOut > 0, "seed " + seed + " handed nothing out");
    }
}
