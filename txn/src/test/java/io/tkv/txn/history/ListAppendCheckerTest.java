package io.tkv.txn.history;

import static io.tkv.txn.history.HistoryBuilder.a;
import static io.tkv.txn.history.HistoryBuilder.r;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** Hand-written histories, one per anomaly, each must be found with the right type; and valid ones must pass. */
class ListAppendCheckerTest {
    private static CheckResult si(final HistoryBuilder h) {
        return ListAppendChecker.snapshotIsolation().check(h.build());
    }

    private static CheckResult strict(final HistoryBuilder h) {
        return ListAppendChecker.strictSnapshotIsolation().check(h.build());
    }

    private static void assertFound(final CheckResult result, final AnomalyType type, final Integer... txns) {
        assertFalse(result.valid(), result::toString);
        assertTrue(result.has(type), () -> "expected " + type + " in " + result);
        if (txns.length > 0) {
            final Set<Integer> expected = Set.of(txns);
            assertTrue(result.anomalies(type).stream().anyMatch(an -> Set.copyOf(an.txns()).equals(expected)),
                () -> "expected " + type + " over " + expected + " in " + result);
        }
    }

    private static Set<AnomalyType> types(final CheckResult result) {
        return result.anomalies().stream().map(Anomaly::type).collect(Collectors.toSet());
    }

    @Test
    void shouldAcceptASerialHistory() {
        final CheckResult result = si(new HistoryBuilder()
            .ok(a(1, 1), a(2, 1))
            .ok(r(1, 1), a(1, 2), r(1, 1, 2))
            .ok(r(1, 1, 2), r(2, 1), a(2, 2))
            .ok(r(1, 1, 2), r(2, 1, 2), r(3)));
        assertTrue(result.valid(), result::toString);
        assertEquals(List.of(), result.anomalies());
        assertEquals(4, result.inGraph());
    }

    @Test
    void shouldFindAWriteCycle() {
        // T0 and T1 each appended to keys 1 and 2, in opposite orders on each.
        final CheckResult result = si(new HistoryBuilder()
            .ok(a(1, 1), a(2, 1))
            .ok(a(1, 2), a(2, 2))
            .ok(r(1, 1, 2), r(2, 2, 1)));
        assertFound(result, AnomalyType.G0, 0, 1);
        final Anomaly g0 = result.anomalies(AnomalyType.G0).get(0);
        assertEquals(2, g0.edges().size());
        assertTrue(g0.edges().stream().allMatch(d -> d.type() == DepType.WW), g0::toString);
    }

    @Test
    void shouldFindAnAbortedRead() {
        assertFound(si(new HistoryBuilder()
            .fail(a(1, 1))
            .ok(r(1, 1))), AnomalyType.G1A, 1, 0);
    }

    @Test
    void shouldFindAnIntermediateRead() {
        assertFound(si(new HistoryBuilder()
            .ok(a(1, 1), a(1, 2))
            .ok(r(1, 1))), AnomalyType.G1B, 1, 0);
    }

    @Test
    void shouldNotCallAReadOfOwnIntermediateAppendG1b() {
        final CheckResult result = si(new HistoryBuilder().ok(a(1, 1), r(1, 1), a(1, 2), r(1, 1, 2)));
        assertTrue(result.valid(), result::toString);
    }

    @Test
    void shouldFindCircularInformationFlow() {
        // Each read the other's append: wr both ways.
        final CheckResult result = si(new HistoryBuilder()
            .ok(a(1, 1), r(2, 2))
            .ok(a(2, 2), r(1, 1)));
        assertFound(result, AnomalyType.G1C, 0, 1);
        assertFalse(result.has(AnomalyType.G0), result::toString);
    }

    @Test
    void shouldFindReadSkewAsGSingle() {
        // T2 sees T1's write to key 2 but not its write to key 1.
        final CheckResult result = si(new HistoryBuilder()
            .ok(a(1, 10), a(2, 20))
            .ok(a(1, 11), a(2, 21))
            .ok(r(1, 10), r(2, 20, 21))
            .ok(r(1, 10, 11), r(2, 20, 21)));
        assertFound(result, AnomalyType.G_SINGLE, 2, 1);
        assertEquals(Set.of(AnomalyType.G_SINGLE), types(result), result::toString);
        final Anomaly cycle = result.anomalies(AnomalyType.G_SINGLE).get(0);
        assertEquals(1, cycle.edges().stream().filter(d -> d.type() == DepType.RW).count(), cycle::toString);
    }

