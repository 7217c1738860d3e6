package io.tkv.raft.sim;

import io.tkv.raft.core.RaftConfig.BrokenRule;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The simulation catches real bugs: peers that break one Raft rule fail some schedule within a bounded number of
 * seeds (replays are exact, so these bounds are stable until the simulation itself changes).
 *
 * <p>Not here, because random schedules cannot reach them: the leader counting its unpersisted entries is masked by
 * the one-Ready-at-a-time contract (nothing the leader says, commit index included, leaves before its own Ready is
 * durable), and committing an older term's entry by counting (Figure 8) needs a precise five-step interleaving.
 * Unit tests show both rules directly (ReplicationTest).
 */
class SimulationNegativeControlTest {
    /** @return the failure of the first failing seed in [1, seeds], or fails the test. */
    private static String firstFailure(final BrokenRule rule, final int seeds, final boolean raftChecks) {
        for (long seed = 1; seed <= seeds; seed++) {
            try {
                new Simulation(SimParams.from(seed), rule, false, raftChecks).run();
            } catch (final SimulationFailure ex) {
                return "seed " + seed + ": " + ex.getMessage();
            }
        }
        fail(rule + " went unnoticed for " + seeds + " seeds");
        return null;
    }

    @Test
    void shouldCatchVotesGrantedWithoutTheLogCheck() {
        final String failure = firstFailure(BrokenRule.VOTE_WITHOUT_LOG_CHECK, 50, true);
        assertTrue(failure.contains("completeness") || failure.contains("safety") || failure.contains("matching"),
            failure);
    }

    @Test
    void clientHistoryAloneShouldRevealVotesGrantedWithoutTheLogCheck() {
        // Raft-internal checkers off: lost acknowledged writes must show up as non-linearizable histories.
        String failure = null;
        for (long seed = 1; seed <= 400 && failure == null; seed++) {
            try {
                new Simulation(SimParams.from(seed), BrokenRule.VOTE_WITHOUT_LOG_CHECK, false, false).run();
            } catch (final SimulationFailure ex) {
                if (ex.getMessage().startsWith("linearizability")) {
                    failure = ex.getMessage();
                }
            }
        }
        assertTrue(failure != null && failure.contains("NOT_LINEARIZABLE"), String.valueOf(failure));
    }

    @Test
    void shouldCatchFollowersAcknowledgingBeforeTheirWriteIsDurable() {
        final String failure = firstFailure(BrokenRule.ACK_BEFORE_PERSIST, 400, true);
        assertTrue(failure.contains("completeness") || failure.contains("safety") || failure.contains("matching"),
            failure);
    }
}
