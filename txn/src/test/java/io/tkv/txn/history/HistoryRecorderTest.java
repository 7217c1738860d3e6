package io.tkv.txn.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HistoryRecorderTest {
    @Test
    void shouldRecordOutcomesTimesAndResultsOnTheInjectedClock() {
        final long[] now = {100};
        final HistoryRecorder rec = new HistoryRecorder(() -> now[0]++);
        final HistoryRecorder.Pending t0 = rec.invoke(1, List.of(MicroOp.append(1, 1), MicroOp.read(1)));
        final HistoryRecorder.Pending t1 = rec.invoke(2, List.of(MicroOp.append(1, 2)));
        final HistoryRecorder.Pending t2 = rec.invoke(3, List.of(MicroOp.read(2)));
        final HistoryRecorder.Pending t3 = rec.invoke(4, List.of(MicroOp.read(3)));
        rec.ok(t0, List.of(MicroOp.append(1, 1), MicroOp.read(1, 1)));
        rec.fail(t1);
        rec.info(t2);
        final List<Txn> h = rec.history();
        assertEquals(List.of(
            new Txn(0, 1, 100, 104, Outcome.OK, List.of(MicroOp.append(1, 1), MicroOp.read(1, 1))),
            new Txn(1, 2, 101, 105, Outcome.FAIL, List.of(MicroOp.append(1, 2))),
            new Txn(2, 3, 102, 106, Outcome.INFO, List.of(MicroOp.read(2))),
            new Txn(3, 4, 103, Long.MAX_VALUE, Outcome.INFO, List.of(MicroOp.read(3)))), h);
        assertEquals(3, t3.id());
    }

    @Test
    void shouldRefuseASecondCompletionAndACompletionThatDoesNotMatchTheInvoke() {
        final HistoryRecorder rec = new HistoryRecorder();
        final HistoryRecorder.Pending t = rec.invoke(0, List.of(MicroOp.read(1)));
        assertThrows(IllegalArgumentException.class, () -> rec.ok(t, List.of(MicroOp.read(1))));
        assertThrows(IllegalArgumentException.class, () -> rec.ok(t, List.of(MicroOp.read(2, 1))));
        assertThrows(IllegalArgumentException.class, () -> rec.ok(t, List.of()));
        rec.ok(t, List.of(MicroOp.read(1, 5)));
        assertThrows(IllegalStateException.class, () -> rec.info(t));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRecordFromManyThreads() throws InterruptedException {
        final HistoryRecorder rec = new HistoryRecorder();
        final int threads = 4;
        final int each = 2000;
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> workers = new ArrayList<>();
        for (int p = 0; p < threads; p++) {
            final int process = p;
            final Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (final InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    final long v = (long) process * each + i;
                    final HistoryRecorder.Pending t = rec.invoke(process, List.of(MicroOp.append(process, v)));
                    if (i % 3 == 0) {
                        rec.fail(t);
                    } else {
                        rec.ok(t, List.of(MicroOp.append(process, v)));
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (final Thread w : workers) {
            w.join();
        }
        final List<Txn> h = rec.history();
        assertEquals(threads * each, h.size());
        final Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < h.size(); i++) {
            assertEquals(i, h.get(i).id());
            assertTrue(ids.add(h.get(i).id()));
            assertTrue(h.get(i).completeNs() >= h.get(i).invokeNs());
        }
        assertEquals(threads * ((each + 2) / 3), h.stream().filter(t -> t.outcome() == Outcome.FAIL).count());
        assertTrue(ListAppendChecker.snapshotIsolation().check(h).valid());
    }
}
