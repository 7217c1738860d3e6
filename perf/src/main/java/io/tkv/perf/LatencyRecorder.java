package io.tkv.perf;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Collects the latencies of one run. Completions may be recorded from any thread, lock-free (HdrHistogram's
 * {@link Recorder}); the progress reporter and the driver take interval histograms under this object's lock and
 * add those of the measured phase to the run's total.
 * <p>
 * Latencies are recorded in nanoseconds. A run goes {@link Phase#WARMUP} → {@link Phase#MEASURING} (from
 * {@link #startMeasuring}) → {@link Phase#DONE} (from {@link #stopMeasuring}); only completions recorded while
 * measuring reach the total.
 */
public final class LatencyRecorder {
    /** Latencies above this are clamped (and show as such in max): a minute is beyond any sane request. */
    static final long HIGHEST_TRACKABLE_NS = TimeUnit.MINUTES.toNanos(1);
    /** Three significant digits: 0.1% resolution at every magnitude. */
    static final int SIGNIFICANT_DIGITS = 3;

    /** Where a run is. */
    public enum Phase {
        /** Latencies are shown as progress but dropped. */
        WARMUP,
        /** Latencies count. */
        MEASURING,
        /** The measured phase is over; stragglers are dropped. */
        DONE
    }

    private final Recorder recorder = new Recorder(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    private final Histogram total = new Histogram(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    /** Everything since the last progress sample, whatever the phase (so the warm-up's tail is shown too). */
    private final Histogram sinceLastSample = new Histogram(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    /** Open loop only: how late the issuing thread sent each request, measured phase; issuing thread only. */
    private final Histogram sendLag = new Histogram(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    private final AtomicLong errors = new AtomicLong();
    private Histogram interval;
    private volatile Phase phase = Phase.WARMUP;
    private long measureStartNs;
    private long measureEndNs;

    /**
     * Records one completed request. Any thread.
     *
     * @param latencyNs its latency.
     */
    public void record(final long latencyNs) {
        recorder.recordValue(Math.min(Math.max(latencyNs, 0), HIGHEST_TRACKABLE_NS));
    }

    /**
     * Records how late a request left compared with its scheduled send time (open loop). Only the issuing thread
     * may call it, and only it may call {@link #startMeasuring}.
     *
     * @param lagNs actual send time minus intended send time.
     */
    public void recordSendLag(final long lagNs) {
        if (phase == Phase.MEASURING) {
            sendLag.recordValue(Math.min(Math.max(lagNs, 0), HIGHEST_TRACKABLE_NS));
        }
    }

    /**
     * @return a copy of the measured phase's send lags (empty for a closed loop).
     */
    public synchronized Histogram sendLag() {
        return sendLag.copy();
    }

    /**
     * Counts a request that failed (it is not in the latency histogram). Any thread.
     */
    public void recordError() {
        errors.incrementAndGet();
    }

    /**
     * @return failed requests in the current phase.
     */
    public long errors() {
        return errors.get();
    }

    /**
     * Ends the warm-up: what was recorded so far stays out of the total; errors restart from 0.
     *
     * @param nowNs the start of the measured phase.
     */
    public synchronized void startMeasuring(final long nowNs) {
        drainInterval(false);
        total.reset();
        sendLag.reset();
        errors.set(0);
        measureStartNs = nowNs;
        phase = Phase.MEASURING;
    }

    /**
     * Ends the measured phase; later completions stay out of the total.
     *
     * @param nowNs the end of the measured phase.
     */
    public synchronized void stopMeasuring(final long nowNs) {
        drainInterval(phase == Phase.MEASURING);
        measureEndNs = nowNs;
        phase = Phase.DONE;
    }

    /**
     * @return the run's phase.
     */
    public Phase phase() {
        return phase;
    }

    /**
     * @return whether the measured phase is running.
     */
    public boolean isMeasuring() {
        return phase == Phase.MEASURING;
    }

    /**
     * Takes what was recorded since the last sample, for a progress line.
     *
     * @return count and percentiles of the interval.
     */
    public synchronized IntervalStats sample() {
        drainInterval(phase == Phase.MEASURING);
        final long count = sinceLastSample.getTotalCount();
        final IntervalStats stats = new IntervalStats(phase, count,
            count == 0 ? 0 : sinceLastSample.getValueAtPercentile(50),
            count == 0 ? 0 : sinceLastSample.getValueAtPercentile(99));
        sinceLastSample.reset();
        return stats;
    }

    private void drainInterval(final boolean addToTotal) {
        interval = recorder.getIntervalHistogram(interval);
        if (addToTotal) {
            total.add(interval);
        }
        sinceLastSample.add(interval);
    }

    /**
     * @return a copy of the measured phase's histogram.
     */
    public synchronized Histogram total() {
        return total.copy();
    }

    /**
     * @return length of the measured phase so far (or in all, once done).
     */
    public synchronized long measuredNs() {
        switch (phase) {
            case WARMUP:
                return 0;
            case MEASURING:
                return System.nanoTime() - measureStartNs;
            default:
                return Math.max(0, measureEndNs - measureStartNs);
        }
    }

    /**
     * What happened since the previous progress sample.
     *
     * @param phase the phase at the time of the sample.
     * @param count completions in the interval.
     * @param p50Ns median latency of the interval.
     * @param p99Ns 99th percentile of the interval.
     */
    public record IntervalStats(Phase phase, long count, long p50Ns, long p99Ns) {
    }
}
