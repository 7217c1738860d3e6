package io.tkv.pd.sim;

import java.util.SplittableRandom;

/**
 * What one seeded run varies. Times in simulated ms; heartbeats and scheduling rounds every second (TiKV's are
 * slower; only the ratios to the step delays and timeouts matter here).
 *
 * @param seed           the run's seed.
 * @param regions        regions in the cluster.
 * @param randomSizes    whether region sizes vary (1 to 16 MiB) or all weigh the 1 MiB minimum.
 * @param minStepMs      the shortest time a leader takes to carry out a step.
 * @param maxStepMs      the longest.
 * @param maxSnapshotMs  the longest a new learner takes to catch up by snapshot.
 * @param loss           probability that a heartbeat response (the step) is lost.
 */
record SimParams(long seed, int regions, boolean randomSizes, long minStepMs, long maxStepMs, long maxSnapshotMs,
    double loss) {
    static SimParams from(final long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        return new SimParams(seed, r.nextInt(24, 72), r.nextBoolean(), r.nextLong(10, 100), r.nextLong(200, 2_000),
            r.nextLong(500, 8_000), r.nextDouble(0, 0.1));
    }
}
