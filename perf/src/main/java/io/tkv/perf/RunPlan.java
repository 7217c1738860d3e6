package io.tkv.perf;

import java.util.concurrent.TimeUnit;

/**
 * Everything a target needs to run one workload: the description plus timing and seeds.
 *
 * @param description the run's settings.
 * @param warmupNs    length of the warm-up, whose latencies are dropped.
 * @param durationNs  length of the measured phase.
 * @param scanLimit   pairs per scan.
 * @param seed        seed of the operation sequence; both targets get the same one.
 * @param progress    print a progress line each second on stderr.
 */
public record RunPlan(
    RunDescription description, long warmupNs, long durationNs, int scanLimit, long seed, boolean progress) {

    /**
     * @param description the run's settings.
     * @param warmupS     warm-up seconds.
     * @param durationS   measured seconds.
     * @param scanLimit   pairs per scan.
     * @param seed        seed of the operation sequence.
     * @param progress    print progress lines.
     * @return the plan.
     */
    public static RunPlan of(
        final RunDescription description, final double warmupS, final double durationS, final int scanLimit,
        final long seed, final boolean progress) {
        if (durationS <= 0) {
            throw new IllegalArgumentException("duration must be > 0 s, was " + durationS);
        }
        if (warmupS < 0) {
            throw new IllegalArgumentException("warmup must be >= 0 s, was " + warmupS);
        }
        return new RunPlan(description, (long)(warmupS * TimeUnit.SECONDS.toNanos(1)),
            (long)(durationS * TimeUnit.SECONDS.toNanos(1)), scanLimit, seed, progress);
    }

    /**
     * @param keys the key space.
     * @return the run's operation sequence (same for every target).
     */
    public OperationSource newOperationSource(final KeySpace keys) {
        final KeyChooser chooser = KeyChooser.of(description.distribution(), keys.keys(), seed);
        return new OperationSource(description.workload(), description.readRatio(), chooser, seed ^ MIX_SALT);
    }

    /** Decorrelates the read/write mix from the key sequence. */
    private static final long MIX_SALT = 0x9E3779B97F4A7C15L;
}
