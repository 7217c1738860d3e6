package io.tkv.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ResultTableTest {
    private static final RunDescription RUN = new RunDescription(Workload.PUT, 0.5, LoopMode.CLOSED, 64, 0, 16, 256,
        100_000, KeyDistribution.UNIFORM, "sync");

    private static RunResult result(final String target, final long latencyNs, final long count, final long maxNs) {
        final Histogram histogram = new Histogram(LatencyRecorder.HIGHEST_TRACKABLE_NS,
            LatencyRecorder.SIGNIFICANT_DIGITS);
        histogram.recordValueWithCount(latencyNs, count);
        histogram.recordValue(maxNs);
        return new RunResult(target, histogram, 2_000_000_000L, 0, new Histogram(3));
    }

    @Test
    void shouldComputeThroughputAndPercentilesInMicros() {
        final RunResult tkv = result("tkv", 400_000, 9_999, 5_000_000);
        assertEquals(10_000, tkv.ops());
        assertEquals(5_000.0, tkv.opsPerSecond(), 1e-9);
        assertEquals(400.0, tkv.percentileUs(50), 0.5);
        assertEquals(400.0, tkv.percentileUs(99), 0.5);
        assertEquals(5_000.0, tkv.maxUs(), 5);
    }

    @Test
    void shouldPrintARowPerTargetAndARatioRow() {
        final RunResult tkv = result("tkv", 400_000, 9_999, 5_000_000);
        final RunResult rocks = result("rocksdb", 200_000, 19_999, 1_000_000);
        final String table = ResultTable.table(RUN, List.of(tkv, rocks));
        final String[] lines = table.split(System.lineSeparator());
        assertEquals(5, lines.length, table);
        assertTrue(lines[0].contains("workload=put mode=closed in_flight=64"), lines[0]);
        assertTrue(lines[1].startsWith("target") && lines[1].contains("p99.9 us"), lines[1]);
        assertTrue(lines[2].startsWith("tkv ") && lines[2].contains(" 5000 ") && lines[2].contains(" 400.1 "),
            lines[2]);
        assertTrue(lines[3].startsWith("rocksdb ") && lines[3].contains(" 10000 "), lines[3]);
        assertTrue(lines[4].startsWith("tkv/rocksdb") && lines[4].contains("0.50x") && lines[4].contains("2.00x"),
            lines[4]);
    }

    @Test
    void shouldWriteOneMachineReadableLinePerTarget() {
        final RunResult tkv = result("tkv", 400_000, 9_999, 5_000_000);
        final String line = ResultTable.resultLine(RUN, tkv);
        assertTrue(line.startsWith("RESULT workload=put mode=closed in_flight=64 key_size=16 value_size=256 "
            + "keys=100000 distribution=uniform fsync=sync target=tkv ops=10000 ops_per_s=5000.0 p50_us=400."), line);
        assertTrue(line.contains(" errors=0"), line);
        assertEquals(-1, line.indexOf('\n'));

        final RunResult rocks = result("rocksdb", 200_000, 19_999, 1_000_000);
        final String ratio = ResultTable.ratioLine(RUN, tkv, rocks);
        assertTrue(ratio.startsWith("RATIO ") && ratio.contains("target=tkv/rocksdb ops_per_s=0.500 p50=2.00"),
            ratio);
    }

    @Test
    void shouldShowTheRateAndReadRatioWhenTheyApply() {
        final RunDescription open = new RunDescription(Workload.MIXED, 0.9, LoopMode.OPEN, 1024, 5_000, 16, 256,
            1_000, KeyDistribution.ZIPFIAN, "none");
        assertEquals("workload=mixed read_ratio=0.9 mode=open in_flight=1024 rate=5000 key_size=16 value_size=256 "
            + "keys=1000 distribution=zipfian fsync=none", open.fields());
        assertEquals("mixed-open-5000ops", open.label());
        assertEquals("put-closed-64if", RUN.label());
    }

    @Test
    void shouldFormatAProgressLine() {
        final String line = ResultTable.progressLine("tkv", "measure", 3, 1_500, 1.0, 1_400, 250.25, 1_900, 0);
        assertTrue(line.startsWith("[tkv measure   3s] ops/s      1500 (avg      1400)"), line);
        assertTrue(line.contains("p50     250.3 us") && line.contains("p99      1900 us"), line);
    }

    @Test
    void shouldShowHowLateAnOpenLoopSentItsRequests() {
        final RunDescription open = new RunDescription(Workload.GET, 0.5, LoopMode.OPEN, 1024, 5_000, 16, 256,
            1_000, KeyDistribution.UNIFORM, "sync");
        final Histogram lag = new Histogram(3);
        lag.recordValueWithCount(60_000, 99);
        lag.recordValue(900_000);
        final Histogram latency = new Histogram(3);
        latency.recordValueWithCount(100_000, 100);
        final String table = ResultTable.table(open,
            List.of(new RunResult("tkv", latency, 1_000_000_000L, 0, lag)));
        assertTrue(table.contains("  tkv: requests left p50 60.0 us / p99 60.0 us after their scheduled time"), table);
        assertTrue(!ResultTable.table(RUN, List.of(new RunResult("tkv", latency, 1, 0, lag))).contains("left"));
    }

    @Test
    void shouldReportNothingCompletedAsZeros() {
        final RunResult empty = new RunResult("tkv", new Histogram(3), 1_000_000_000L, 5, new Histogram(3));
        assertEquals(0, empty.opsPerSecond());
        assertEquals(0, empty.percentileUs(99));
        assertEquals("-", ResultTable.ratio(1, 0));
    }
}
