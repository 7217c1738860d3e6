package io.tkv.pd.sim;

import io.tkv.pd.schedule.ScheduleConfig.BrokenRule;
import org.junit.jupiter.api.Test;

import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The simulation's checks catch broken scheduling rules: with one rule broken, some seed within a small bound fails
 * the property that rule protects (runs replay exactly, so the bounds are stable until the simulation changes).
 */
class ScheduleSimulationNegativeControlTest {
    /** @return the failure of the first failing seed in [1, seeds], or fails the test. */
    private static String firstFailure(final BrokenRule rule, final int seeds,
        final BiFunction<Long, BrokenRule, Scenarios.Figures> scenario) {
        for (long seed = 1; seed <= seeds; seed++) {
            try {
                scenario.apply(seed, rule);
            } catch (final SimulationFailure ex) {
                final String failure = "seed " + seed + ": " + ex.getMessage();
                System.out.println("pd simulation negative control " + rule + " caught: " + failure.lines()
                    .findFirst().orElse(""));
                return failure;
            }
        }
        fail(rule + " went unnoticed for " + seeds + " seeds");
        return null;
    }

    @Test
    void shouldCatchBalancingWithoutTolerance() {
        final String failure = firstFailure(BrokenRule.NO_BALANCE_TOLERANCE, 5, Scenarios::fourthStoreJoins);
        assertTrue(failure.contains("oscillation") || failure.contains("settle"), failure);
    }

    @Test
    void shouldCatchBalancingByTheGapAlone() {
        final String failure = firstFailure(BrokenRule.GAP_ONLY_BALANCE, 100, Scenarios::fourthStoreJoins);
        assertTrue(failure.contains("oscillation"), failure);
    }

    @Test
    void shouldCatchPlacementThatIgnoresLocationLabels() {
        final String failure = firstFailure(BrokenRule.IGNORE_LOCATION_LABELS, 5, Scenarios::zonesFromRandomPlacement);
        assertTrue(failure.startsWith("seed 1: zones:"), failure);
    }
}
