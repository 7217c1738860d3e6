package io.tkv.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatencyRecorderTest {
    @Test
    void shouldDropTheWarmupAndKeepTheMeasuredPhase() {
        final LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(1_000_000);
        recorder.recordError();
        final LatencyRecorder.IntervalStats warm = recorder.sample();
        assertEquals(1, warm.count());
        assertEquals(LatencyRecorder.Phase.WARMUP, warm.phase());
        assertEquals(1_000_000, warm.p50Ns(), 1_000);

        recorder.record(2_000_000);
        recorder.startMeasuring(100);
        recorder.record(10_000);
        recorder.record(20_000);
        // The warm-up's last completion still shows in the next progress sample, but not in the total.
        final LatencyRecorder.IntervalStats measured = recorder.sample();
        assertEquals(3, measured.count());
        assertEquals(LatencyRecorder.Phase.MEASURING, measured.phase());
        recorder.record(30_000);
        recorder.recordError();
        recorder.stopMeasuring(1_000_000_100L);
        recorder.record(40_000);
        assertEquals(LatencyRecorder.Phase.DONE, recorder.sample().phase());

        assertEquals(3, recorder.total().getTotalCount());
        assertEquals(30_000, recorder.total().getMaxValue(), 30);
        assertEquals(1, recorder.errors());
        assertEquals(1_000_000_000L, recorder.measuredNs());
    }

    @Test
    void shouldClampNegativeAndHugeLatencies() {
        final LatencyRecorder recorder = new LatencyRecorder();
        recorder.startMeasuring(0);
        recorder.record(-5);
        recorder.record(Long.MAX_VALUE);
        recorder.stopMeasuring(1);
        assertEquals(2, recorder.total().getTotalCount());
        assertEquals(0, recorder.total().getMinValue());
    }
}
