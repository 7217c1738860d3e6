package io.tkv.raft.sim;

import java.util.SplittableRandom;

/**
 * Everything one schedule varies, drawn from its seed: cluster shape, Raft settings, fault rates, workload. Times in
 * simulated microseconds; a tick is about 10 ms.
 *
 * @param seed            the schedule's seed.
 * @param founders        founding voters (ids 1..founders).
 * @param spares          peers that start empty and join by membership change (ids after the founders).
 * @param membership      whether this schedule changes membership (add learner, promote, remove a voter, ...).
 * @param preVote         RaftConfig.preVote.
 * @param heartbeatTicks  RaftConfig.heartbeatIntervalTicks.
 * @param maxInflight     RaftConfig.maxInflightAppends.
 * @param maxAppendBytes  RaftConfig.maxAppendBytes.
 * @param maxCached       RaftConfig.maxCachedEntries.
 * @param loss            probability that a message is lost.
 * @param duplicate       probability that a message is delivered twice.
 * @param slow            probability that a message is delayed a lot (reordering).
 * @param maxFsyncUs      upper bound of a Ready's usual sync time.
 * @param stall           probability that a sync stalls for 20 to 200 ms (a disk under pressure).
 * @param crashMeanUs     mean time between crashes, 0 for none.
 * @param syncCrash       probability that a peer crashes while a Ready of its is being made durable.
 * @param powerFailMeanUs mean time between power failures (every peer crashes at once), 0 for none.
 * @param partitionMeanUs mean time between partitions, 0 for none.
 * @param transferMeanUs  mean time between leader transfers, 0 for none.
 * @param snapshotEvery   applied entries between a peer's snapshots (and compactions), 0 for never.
 * @param leaseReadShare  share of reads tried as lease reads (the rest ReadIndex).
 * @param clients         concurrent clients.
 * @param keys            registers.
 * @param durationUs      length of the schedule.
 * @param calmUs          final part without faults, in which the group must serve again (liveness).
 * @param tickPeriodUs    each peer's tick period: 10 ms within +-5% (drift within the lease's 12.5% bound).
 * @param hibernateTicks  RaftConfig.hibernateAfterTicks (0: off); when on, the clients also pause together now and
 *                        then, so the group settles and sleeps, and the peers heartbeat each other store-style.
 * @param pipelinedSync   whether the peers go on while a Ready syncs ({@link io.tkv.raft.core.RaftNode#advanceWritten}
 *                        then {@link io.tkv.raft.core.RaftNode#persisted}), as the store's pipelined driver does:
 *                        even seeds.
 */
record SimParams(long seed, int founders, int spares, boolean membership, boolean preVote, int heartbeatTicks,
    int maxInflight, int maxAppendBytes, int maxCached, double loss, double duplicate, double slow, int maxFsyncUs,
    double stall, long crashMeanUs, double syncCrash, long powerFailMeanUs, long partitionMeanUs,
    long transferMeanUs, int snapshotEvery, double leaseReadShare, int clients, int keys, long durationUs,
    long calmUs, long[] tickPeriodUs, int hibernateTicks, boolean pipelinedSync) {

    static final long TICK_US = 10_000;
    static final double MAX_DRIFT = 0.05;

    static SimParams from(final long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        final boolean membership = r.nextInt(3) == 0;
        final int founders = membership ? 3 : r.nextBoolean() ? 3 : 5;
        final int spares = membership ? 2 : 0;
        final long[] periods = new long[founders + spares + 1];
        for (int i = 1; i < periods.length; i++) {
            periods[i] = Math.round(TICK_US * (1 + (r.nextDouble() * 2 - 1) * MAX_DRIFT));
        }
        // Drawn apart, so the other settings of a seed stay what they were before hibernation existed.
        final SplittableRandom h = new SplittableRandom(seed ^ 0x6A09E667F3BCC909L);
        final int hibernateTicks = h.nextBoolean() ? 0 : 1 + h.nextInt(6);
        return new SimParams(seed, founders, spares, membership, r.nextInt(5) != 0, 1 + r.nextInt(2),
            1 + r.nextInt(8), r.nextBoolean() ? 1 << 20 : 40 + r.nextInt(200), r.nextBoolean() ? 4096 : r.nextInt(8),
            r.nextInt(4) == 0 ? 0 : r.nextDouble() * 0.08, r.nextDouble() * 0.03, r.nextDouble() * 0.1,
            r.nextBoolean() ? 2_000 : 15_000, r.nextInt(3) != 0 ? 0 : r.nextDouble() * 0.03,
            r.nextInt(4) == 0 ? 0 : 100_000 + r.nextInt(500_000),
            r.nextInt(3) == 0 ? 0 : r.nextDouble() * 0.01,
            r.nextInt(3) != 0 ? 0 : 200_000 + r.nextInt(600_000),
            r.nextInt(4) == 0 ? 0 : 100_000 + r.nextInt(500_000),
            r.nextInt(3) == 0 ? 0 : 150_000 + r.nextInt(600_000),
            r.nextInt(4) == 0 ? 0 : 3 + r.nextInt(40), r.nextDouble(),
            3 + r.nextInt(3), 2 + r.nextInt(2), 2_500_000, 1_000_000, periods, hibernateTicks,
            (seed & 1) == 0);
    }

    int peers() {
        return founders + spares;
    }

    @Override
    public String toString() {
        return "SimParams{seed=" + seed + " founders=" + founders + " spares=" + spares + " membership=" + membership
            + " preVote=" + preVote + " hb=" + heartbeatTicks + " inflight=" + maxInflight + " appendBytes="
            + maxAppendBytes + " cached=" + maxCached
            + String.format(" loss=%.3f dup=%.3f slow=%.3f stall=%.3f syncCrash=%.4f", loss, duplicate, slow, stall,
            syncCrash)
            + " fsync<=" + maxFsyncUs + " crash~" + crashMeanUs + " powerFail~" + powerFailMeanUs + " partition~"
            + partitionMeanUs + " transfer~" + transferMeanUs + " snapshotEvery=" + snapshotEvery + " clients="
            + clients + " keys=" + keys + " hibernate=" + hibernateTicks + " pipelined=" + pipelinedSync + "}";
    }
}
