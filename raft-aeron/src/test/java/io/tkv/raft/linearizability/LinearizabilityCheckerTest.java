package io.tkv.raft.linearizability;

import io.tkv.raft.linearizability.LinearizabilityChecker.Verdict;
import io.tkv.raft.linearizability.RegisterModel.Op;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearizabilityCheckerTest {
    private static final RegisterModel MODEL = new RegisterModel();
    private static final long OK = RegisterModel.OK;
    private static final long FAILED = RegisterModel.FAILED;

    private static Operation<Op, Long> op(final int client, final Op input, final long output, final long call,
        final long complete) {
        return new Operation<>(client, input, output, call, complete);
    }

    private static Verdict check(final List<Operation<Op, Long>> history) {
        return LinearizabilityChecker.checkPerKey(MODEL, history, Op::key, 1_000_000).verdict();
    }

    @Test
    void shouldAcceptASequentialHistory() {
        assertEquals(Verdict.LINEARIZABLE, check(List.of(
            op(1, Op.put(1, 5), OK, 0, 1),
            op(1, Op.get(1), 5, 2, 3),
            op(2, Op.cas(1, 5, 6), OK, 4, 5),
            op(2, Op.cas(1, 5, 7), FAILED, 6, 7),
            op(1, Op.get(1), 6, 8, 9))));
    }

    @Test
    void shouldAcceptConcurrentOperationsInAnOrderOtherThanTheirCalls() {
        // The get is called first but overlaps the put, and sees it.
        assertEquals(Verdict.LINEARIZABLE, check(List.of(
            op(1, Op.get(1), 5, 0, 10),
            op(2, Op.put(1, 5), OK, 2, 4))));
        // Two overlapping puts, and reads that see them in the "other" order.
        assertEquals(Verdict.LINEARIZABLE, check(List.of(
            op(1, Op.put(1, 1), OK, 0, 10),
            op(2, Op.put(1, 2), OK, 1, 9),
            op(3, Op.get(1), 2, 11, 12),
            op(3, Op.get(1), 2, 13, 14))));
    }

    @Test
    void shouldRejectAStaleRead() {
        assertEquals(Verdict.NOT_LINEARIZABLE, check(List.of(
            op(1, Op.put(1, 5), OK, 0, 1),
            op(2, Op.get(1), 0, 2, 3))));
    }

    @Test
    void shouldRejectAReadOfAValueNeverWritten() {
        assertEquals(Verdict.NOT_LINEARIZABLE, check(List.of(
            op(1, Op.put(1, 5), OK, 0, 1),
            op(2, Op.get(1), 9, 0, 3))));
    }

    @Test
    void shouldRejectReadsThatGoBackInTime() {
        // Concurrent with the put, a first read sees the new value and a later one the old: no single point works.
        assertEquals(Verdict.NOT_LINEARIZABLE, check(List.of(
            op(1, Op.put(1, 5), OK, 0, 100),
            op(2, Op.get(1), 5, 10, 20),
            op(3, Op.get(1), 0, 30, 40))));
    }

    @Test
    void shouldRejectTwoCasSucceedingFromTheSameValue() {
        assertEquals(Verdict.NOT_LINEARIZABLE, check(List.of(
            op(1, Op.put(1, 1), OK, 0, 1),
            op(2, Op.cas(1, 1, 2), OK, 2, 10),
            op(3, Op.cas(1, 1, 3), OK, 3, 11))));
    }

    @Test
    void shouldLetAnOperationWithUnknownOutcomeHappenOrNot() {
        // Observed by a later read: it happened.
        assertEquals(Verdict.LINEARIZABLE, check(List.of(
            Operation.pending(1, Op.put(1, 5), 0),
            op(2, Op.get(1), 5, 50, 60))));
        // Never observed: it may not have happened (yet).
        assertEquals(Verdict.LINEARIZABLE, check(List.of(
            Operation.pending(1, Op.put(1, 5), 0),
            op(2, Op.get(1), 0, 50, 60))));
        // But it cannot have happened before it was called.
        assertEquals(Verdict.NOT_LINEARIZABLE, check(List.of(
            op(2, Op.get(1), 5, 0, 10),
            Operation.pending(1, Op.put(1, 5), 20))));
        // A pending cas takes effect only if its expected value is there.
        assertEquals(Verdict.NOT_LINEARIZABLE, check(List.of(
            Operation.pending(1, Op.cas(1, 4, 5), 0),
            op(2, Op.get(1), 5, 10, 20))));
    }

    @Test
    void shouldCheckEachKeyAndNameTheOneThatFails() {
        final List<Operation<Op, Long>> history = List.of(
            op(1, Op.put(1, 5), OK, 0, 1),
            op(1, Op.get(1), 5, 2, 3),
            op(2, Op.put(2, 7), OK, 0, 1),
            op(2, Op.get(2), 0, 2, 3));
        final LinearizabilityChecker.Result r = LinearizabilityChecker.checkPerKey(MODEL, history, Op::key, 1000);
        assertEquals(Verdict.NOT_LINEARIZABLE, r.verdict());
        assertTrue(r.detail().startsWith("key 2"), r.detail());
    }

    @Test
    void shouldAcceptLargeRandomHistoriesOfAnAtomicRegisterAndRejectThemOnceCorrupted() {
        final SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 20; round++) {
            final List<Operation<Op, Long>> history = atomicRegisterHistory(random, 150);
            assertEquals(Verdict.LINEARIZABLE, check(history), "round " + round);
            // Corrupt one completed read to a value no one wrote.
            for (int i = history.size() - 1; i >= 0; i--) {
                final Operation<Op, Long> o = history.get(i);
                if (o.input().kind() == RegisterModel.Kind.GET) {
                    history.set(i, new Operation<>(o.client(), o.input(), 999_999L, o.call(), o.complete()));
                    break;
                }
            }
            assertEquals(Verdict.NOT_LINEARIZABLE, check(history), "round " + round);
        }
    }

    @Test
    void shouldSayWhenItGivesUp() {
        final List<Operation<Op, Long>> history = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            history.add(op(i, Op.put(1, i + 1), OK, 0, 100));
        }
        history.add(op(99, Op.get(1), 12345, 200, 300));
        assertEquals(Verdict.GAVE_UP, LinearizabilityChecker.check(MODEL, history, 50).verdict());
    }

    /** Ops on one register that takes effect atomically at a random point within each op's interval. */
    private static List<Operation<Op, Long>> atomicRegisterHistory(final SplittableRandom r, final int count) {
        final List<Operation<Op, Long>> out = new ArrayList<>();
        long value = 0;
        long time = 0;
        // Each op: call at t, effect at t + a, return at t + a + b; ops overlap because t grows slowly.
        final List<long[]> pending = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            time += r.nextInt(1, 4);
            pending.add(new long[] {i, time, time + r.nextInt(1, 6)});
        }
        pending.sort((a, b) -> Long.compare(a[2], b[2]));
        for (final long[] p : pending) {
            final int i = (int)p[0];
            final long call = p[1];
            final long effect = p[2];
            final long complete = effect + r.nextInt(6);
            final int kind = r.nextInt(3);
            final Op input;
            final Long output;
            if (kind == 0) {
                input = Op.get(1);
                output = value;
            } else if (kind == 1) {
                input = Op.put(1, i + 1);
                value = i + 1;
                output = OK;
            } else {
                final long expected = r.nextBoolean() ? value : i;
                input = Op.cas(1, expected, i + 1000);
                output = expected == value ? OK : FAILED;
                if (expected == value) {
                    value = i + 1000;
                }
            }
            if (r.nextInt(40) == 0 && kind != 0) {
                out.add(Operation.pending(i, input, call));
            } else {
                out.add(new Operation<>(i, input, output, call, complete));
            }
        }
        return out;
    }
}
