package io.tkv.txn.history;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The checker over thousands of transactions from a simulated store: a correct SI store must pass (in strict mode
 * too, its timestamps following real time), and each injected bug must be caught as the anomaly it causes.
 */
class SimulatedSiStoreTest {
    private static final int TXNS = 3000;

    private static List<Txn> history(final long seed, final ToySiStore.Bug bug) {
        return new SiWorkloadSimulation(seed, 8, 6, 4, bug).run(TXNS);
    }

    private static Map<Outcome, Long> outcomes(final List<Txn> history) {
        return history.stream().collect(Collectors.groupingBy(Txn::outcome, Collectors.counting()));
    }

    @Test
    void shouldAcceptACorrectSnapshotIsolationStore() {
        for (long seed = 1; seed <= 5; seed++) {
            final List<Txn> history = history(seed, ToySiStore.Bug.NONE);
            final Map<Outcome, Long> outcomes = outcomes(history);
            assertTrue(outcomes.getOrDefault(Outcome.FAIL, 0L) > 0 && outcomes.getOrDefault(Outcome.INFO, 0L) > 0,
                outcomes::toString);
            final CheckResult result = ListAppendChecker.snapshotIsolation().check(history);
            final long s = seed;
            assertTrue(result.valid(), () -> "seed " + s + ": " + result);
            final CheckResult strict = ListAppendChecker.strictSnapshotIsolation().check(history);
            assertTrue(strict.valid(), strict::toString);
            System.out.println("correct SI store, seed " + seed + ": " + outcomes + "; " + result.counts()
                + ", " + result.edges() + " edges; strict " + strict.counts());
        }
    }

    @Test
    void shouldFindWriteSkewInACorrectStoreAndAllowIt() {
        // Many clients over two keys: write skew is all but certain, and SI allows it.
        final List<Txn> history = new SiWorkloadSimulation(7, 10, 2, 3, ToySiStore.Bug.NONE).run(TXNS);
        final CheckResult result = ListAppendChecker.snapshotIsolation().check(history);
        assertTrue(result.valid(), result::toString);
        assertTrue(result.has(AnomalyType.G2_ITEM), result::toString);
    }

    @Test
    void shouldFindLostUpdatesWithoutTheWriteConflictCheck() {
        final CheckResult result = ListAppendChecker.snapshotIsolation()
            .check(history(11, ToySiStore.Bug.NO_WRITE_CONFLICT_CHECK));
        assertFalse(result.valid(), result::toString);
        assertTrue(result.has(AnomalyType.LOST_UPDATE), result::toString);
        assertTrue(result.has(AnomalyType.G_SINGLE), result::toString);
        System.out.println("no write-conflict check: " + result.counts());
    }

    @Test
    void shouldFindReadSkewWhenReadsIgnoreTheSnapshot() {
        final CheckResult result = ListAppendChecker.snapshotIsolation()
            .check(history(12, ToySiStore.Bug.READ_LATEST_COMMITTED));
        assertFalse(result.valid(), result::toString);
        assertTrue(result.has(AnomalyType.G_SINGLE), result::toString);
        System.out.println("reads of the latest committed state: " + result.counts());
    }

    @Test
    void shouldFindAbortedReadsAndCircularFlowWithDirtyWrites() {
        final CheckResult result = ListAppendChecker.snapshotIsolation()
            .check(history(13, ToySiStore.Bug.DIRTY_WRITES));
        assertFalse(result.valid(), result::toString);
        assertTrue(result.has(AnomalyType.G1A), result::toString);
        assertTrue(result.has(AnomalyType.G1C), result::toString);
        assertTrue(result.has(AnomalyType.DIRTY_UPDATE), result::toString);
        System.out.println("dirty writes: " + result.counts());
    }

    @Test
    void shouldFindStaleSnapshotsOnlyInStrictMode() {
        final List<Txn> history = history(14, ToySiStore.Bug.STALE_SNAPSHOT);
        final CheckResult si = ListAppendChecker.snapshotIsolation().check(history);
        assertTrue(si.valid(), si::toString);
        final CheckResult strict = ListAppendChecker.strictSnapshotIsolation().check(history);
        assertFalse(strict.valid(), strict::toString);
        assertTrue(strict.has(AnomalyType.G_SINGLE_REALTIME) || strict.has(AnomalyType.G1C_REALTIME)
            || strict.has(AnomalyType.G0_REALTIME), strict::toString);
        System.out.println("stale snapshots: SI " + si.counts() + "; strict " + strict.counts());
    }
}
