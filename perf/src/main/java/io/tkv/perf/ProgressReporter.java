package io.tkv.perf;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Prints one progress line per second on stderr while a target runs: the last second's ops/s and p50/p99, and
 * the phase's average ops/s. It is also the thread that moves interval histograms into the run's total, so the
 * recorder's writers never block. Start it, then {@link #close()} it when the run ends.
 */
final class ProgressReporter implements AutoCloseable {
    private static final long TICK_NS = TimeUnit.SECONDS.toNanos(1);

    private final String target;
    private final LatencyRecorder recorder;
    private final PrintStream out;
    private final boolean print;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param target   the target's name, in each line.
     * @param recorder the run's recorder.
     * @param out      where lines go (stderr).
     * @param print    false to only sample (no lines).
     */
    ProgressReporter(final String target, final LatencyRecorder recorder, final PrintStream out, final boolean print) {
        this.target = target;
        this.recorder = recorder;
        this.out = out;
        this.print = print;
        this.thread = new Thread(this::run, "tkv-perf-progress");
        this.thread.setDaemon(true);
    }

    /**
     * @return this, started.
     */
    ProgressReporter start() {
        thread.start();
        return this;
    }

    private void run() {
        final long startNs = System.nanoTime();
        long nextTickNs = startNs + TICK_NS;
        long lastNs = startNs;
        LatencyRecorder.Phase lastPhase = LatencyRecorder.Phase.WARMUP;
        long phaseStartNs = startNs;
        long phaseOps = 0;
        while (running) {
            final long waitNs = nextTickNs - System.nanoTime();
            if (waitNs > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(waitNs);
                } catch (final InterruptedException ex) {
                    return;
                }
                continue;
            }
            nextTickNs += TICK_NS;
            final LatencyRecorder.IntervalStats stats = recorder.sample();
            final long nowNs = System.nanoTime();
            if (stats.phase() == LatencyRecorder.Phase.DONE) {
                return;
            }
            if (stats.phase() != lastPhase) {
                lastPhase = stats.phase();
                phaseStartNs = lastNs;
                phaseOps = 0;
            }
            phaseOps += stats.count();
            if (print) {
                final double phaseS = (nowNs - phaseStartNs) / 1e9;
                out.println(ResultTable.progressLine(target,
                    stats.phase() == LatencyRecorder.Phase.MEASURING ? "measure" : "warmup",
                    Math.round(phaseS), stats.count(), (nowNs - lastNs) / 1e9, phaseS > 0 ? phaseOps / phaseS : 0,
                    stats.p50Ns() / 1e3, stats.p99Ns() / 1e3, recorder.errors()));
            }
            lastNs = nowNs;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
