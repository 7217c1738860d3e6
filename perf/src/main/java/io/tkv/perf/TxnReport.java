package io.tkv.perf;

import io.tkv.client.txn.CommitKind;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * bench-txn's output: one {@code RESULT} line per row and {@code RATIO} lines against the 1PC row for scripts, and a
 * table for people. A row's name says what it measures ({@code tso}, {@code 1pc}, {@code async}, {@code 2pc},
 * {@code zipf-rmw}); its commit-kind counts say what the client actually did.
 */
final class TxnReport {
    private static final String TABLE_ROW = "%-9s %4s %8s %10s %10s %10s %10s %8s  %s%n";

    /**
     * One row's settings and outcome.
     *
     * @param name     {@code tso}, {@code 1pc}, {@code async}, {@code 2pc} or {@code zipf-rmw}.
     * @param regions  regions a transaction writes (0 for the TSO row).
     * @param inFlight concurrent transactions.
     * @param outcome  what the loop measured.
     */
    record Row(String name, int regions, int inFlight, TxnLoop.Outcome outcome) {
    }

    private TxnReport() {
    }

    /** @return {@code RESULT row=... in_flight=... txns=... txn_per_s=... p50_us=... ...}, no newline. */
    static String resultLine(final Row row) {
        final TxnLoop.Outcome out = row.outcome();
        return String.format(Locale.ROOT,
            "RESULT row=%s regions=%d in_flight=%d txns=%d txn_per_s=%.1f p50_us=%.1f p99_us=%.1f p999_us=%.1f "
                + "max_us=%.1f errors=%d errors_per_s=%.1f%s%s",
            row.name(), row.regions(), row.inFlight(), out.ok(), out.okPerS(), out.us(50), out.us(99), out.us(99.9),
            out.latencyNs().getMaxValue() / 1e3, out.failed(), out.failed() / out.measuredS(), kinds(out),
            failures(out));
    }

    /**
     * @return {@code RATIO row=<subject>/<base> in_flight=... p50=... p99=... txn_per_s=...}, subject divided by
     *     base ({@code nan} if the base has no value), no newline.
     */
    static String ratioLine(final Row subject, final Row base) {
        final TxnLoop.Outcome s = subject.outcome();
        final TxnLoop.Outcome b = base.outcome();
        return String.format(Locale.ROOT, "RATIO row=%s/%s in_flight=%d p50=%s p99=%s p999=%s txn_per_s=%s",
            subject.name(), base.name(), subject.inFlight(), ratio(s.us(50), b.us(50)), ratio(s.us(99), b.us(99)),
            ratio(s.us(99.9), b.us(99.9)), ratio(s.okPerS(), b.okPerS()));
    }

    /** @return the rows as a table, with each row's commit kinds and failures by reason. */
    static String table(final List<Row> rows) {
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, TABLE_ROW, "row", "regs", "in", "txn/s", "p50 us", "p99 us",
            "p99.9 us", "errors", "commit kinds / failures"));
        for (final Row row : rows) {
            final TxnLoop.Outcome o = row.outcome();
            final String detail = (kinds(o) + failures(o)).trim();
            out.append(String.format(Locale.ROOT, TABLE_ROW, row.name(), row.regions(), row.inFlight(),
                String.format(Locale.ROOT, "%.0f", o.okPerS()), ResultTable.micros(o.us(50)),
                ResultTable.micros(o.us(99)), ResultTable.micros(o.us(99.9)), o.failed(), detail));
        }
        return out.toString();
    }

    private static String kinds(final TxnLoop.Outcome out) {
        if (out.kinds().isEmpty()) {
            return "";
        }
        final StringBuilder line = new StringBuilder();
        for (final CommitKind kind : CommitKind.values()) {
            line.append(' ').append(kind.name().toLowerCase(Locale.ROOT)).append('=')
                .append(out.kinds().getOrDefault(kind, 0L));
        }
        return line.toString();
    }

    /** @return {@code  failed_<reason>_per_s=...} per reason, in reason order. */
    private static String failures(final TxnLoop.Outcome out) {
        return out.failures().entrySet().stream()
            .map((Map.Entry<String, Long> e) -> String.format(Locale.ROOT, " failed_%s_per_s=%.1f", e.getKey(),
                e.getValue() / out.measuredS()))
            .collect(Collectors.joining());
    }

    private static String ratio(final double subject, final double base) {
        return base <= 0 ? "nan" : String.format(Locale.ROOT, "%.3f", subject / base);
    }
}
