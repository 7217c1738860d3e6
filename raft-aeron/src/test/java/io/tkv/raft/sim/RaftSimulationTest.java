package io.tkv.raft.sim;

import io.tkv.raft.core.RaftConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs {@code tkv.sim.schedules} seeded schedules (1000 in the default build, many more under
 * {@code -Praft-sim-long}), or just {@code -Dtkv.sim.seed=N}. A failing seed prints itself, the command that replays
 * it, and the tail of a trace of the replay.
 */
class RaftSimulationTest {
    @Test
    void shouldStaySafeAndLinearizableUnderFaults() {
        final String only = System.getProperty("tkv.sim.seed");
        final long first = only != null ? Long.parseLong(only) : Long.getLong("tkv.sim.firstSeed", 1);
        final int count = only != null ? 1 : Integer.getInteger("tkv.sim.schedules", 1000);
        final SimStats total = new SimStats();
        final long start = System.nanoTime();
        for (long seed = first; seed < first + count; seed++) {
            final Simulation sim = new Simulation(SimParams.from(seed), RaftConfig.BrokenRule.NONE, false, true);
            try {
                sim.run();
            } catch (final RuntimeException ex) {
                fail(failureReport(seed, ex));
            }
            total.addAll(sim.stats());
        }
        System.out.printf("raft simulation: %d schedules from seed %d in %.1f s: %s%n", count, first,
            (System.nanoTime() - start) / 1e9, total);
    }

    static String failureReport(final long seed, final Throwable ex) {
        final Simulation replay = new Simulation(SimParams.from(seed), RaftConfig.BrokenRule.NONE, true, true);
        String again;
        try {
            replay.run();
            again = "replay passed?! (not deterministic)";
        } catch (final RuntimeException second) {
            again = second.toString().equals(ex.toString()) ? "replay failed the same way" : "replay: " + second;
        }
        return "simulation seed " + seed + " failed: " + ex + "\n  " + SimParams.from(seed) + "\n  " + again
            + "\n  replay: mvn -pl raft-aeron verify -Dtest=RaftSimulationTest -Dtkv.sim.seed=" + seed
            + "\n  trace tail:\n" + replay.traceTail();
    }
}
