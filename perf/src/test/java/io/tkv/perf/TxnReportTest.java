package io.tkv.perf;

import io.tkv.client.txn.CommitKind;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bench-txn's lines: what scripts parse (RESULT, RATIO) and the table. */
class TxnReportTest {
    private static TxnLoop.Outcome outcome(final long latencyUs, final long count, final Map<String, Long> failures,
        final Map<CommitKind, Long> kinds) {
        final Histogram histogram = new Histogram(LatencyRecorder.HIGHEST_TRACKABLE_NS, 3);
        histogram.recordValueWithCount(latencyUs * 1_000, count);
        return new TxnLoop.Outcome(histogram, 10.0, failures, kinds);
    }

    private static Map<CommitKind, Long> kinds(final CommitKind kind, final long count) {
        final Map<CommitKind, Long> kinds = new EnumMap<>(CommitKind.class);
        kinds.put(kind, count);
        return kinds;
    }

    @Test
    void shouldPrintARowWithItsCommitKindsAndFailuresPerSecond() {
        final Map<String, Long> failures = new TreeMap<>(Map.of("write_conflict", 30L, "key_locked", 5L));
        final TxnReport.Row row = new TxnReport.Row("zipf-rmw", 1, 64,
            outcome(1_000, 2_000, failures, kinds(CommitKind.ONE_PC, 2_000)));

        final String line = TxnReport.resultLine(row);

        assertTrue(line.startsWith("RESULT row=zipf-rmw regions=1 in_flight=64 txns=2000 txn_per_s=200.0 "
            + "p50_us=1000.4 p99_us=1000.4 p999_us=1000.4 max_us=1000.4 errors=35 errors_per_s=3.5"), line);
        assertTrue(line.endsWith(" one_pc=2000 async_commit=0 two_pc=0 failed_key_locked_per_s=0.5"
            + " failed_write_conflict_per_s=3.0"), line);
    }

    @Test
    void shouldLeaveOutCommitKindsOfTheTsoRow() {
        final TxnReport.Row tso = new TxnReport.Row("tso", 0, 1, outcome(50, 100, Map.of(), Map.of()));

        assertEquals("RESULT row=tso regions=0 in_flight=1 txns=100 txn_per_s=10.0 p50_us=50.0 p99_us=50.0 "
            + "p999_us=50.0 max_us=50.0 errors=0 errors_per_s=0.0", TxnReport.resultLine(tso));
    }

    @Test
    void shouldDivideTheSubjectByTheBaseAndSayNanWithoutABase() {
        final TxnReport.Row onePc = new TxnReport.Row("1pc", 1, 64, outcome(1_000, 500, Map.of(), Map.of()));
        final TxnReport.Row async = new TxnReport.Row("async", 2, 64, outcome(1_250, 400, Map.of(), Map.of()));
        final TxnReport.Row none = new TxnReport.Row("1pc", 1, 64, outcome(0, 0, Map.of("undetermined", 1L),
            Map.of()));

        final String ratio = TxnReport.ratioLine(async, onePc);
        assertTrue(ratio.startsWith("RATIO row=async/1pc in_flight=64 p50=1.25"), ratio);
        assertTrue(ratio.endsWith(" txn_per_s=0.800"), ratio);
        assertEquals("RATIO row=async/1pc in_flight=64 p50=nan p99=nan p999=nan txn_per_s=nan",
            TxnReport.ratioLine(async, none));
    }

    @Test
    void shouldTabulateEveryRowUnderAHeader() {
        final String table = TxnReport.table(List.of(
            new TxnReport.Row("1pc", 1, 1, outcome(900, 1_000, Map.of(), kinds(CommitKind.ONE_PC, 1_000))),
            new TxnReport.Row("2pc", 2, 1, outcome(2_000, 500, Map.of(), kinds(CommitKind.TWO_PC, 500)))));

        final String[] lines = table.split(System.lineSeparator());
        assertEquals(3, lines.length, table);
        assertTrue(lines[0].startsWith("row"), table);
        assertTrue(lines[1].matches("1pc +1 +1 +100 +900\\.\\d .* one_pc=1000 async_commit=0 two_pc=0"), lines[1]);
        assertTrue(lines[2].matches("2pc +2 +1 +50 +200\\d .* one_pc=0 async_commit=0 two_pc=500"), lines[2]);
    }
}
