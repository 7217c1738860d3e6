package io.tkv.txn.history;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Ten thousand transactions over a hundred keys; the time is printed, not asserted (the timeout is a backstop). */
class CheckerScaleTest {
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldCheckTenThousandTransactions() {
        final List<Txn> history = new SiWorkloadSimulation(42, 16, 100, 6, ToySiStore.Bug.NONE).run(10_000);
        for (final boolean strict : new boolean[] {false, true}) {
            final ListAppendChecker checker = strict
                ? ListAppendChecker.strictSnapshotIsolation() : ListAppendChecker.snapshotIsolation();
            final long t0 = System.nanoTime();
            final CheckResult result = checker.check(history);
            final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println((strict ? "strict" : "SI") + " check of " + history.size() + " txns over 100 keys: "
                + ms + " ms; " + result.inGraph() + " in graph, " + result.edges() + " edges, " + result.counts());
            assertTrue(result.valid(), result::toString);
        }
        final List<Txn> buggy = new SiWorkloadSimulation(43, 16, 100, 6, ToySiStore.Bug.NO_WRITE_CONFLICT_CHECK)
            .run(10_000);
        final long t0 = System.nanoTime();
        final CheckResult result = ListAppendChecker.snapshotIsolation().check(buggy);
        System.out.println("SI check of " + buggy.size() + " txns without the write-conflict check: "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms; " + result.counts());
        assertTrue(result.has(AnomalyType.LOST_UPDATE), result::toString);
    }
}
