package io.tkv.perf;

import io.tkv.client.txn.CommitKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bench-txn's closed loop: every worker runs, failures are counted by reason and commits by kind. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TxnLoopTest {
    /** Named as the client's exceptions are, so the reason is derived the same way. */
    private static final class WriteConflictException extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void shouldNameReasonsInSnakeCaseWithoutException() {
        assertEquals("write_conflict", TxnLoop.reason(new WriteConflictException()));
        assertEquals("illegal_state", TxnLoop.reason(new IllegalStateException()));
        assertEquals("unknown", TxnLoop.reason(new Exception() {
            private static final long serialVersionUID = 1L;
        }));
    }

    @Test
    void shouldCountCommitsByKindAndFailuresByReasonFromEveryWorker() throws InterruptedException {
        final Set<Integer> workers = ConcurrentHashMap.newKeySet();
        final TxnLoop.Outcome outcome = TxnLoop.run((worker, seq) -> {
            workers.add(worker);
            if (seq % 3 == 2) {
                throw new WriteConflictException();
            }
            return seq % 3 == 0 ? CommitKind.ONE_PC : CommitKind.TWO_PC;
        }, 4, 20, 200);

        assertEquals(Set.of(0, 1, 2, 3), workers);
        assertTrue(outcome.ok() > 0, "commits measured");
        assertEquals(outcome.ok(), outcome.kinds().get(CommitKind.ONE_PC) + outcome.kinds().get(CommitKind.TWO_PC));
        assertEquals(Set.of("write_conflict"), outcome.failures().keySet());
        // Each worker fails every third transaction: about half as many failures as commits in the window.
        final double perCommit = (double)outcome.failed() / outcome.ok();
        assertTrue(perCommit > 0.4 && perCommit < 0.6, "failures per commit " + perCommit);
        assertEquals(0.2, outcome.measuredS(), 1e-9);
    }
}
