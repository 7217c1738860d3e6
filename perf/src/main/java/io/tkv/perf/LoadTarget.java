package io.tkv.perf;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A system the harness loads: tkv through its client, or the in-process RocksDB baseline. This class holds what
 * both share (phases, recorder, progress); a target supplies preloading and the closed- and open-loop request
 * issue.
 */
public abstract class LoadTarget implements AutoCloseable {
    /** Stop waiting for outstanding requests this long after the end of a run. */
    static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final String name;

    /**
     * @param name the target's name in tables and result lines.
     */
    protected LoadTarget(final String name) {
        this.name = name;
    }

    /**
     * @return the target's name.
     */
    public final String name() {
        return name;
    }

    /**
     * Writes every key of the key space once.
     *
     * @param keys  the key space.
     * @param value the value to write.
     */
    public abstract void preload(KeySpace keys, byte[] value);

    /**
     * Runs a plan: warm-up, then the measured phase.
     *
     * @param plan     what to run.
     * @param keys     the key space.
     * @param value    a value of the run's value size; targets may vary its first bytes.
     * @param progress where progress lines go.
     * @return the measured phase's result.
     */
    public final RunResult run(
        final RunPlan plan, final KeySpace keys, final byte[] value, final PrintStream progress) {
        final LatencyRecorder recorder = new LatencyRecorder();
        final long startNs = System.nanoTime();
        final Phases phases = new Phases(startNs, startNs + plan.warmupNs(), startNs + plan.warmupNs()
            + plan.durationNs());
        if (plan.warmupNs() == 0) {
            recorder.startMeasuring(startNs);
        }
        try (ProgressReporter ignored = new ProgressReporter(name, recorder, progress, plan.progress()).start()) {
            final OperationSource ops = plan.newOperationSource(keys);
            if (plan.description().mode() == LoopMode.CLOSED) {
                runClosedLoop(plan, keys, value, ops, recorder, phases);
            } else {
                runOpenLoop(plan, keys, value, ops, recorder, phases,
                    new OpenLoopSchedule(startNs, plan.description().rate()));
            }
            if (recorder.isMeasuring()) {
                recorder.stopMeasuring(System.nanoTime());
            }
        }
        return new RunResult(name, recorder.total(), recorder.measuredNs(), recorder.errors(), recorder.sendLag());
    }

    /**
     * Keeps {@code inFlight} requests outstanding until {@link Phases#endNs()}; latency from each actual send.
     * Must call {@link Phases#onTime} between requests so the measured phase starts and ends on time.
     */
    protected abstract void runClosedLoop(
        RunPlan plan, KeySpace keys, byte[] value, OperationSource ops, LatencyRecorder recorder, Phases phases);

    /**
     * Issues request {@code i} at {@code schedule.intendedSendNs(i)} until {@link Phases#endNs()}, at most
     * {@code inFlight} outstanding; latency from the intended send time.
     */
    protected abstract void runOpenLoop(
        RunPlan plan, KeySpace keys, byte[] value, OperationSource ops, LatencyRecorder recorder, Phases phases,
        OpenLoopSchedule schedule);

    /**
     * Sleeps until a point in time, without spinning (the machine has two cores). The wake-up may be late by the
     * OS timer slack (~50 µs); open-loop latency counts that lateness, as it should.
     *
     * @param deadlineNs a {@link System#nanoTime()} value.
     */
    protected static void sleepUntil(final long deadlineNs) {
        long remainingNs = deadlineNs - System.nanoTime();
        while (remainingNs > 0) {
            LockSupport.parkNanos(remainingNs);
            remainingNs = deadlineNs - System.nanoTime();
        }
    }

    /** Releases the target's resources (connections, stores, temp dirs). */
    @Override
    public abstract void close();

    /**
     * The timeline of a run: start, end of warm-up, end.
     *
     * @param startNs        start of the warm-up.
     * @param measureStartNs end of the warm-up, start of the measured phase.
     * @param endNs          end of the measured phase.
     */
    public record Phases(long startNs, long measureStartNs, long endNs) {
        /**
         * Starts the measured phase when its time has come.
         *
         * @param nowNs    the current time.
         * @param recorder the run's recorder.
         * @return false once the run is over.
         */
        public boolean onTime(final long nowNs, final LatencyRecorder recorder) {
            if (nowNs >= endNs) {
                return false;
            }
            if (nowNs >= measureStartNs && !recorder.isMeasuring()) {
                recorder.startMeasuring(nowNs);
            }
            return true;
        }
    }
}
