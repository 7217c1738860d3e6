package io.tkv.pd.sim;

import io.tkv.pd.schedule.OperatorKind;
import io.tkv.pd.schedule.ScheduleConfig;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** The simulated scenarios; each returns its figures or throws {@link SimulationFailure}. */
final class Scenarios {
    /** Simulated time a scenario may take to settle before it counts as not converging. */
    static final long SETTLE_DEADLINE_MS = 30 * 60_000L;
    /** How long a settled cluster is watched for any further operator. */
    static final long WATCH_MS = 10 * 60_000L;
    /**
     * Leaders should end at most this far apart (wider only where no transfer can help: a transfer needs a region
     * led by one store with a voter on the other).
     */
    static final int MAX_LEADER_SPREAD = 2;

    /**
     * Figures of one run.
     *
     * @param settleMs    simulated ms from the event (a store joins; for a dead store: its death) to the last
     *                    operator activity; for a dead store, to every region being back at full strength.
     * @param regionMoves balance-region operators.
     * @param leaderMoves balance-leader operators.
     * @param repairs     replica checker operators.
     * @param rounds      scheduling rounds (one a second) from the event to the end of the run.
     */
    record Figures(long settleMs, int regionMoves, int leaderMoves, int repairs, int rounds) {
    }

    private Scenarios() {
    }

    private static Map<Long, Map<String, String>> plainStores(final int n) {
        final Map<Long, Map<String, String>> stores = new TreeMap<>();
        for (long id = 1; id <= n; id++) {
            stores.put(id, Map.of());
        }
        return stores;
    }

    /**
     * Three stores hold every region with all leaders on store 1; once leaders are balanced a fourth store joins.
     * Regions and leaders end balanced, nothing moves back and forth, and a settled cluster stays quiet.
     */
    static Figures fourthStoreJoins(final long seed, final ScheduleConfig.BrokenRule rule) {
        final PdSimulation sim = new PdSimulation(SimParams.from(seed), rule, List.of());
        sim.bootstrap(plainStores(3), 3, true);
        sim.settle(SETTLE_DEADLINE_MS);
        SimChecks.balanced(sim, MAX_LEADER_SPREAD);
        final int leaderMovesBefore = sim.added().get(OperatorKind.LEADER);
        final int roundsBefore = sim.rounds();
        sim.addStore(4, Map.of());
        final long settleMs = sim.settle(SETTLE_DEADLINE_MS);
        SimChecks.balanced(sim, MAX_LEADER_SPREAD);
        SimChecks.noReturns(sim);
        SimChecks.noLeaderSelfRemoval(sim);
        final Figures figures = new Figures(settleMs, sim.added().get(OperatorKind.REGION),
            sim.added().get(OperatorKind.LEADER) - leaderMovesBefore, sim.added().get(OperatorKind.REPLICA),
            sim.rounds() - roundsBefore);
        watchQuiet(sim);
        return figures;
    }

    /** Once settled, no operator at all for a long watch: no oscillation. */
    private static void watchQuiet(final PdSimulation sim) {
        final Map<OperatorKind, Integer> before = Map.copyOf(sim.added());
        sim.run(WATCH_MS);
        if (!before.equals(sim.added()) || !sim.coordinator.operators().running().isEmpty()) {
            throw new SimulationFailure("oscillation: operators after settling: " + before + " -> " + sim.added()
                + "\n" + sim.traceTail(10));
        }
    }

    /**
     * Five stores, random placement; one store dies for good. Nothing is repaired before {@code maxStoreDownTime};
     * afterwards every region is back to {@code maxReplicas} voters on live stores.
     */
    static Figures storeDiesForGood(final long seed, final ScheduleConfig.BrokenRule rule) {
        final PdSimulation sim = new PdSimulation(SimParams.from(seed), rule, List.of());
        sim.bootstrap(plainStores(5), 3, false);
        sim.settle(SETTLE_DEADLINE_MS);
        final long victim = 1 + new SplittableRandom(seed).nextInt(5);
        final int repairsBefore = sim.added().get(OperatorKind.REPLICA);
        final long killedAt = sim.nowMs();
        final int roundsBefore = sim.rounds();
        sim.kill(victim);
        sim.run(PdSimulation.MAX_STORE_DOWN_TIME_MS - 2 * PdSimulation.HEARTBEAT_MS);
        if (sim.added().get(OperatorKind.REPLICA) != repairsBefore) {
            throw new SimulationFailure("repair: started before maxStoreDownTime");
        }
        final long repairedMs = untilFullyReplicated(sim) - killedAt;
        sim.settle(SETTLE_DEADLINE_MS);
        SimChecks.fullyReplicated(sim);
        SimChecks.noLeaderSelfRemoval(sim);
        SimChecks.balanced(sim, MAX_LEADER_SPREAD);
        return new Figures(repairedMs, sim.added().get(OperatorKind.REGION), sim.added().get(OperatorKind.LEADER),
            sim.added().get(OperatorKind.REPLICA) - repairsBefore, sim.rounds() - roundsBefore);
    }

    /** @return the simulated time at which every region was first back to full strength (checked each second). */
    private static long untilFullyReplicated(final PdSimulation sim) {
        final long deadline = sim.nowMs() + SETTLE_DEADLINE_MS;
        while (true) {
            try {
                SimChecks.fullyReplicated(sim);
                return sim.nowMs();
            } catch (final SimulationFailure notYet) {
                if (sim.nowMs() > deadline) {
                    throw notYet;
                }
                sim.run(PdSimulation.HEARTBEAT_MS);
            }
        }
    }

    /**
     * Six stores in three zones (two hosts each), replicas placed at random (often two in one zone); later a
     * seventh store joins zone z2. Every region ends with one replica per zone, balancing after the first settling
     * moves nothing back and forth, and the settled cluster stays quiet.
     */
    static Figures zonesFromRandomPlacement(final long seed, final ScheduleConfig.BrokenRule rule) {
        final PdSimulation sim = new PdSimulation(SimParams.from(seed), rule, List.of("zone", "host"));
        final Map<Long, Map<String, String>> stores = new TreeMap<>();
        for (long id = 1; id <= 6; id++) {
            stores.put(id, Map.of("zone", "z" + (1 + (id - 1) / 2), "host", "h" + id));
        }
        sim.bootstrap(stores, 3, false);
        sim.settle(SETTLE_DEADLINE_MS);
        SimChecks.distinctZones(sim);
        // While isolation moves run at the start they shift load outside the balance rules, so a balance move may
        // undo an earlier one then; from a settled cluster on, none may.
        sim.truth.forgetMoves();
        final int roundsBefore = sim.rounds();
        sim.addStore(7, Map.of("zone", "z2", "host", "h7"));
        final long settleMs = sim.settle(SETTLE_DEADLINE_MS);
        SimChecks.distinctZones(sim);
        SimChecks.noReturns(sim);
        SimChecks.noLeaderSelfRemoval(sim);
        final Figures figures = new Figures(settleMs, sim.added().get(OperatorKind.REGION),
            sim.added().get(OperatorKind.LEADER), sim.added().get(OperatorKind.REPLICA), sim.rounds() - roundsBefore);
        watchQuiet(sim);
        return figures;
    }
}
