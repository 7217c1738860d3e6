package io.tkv.pd.sim;

import io.tkv.pd.schedule.ScheduleConfig;
import org.junit.jupiter.api.Test;

import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * PD's schedulers on a simulated cluster, {@code tkv.pdsim.seeds} seeds per scenario (20 by default), or just
 * {@code -Dtkv.pdsim.seed=N}. A failing seed names itself and replays exactly.
 */
class ScheduleSimulationTest {
    private static void runSeeds(final String name,
        final BiFunction<Long, ScheduleConfig.BrokenRule, Scenarios.Figures> scenario) {
        final String only = System.getProperty("tkv.pdsim.seed");
        final long first = only != null ? Long.parseLong(only) : 1;
        final int count = only != null ? 1 : Integer.getInteger("tkv.pdsim.seeds", 20);
        long settleMs = 0;
        long maxSettleMs = 0;
        long regionMoves = 0;
        long leaderMoves = 0;
        long repairs = 0;
        long rounds = 0;
        for (long seed = first; seed < first + count; seed++) {
            final Scenarios.Figures f;
            try {
                f = scenario.apply(seed, ScheduleConfig.BrokenRule.NONE);
            } catch (final SimulationFailure ex) {
                fail(name + " seed " + seed + " failed (" + SimParams.from(seed) + "): " + ex.getMessage()
                    + "\n  replay: mvn -pl pd verify -Dtest=ScheduleSimulationTest -Dtkv.pdsim.seed=" + seed);
                return;
            }
            settleMs += f.settleMs();
            maxSettleMs = Math.max(maxSettleMs, f.settleMs());
            regionMoves += f.regionMoves();
            leaderMoves += f.leaderMoves();
            repairs += f.repairs();
            rounds += f.rounds();
        }
        System.out.printf("pd simulation %s: %d seeds; per run on average: settled (repaired) %.1f s simulated "
            + "after the event (max %.1f s), %d rounds, %.1f region moves, %.1f leader moves, %.1f repairs%n",
            name, count, settleMs / 1000.0 / count, maxSettleMs / 1000.0, rounds / count,
            (double) regionMoves / count, (double) leaderMoves / count, (double) repairs / count);
    }

    @Test
    void shouldBalanceRegionsAndLeadersAfterAFourthStoreJoinsAndThenStayQuiet() {
        runSeeds("fourth store joins", Scenarios::fourthStoreJoins);
    }

    @Test
    void shouldRepairEveryRegionAfterAStoreIsDownForGood() {
        runSeeds("store down for good", Scenarios::storeDiesForGood);
    }

    @Test
    void shouldPlaceReplicasInDistinctZones() {
        runSeeds("zones", Scenarios::zonesFromRandomPlacement);
    }

    @Test
    void shouldReplayExactlyFromItsSeed() {
        final PdSimulation a = new PdSimulation(SimParams.from(7), ScheduleConfig.BrokenRule.NONE,
            java.util.List.of());
        final PdSimulation b = new PdSimulation(SimParams.from(7), ScheduleConfig.BrokenRule.NONE,
            java.util.List.of());
        for (final PdSimulation sim : new PdSimulation[] {a, b}) {
            sim.bootstrap(java.util.Map.of(1L, java.util.Map.of(), 2L, java.util.Map.of(), 3L, java.util.Map.of()),
                3, true);
            sim.run(60_000);
            sim.addStore(4, java.util.Map.of());
            sim.run(120_000);
        }
        assertEquals(a.trace(), b.trace());
        assertEquals(a.added(), b.added());
    }
}
