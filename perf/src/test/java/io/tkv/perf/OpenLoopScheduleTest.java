package io.tkv.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest {
    private static final long START = 1_000_000_000L;

    @Test
    void shouldSpaceRequestsEvenlyFromTheStart() {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(START, 1_000);
        assertEquals(START, schedule.intendedSendNs(0));
        assertEquals(START + 1_000_000, schedule.intendedSendNs(1));
        assertEquals(START + 999_000_000, schedule.intendedSendNs(999));
        assertEquals(START + 1_000_000_000, schedule.intendedSendNs(1_000));
        assertEquals(START + 3_600_000_000_000L, schedule.intendedSendNs(3_600_000L));
    }

    @Test
    void shouldNotAccumulateRoundingForRatesThatDoNotDivideASecond() {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(START, 3);
        assertEquals(START + 333_333_333, schedule.intendedSendNs(1));
        assertEquals(START + 666_666_666, schedule.intendedSendNs(2));
        assertEquals(START + 1_000_000_000, schedule.intendedSendNs(3));
        assertEquals(START + 30_000_000_000L, schedule.intendedSendNs(90));
    }

    @Test
    void shouldCountRequestsDueAtEachInstant() {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(START, 3);
        assertEquals(0, schedule.dueCount(START - 1));
        assertEquals(1, schedule.dueCount(START));
        assertEquals(1, schedule.dueCount(START + 333_333_332));
        assertEquals(2, schedule.dueCount(START + 333_333_333));
        assertEquals(4, schedule.dueCount(START + 1_000_000_000));
    }

    @Test
    void shouldAgreeBetweenDueCountAndIntendedTimes() {
        for (final long rate : new long[] {1, 3, 7, 1_000, 33_333, 1_000_000, 7_000_001}) {
            final OpenLoopSchedule schedule = new OpenLoopSchedule(START, rate);
            for (long i = 0; i < 5_000; i += 1 + i / 7) {
                final long intended = schedule.intendedSendNs(i);
                assertEquals(i + 1, schedule.dueCount(intended), "rate " + rate + " index " + i);
                assertEquals(i, schedule.dueCount(intended - 1), "rate " + rate + " index " + i);
            }
        }
    }

    @Test
    void shouldMeasureLatencyFromTheScheduledTimeNotTheActualSend() {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(START, 1_000);
        // Request 5 was due at START + 5 ms; the sender stalled and sent it at +9 ms; the reply came at +9.2 ms.
        final long completion = START + 9_200_000;
        assertEquals(4_200_000, schedule.latencyNs(5, completion));
    }

    @Test
    void shouldRejectARateBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(START, 0));
    }
}
