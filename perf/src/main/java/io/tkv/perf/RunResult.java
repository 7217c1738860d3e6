package io.tkv.perf;

import org.HdrHistogram.Histogram;

/**
 * What one target did in the measured phase of one run.
 *
 * @param target     {@code tkv} or the baseline's name.
 * @param histogram  latencies in nanoseconds of the requests completed in the measured phase.
 * @param measuredNs length of the measured phase.
 * @param errors     requests that failed in the measured phase.
 * @param sendLag    open loop: how late each request left after its scheduled time, in nanoseconds (already
 *                   part of its latency); empty for a closed loop.
 */
public record RunResult(String target, Histogram histogram, long measuredNs, long errors, Histogram sendLag) {
    private static final double NANOS_PER_MICRO = 1_000.0;

    /**
     * @return requests completed in the measured phase.
     */
    public long ops() {
        return histogram.getTotalCount();
    }

    /**
     * @return completed requests per second of the measured phase.
     */
    public double opsPerSecond() {
        return measuredNs <= 0 ? 0 : ops() * 1e9 / measuredNs;
    }

    /**
     * @param percentile in (0, 100].
     * @return that percentile of latency, in microseconds (0 when nothing completed).
     */
    public double percentileUs(final double percentile) {
        return ops() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / NANOS_PER_MICRO;
    }

    /**
     * @param percentile in (0, 100].
     * @return that percentile of the send lag, in microseconds (0 when none was recorded).
     */
    public double sendLagUs(final double percentile) {
        return sendLag == null || sendLag.getTotalCount() == 0 ? 0
            : sendLag.getValueAtPercentile(percentile) / NANOS_PER_MICRO;
    }

    /**
     * @return the largest latency, in microseconds.
     */
    public double maxUs() {
        return ops() == 0 ? 0 : histogram.getMaxValue() / NANOS_PER_MICRO;
    }
}