    @Test
    void shouldFindALostUpdate() {
        final CheckResult result = si(new HistoryBuilder()
            .ok(a(1, 1))
            .ok(r(1, 1), a(1, 2))
            .ok(r(1, 1), a(1, 3))
            .ok(r(1, 1, 2, 3)));
        assertFound(result, AnomalyType.LOST_UPDATE, 1, 2);
        assertTrue(result.has(AnomalyType.G_SINGLE), result::toString);
    }

    @Test
    void shouldFindALostUpdateNobodyReadAfterwards() {
        // Neither append is ever read, so no version order links them; the shared read still shows it.
        final CheckResult result = si(new HistoryBuilder()
            .ok(r(1), a(1, 2))
            .ok(r(1), a(1, 3)));
        assertFound(result, AnomalyType.LOST_UPDATE, 0, 1);
    }

    @Test
    void shouldFindDuplicateElements() {
        assertFound(si(new HistoryBuilder()
            .ok(a(1, 1))
            .ok(r(1, 1, 1))), AnomalyType.DUPLICATE_ELEMENTS, 1);
    }

    @Test
    void shouldFindIncompatibleOrders() {
        assertFound(si(new HistoryBuilder()
            .ok(a(1, 1))
            .ok(a(1, 2))
            .ok(r(1, 1, 2))
            .ok(r(1, 2, 1))), AnomalyType.INCOMPATIBLE_ORDER);
    }

    @Test
    void shouldFindIncompatibleOrdersOfDifferentLengths() {
        assertFound(si(new HistoryBuilder()
            .ok(a(1, 1))
            .ok(a(1, 2))
            .ok(a(1, 3))
            .ok(r(1, 2))
            .ok(r(1, 1, 2, 3))), AnomalyType.INCOMPATIBLE_ORDER, 3, 4);
    }

    @Test
    void shouldFindAReadNotShowingOwnAppend() {
        assertFound(si(new HistoryBuilder().ok(a(1, 5), r(1))), AnomalyType.INTERNAL, 0);
    }

    @Test
    void shouldFindAReadInconsistentWithOwnEarlierRead() {
        assertFound(si(new HistoryBuilder()
            .ok(a(1, 1))
            .ok(a(1, 3))
            .ok(r(1, 1), a(1, 2), r(1, 1, 3, 2))), AnomalyType.INTERNAL, 2);
    }

    @Test
    void shouldFindAFutureRead() {
        assertFound(si(new HistoryBuilder().ok(r(1, 7), a(1, 7))), AnomalyType.INTERNAL, 0);
    }

    @Test
    void shouldFindADirtyUpdate() {
        final CheckResult result = si(new HistoryBuilder()
            .fail(a(1, 1))
            .ok(a(1, 2))
            .ok(r(1, 1, 2)));
        assertFound(result, AnomalyType.DIRTY_UPDATE, 0, 1);
        assertTrue(result.has(AnomalyType.G1A), result::toString);
    }

    @Test
    void shouldFindAGarbageRead() {
        assertFound(si(new HistoryBuilder().ok(a(1, 1)).ok(r(1, 1, 99))), AnomalyType.GARBAGE_READ, 1);
    }

    @Test
    void shouldAllowWriteSkew() {
        // Both read both keys empty and each appended to a different one: two rw edges, allowed under SI.
        final CheckResult result = si(new HistoryBuilder()
            .ok(r(1), r(2), a(1, 10))
            .ok(r(1), r(2), a(2, 20))
            .ok(r(1, 10), r(2, 20)));
        assertTrue(result.valid(), result::toString);
        assertEquals(Set.of(AnomalyType.G2_ITEM), types(result), result::toString);
        final Anomaly skew = result.anomalies(AnomalyType.G2_ITEM).get(0);
        assertEquals(Set.of(0, 1), Set.copyOf(skew.txns()));
        assertTrue(skew.type().allowedUnderSi());
        assertTrue(result.toString().contains("allowed under SI"), result::toString);
    }

