package io.tkv.perf;

import java.util.List;
import java.util.Locale;

/**
 * Formats the results of one run: a human table (one row per target and, when a baseline ran, a row of ratios
 * {@code tkv / baseline}) and one machine-readable {@code RESULT} line per target.
 */
public final class ResultTable {
    private static final String ROW_FORMAT = "%-16s %12s %10s %10s %10s %10s %8s%n";
    private static final double[] PERCENTILES = {50.0, 99.0, 99.9};

    private ResultTable() {
    }

    /**
     * @param run     the run's settings.
     * @param results the subject first, then the baseline if any.
     * @return the table, lines ending with a newline.
     */
    public static String table(final RunDescription run, final List<RunResult> results) {
        final StringBuilder out = new StringBuilder();
        out.append("== ").append(run.fields()).append(" ==").append(System.lineSeparator());
        out.append(String.format(Locale.ROOT, ROW_FORMAT,
            "target", "ops/s", "p50 us", "p99 us", "p99.9 us", "max us", "errors"));
        for (final RunResult result : results) {
            out.append(String.format(Locale.ROOT, ROW_FORMAT,
                result.target(),
                String.format(Locale.ROOT, "%.0f", result.opsPerSecond()),
                micros(result.percentileUs(PERCENTILES[0])),
                micros(result.percentileUs(PERCENTILES[1])),
                micros(result.percentileUs(PERCENTILES[2])),
                micros(result.maxUs()),
                Long.toString(result.errors())));
        }
        if (results.size() >= 2) {
            final RunResult subject = results.get(0);
            final RunResult baseline = results.get(1);
            out.append(String.format(Locale.ROOT, ROW_FORMAT,
                subject.target() + '/' + baseline.target(),
                ratio(subject.opsPerSecond(), baseline.opsPerSecond()),
                ratio(subject.percentileUs(PERCENTILES[0]), baseline.percentileUs(PERCENTILES[0])),
                ratio(subject.percentileUs(PERCENTILES[1]), baseline.percentileUs(PERCENTILES[1])),
                ratio(subject.percentileUs(PERCENTILES[2]), baseline.percentileUs(PERCENTILES[2])),
                ratio(subject.maxUs(), baseline.maxUs()),
                ""));
        }
        if (run.mode() == LoopMode.OPEN) {
            for (final RunResult result : results) {
                out.append(String.format(Locale.ROOT,
                    "  %s: requests left p50 %s us / p99 %s us after their scheduled time (counted in latency)%n",
                    result.target(), micros(result.sendLagUs(PERCENTILES[0])),
                    micros(result.sendLagUs(PERCENTILES[1]))));
            }
        }
        return out.toString();
    }

    /**
     * @param run    the run's settings.
     * @param result one target's result.
     * @return {@code RESULT <run fields> target=... ops=... ops_per_s=... p50_us=... ...}, no newline.
     */
    public static String resultLine(final RunDescription run, final RunResult result) {
        return String.format(Locale.ROOT,
            "RESULT %s target=%s ops=%d ops_per_s=%.1f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f errors=%d",
            run.fields(), result.target(), result.ops(), result.opsPerSecond(),
            result.percentileUs(PERCENTILES[0]), result.percentileUs(PERCENTILES[1]),
            result.percentileUs(PERCENTILES[2]), result.maxUs(), result.errors());
    }

    /**
     * @param run      the run's settings.
     * @param subject  the system under test.
     * @param baseline the baseline.
     * @return {@code RATIO <run fields> target=tkv/rocksdb ops_per_s=... p50=... ...}: subject divided by baseline.
     */
    public static String ratioLine(final RunDescription run, final RunResult subject, final RunResult baseline) {
        return String.format(Locale.ROOT, "RATIO %s target=%s/%s ops_per_s=%s p50=%s p99=%s p999=%s max=%s",
            run.fields(), subject.target(), baseline.target(),
            plainRatio(subject.opsPerSecond(), baseline.opsPerSecond()),
            plainRatio(subject.percentileUs(PERCENTILES[0]), baseline.percentileUs(PERCENTILES[0])),
            plainRatio(subject.percentileUs(PERCENTILES[1]), baseline.percentileUs(PERCENTILES[1])),
            plainRatio(subject.percentileUs(PERCENTILES[2]), baseline.percentileUs(PERCENTILES[2])),
            plainRatio(subject.maxUs(), baseline.maxUs()));
    }

    /**
     * One progress line: ops/s of the last interval and on average, and the interval's p50/p99.
     *
     * @param target      the target's name.
     * @param phase       {@code warmup} or {@code measure}.
     * @param elapsedS    whole seconds since the phase started.
     * @param intervalOps requests completed in the interval.
     * @param intervalS   length of the interval in seconds.
     * @param averageOps  average ops/s of the phase so far.
     * @param p50Us       interval median, microseconds.
     * @param p99Us       interval 99th percentile, microseconds.
     * @param errors      failed requests of the phase so far.
     * @return the line, no newline.
     */
    public static String progressLine(
        final String target, final String phase, final long elapsedS, final long intervalOps, final double intervalS,
        final double averageOps, final double p50Us, final double p99Us, final long errors) {
        return String.format(Locale.ROOT,
            "[%s %s %3ds] ops/s %9.0f (avg %9.0f)  p50 %9s us  p99 %9s us  errors %d",
            target, phase, elapsedS, intervalS > 0 ? intervalOps / intervalS : 0, averageOps,
            micros(p50Us), micros(p99Us), errors);
    }

    static String micros(final double value) {
        return String.format(Locale.ROOT, value >= 1000 ? "%.0f" : "%.1f", value);
    }

    static String ratio(final double subject, final double baseline) {
        return baseline <= 0 ? "-" : String.format(Locale.ROOT, "%.2fx", subject / baseline);
    }

    private static String plainRatio(final double subject, final double baseline) {
        return baseline <= 0 ? "nan" : String.format(Locale.ROOT, "%.3f", subject / baseline);
    }
}