    @Test
    void shouldCountAnUnknownAppendThatWasReadAsCommitted() {
        final CheckResult valid = si(new HistoryBuilder()
            .info(a(1, 1), r(2))
            .ok(r(1, 1)));
        assertTrue(valid.valid(), valid::toString);
        assertEquals(2, valid.inGraph());
        // Observed, it takes part in cycles like a committed one.
        final CheckResult cycle = si(new HistoryBuilder()
            .info(a(1, 1), a(2, 1))
            .ok(a(1, 2), a(2, 2))
            .ok(r(1, 1, 2), r(2, 2, 1)));
        assertFound(cycle, AnomalyType.G0, 0, 1);
        assertFalse(cycle.has(AnomalyType.G1A), cycle::toString);
    }

    @Test
    void shouldIgnoreAnUnknownAppendNeverRead() {
        final CheckResult result = si(new HistoryBuilder()
            .info(a(1, 1))
            .ok(r(1))
            .ok(r(1), a(1, 2))
            .ok(r(1, 2)));
        assertTrue(result.valid(), result::toString);
        assertEquals(3, result.inGraph());
        assertEquals(List.of(), result.anomalies());
    }

    @Test
    void shouldFindAStaleReadOnlyInStrictMode() {
        // T1 was invoked after T0 completed yet did not see its append: fine for SI, not for strong SI.
        final HistoryBuilder h = new HistoryBuilder()
            .okAt(0, 10, a(1, 1))
            .okAt(20, 30, r(1));
        assertTrue(si(h).valid(), () -> si(h).toString());
        assertFound(strict(h), AnomalyType.G_SINGLE_REALTIME, 0, 1);
    }

    @Test
    void shouldFindAWriteOrderAgainstRealTimeOnlyInStrictMode() {
        // T1 began after T0 completed, yet its append comes first in the version order.
        final HistoryBuilder h = new HistoryBuilder()
            .okAt(0, 10, a(1, 1))
            .okAt(20, 30, a(1, 2))
            .okAt(40, 50, r(1, 2, 1));
        assertTrue(si(h).valid(), () -> si(h).toString());
        assertFound(strict(h), AnomalyType.G0_REALTIME, 0, 1);
    }

    @Test
    void shouldJudgeOwnAppendsByTheOrderOthersSaw() {
        // Each saw its own append right after the empty list it read; the order others saw put T1's second.
        final CheckResult result = si(new HistoryBuilder()
            .ok(r(1), a(1, 1), r(1, 1))
            .ok(r(1), a(1, 2), r(1, 2))
            .ok(r(1, 1, 2)));
        assertFalse(result.has(AnomalyType.INCOMPATIBLE_ORDER), result::toString);
        assertFalse(result.has(AnomalyType.INTERNAL), result::toString);
        assertFound(result, AnomalyType.LOST_UPDATE, 0, 1);
        assertFound(result, AnomalyType.G_SINGLE);
    }

    @Test
    void shouldAcceptConcurrentTransactionsInStrictMode() {
        final HistoryBuilder h = new HistoryBuilder()
            .okAt(0, 30, a(1, 1))
            .okAt(10, 40, r(1))
            .okAt(50, 60, r(1, 1));
        final CheckResult result = strict(h);
        assertTrue(result.valid(), result::toString);
    }

    @Test
    void shouldPrintTheCycleWithItsEvidence() {
        final String printed = si(new HistoryBuilder()
            .ok(a(1, 1), a(2, 1))
            .ok(a(1, 2), a(2, 2))
            .ok(r(1, 1, 2), r(2, 2, 1))).toString();
        assertTrue(printed.startsWith("INVALID"), printed);
        assertTrue(printed.contains("G0"), printed);
        assertTrue(printed.contains("T0 -ww-> T1: T0 appended 1 to key 1, T1 appended 2 right after it"), printed);
        assertTrue(printed.contains("T1 -ww-> T0: T1 appended 2 to key 2, T0 appended 1 right after it"), printed);
    }

    @Test
    void shouldRejectAValueAppendedTwice() {
        assertThrows(IllegalArgumentException.class, () -> si(new HistoryBuilder().ok(a(1, 1)).ok(a(1, 1))));
    }
}
