package io.tkv.txn.lockwait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tkv.txn.TxnException.WaitFor;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class DeadlockDetectorTest {
    private static final long TTL_MS = 100;
    private final DeadlockDetector detector = new DeadlockDetector(TTL_MS);

    @Test
    void shouldReportTheCycleOfTwoTransactionsToTheWaiterThatClosesIt() {
        assertNull(detector.detect(1, 2, 11, 0));
        assertEquals(List.of(new WaitFor(1, 2, 11), new WaitFor(2, 1, 12)), detector.detect(2, 1, 12, 0));
        // Not registered: the cycle stays open, and the other wait stays.
        assertEquals(1, detector.edgeCount());
        assertNull(detector.detect(3, 1, 12, 0));
    }

    @Test
    void shouldReportALongCycleInOrderFromTheHolder() {
        assertNull(detector.detect(1, 2, 11, 0));
        assertNull(detector.detect(2, 3, 12, 0));
        assertNull(detector.detect(3, 4, 13, 0));
        // A branch that leads nowhere.
        assertNull(detector.detect(2, 5, 15, 0));
        assertEquals(List.of(new WaitFor(1, 2, 11), new WaitFor(2, 3, 12), new WaitFor(3, 4, 13),
            new WaitFor(4, 1, 14)), detector.detect(4, 1, 14, 0));
        assertEquals(4, detector.edgeCount());
    }

    @Test
    void shouldFindNoCycleInADiamond() {
        assertNull(detector.detect(1, 2, 11, 0));
        assertNull(detector.detect(1, 3, 11, 0));
        assertNull(detector.detect(2, 4, 12, 0));
        assertNull(detector.detect(3, 4, 13, 0));
        assertNull(detector.detect(5, 1, 15, 0));
        assertEquals(5, detector.edgeCount());
    }

    @Test
    void shouldExpireEdgesAfterTheirTtlUnlessDetectedAgain() {
        assertNull(detector.detect(1, 2, 11, 0));
        assertNull(detector.detect(3, 4, 13, 0));
        // A second key of the same wait refreshes the edge.
        assertNull(detector.detect(1, 2, 12, 50));
        detector.expire(99);
        assertEquals(2, detector.edgeCount());
        detector.expire(100);
        assertEquals(1, detector.edgeCount(), "3 -> 4 expired");
        assertNull(detector.detect(4, 3, 14, 100));
        // 1 -> 2 expires lazily, as the search meets it.
        assertNull(detector.detect(2, 1, 12, 150));
        assertEquals(2, detector.edgeCount());
    }

    @Test
    void shouldDropExpiredEdgesOncePerTtlFromTheLocalClientsTick() {
        final DeadlockDetector.Client client = detector.localClient();
        final List<List<WaitFor>> deadlocks = new ArrayList<>();
        client.detect(1, 2, 11, 0, (txn, holder, hash, deadlockHash, chain) -> deadlocks.add(chain));
        client.tick(50);
        client.tick(120);
        assertEquals(1, detector.edgeCount(), "expired, but the next sweep is one ttl after the last");
        client.tick(150);
        assertEquals(0, detector.edgeCount());
        client.detect(1, 2, 11, 200, (txn, holder, hash, deadlockHash, chain) -> deadlocks.add(chain));
        client.detect(2, 1, 12, 200, (txn, holder, hash, deadlockHash, chain) -> {
            assertEquals(11, deadlockHash);
            deadlocks.add(chain);
        });
        assertEquals(List.of(List.of(new WaitFor(1, 2, 11), new WaitFor(2, 1, 12))), deadlocks);
    }

    @Test
    void shouldCleanUpOneWaitOrAWholeTransaction() {
        assertNull(detector.detect(1, 2, 11, 0));
        assertNull(detector.detect(1, 2, 12, 0));
        assertNull(detector.detect(1, 3, 13, 0));
        detector.cleanUpWaitFor(1, 2, 11);
        assertEquals(2, detector.edgeCount(), "1 still waits for 2 on key 12");
        detector.cleanUpWaitFor(1, 2, 12);
        assertEquals(1, detector.edgeCount());
        assertNull(detector.detect(2, 1, 12, 0), "no more 1 -> 2");
        detector.cleanUp(1);
        assertEquals(1, detector.edgeCount());
        assertNull(detector.detect(3, 1, 13, 0));
        detector.cleanUp(2);
        detector.cleanUp(3);
        assertEquals(0, detector.edgeCount());
        detector.cleanUp(42);
        detector.cleanUpWaitFor(42, 1, 1);
    }

    @Test
    void shouldRefuseAWaitForItself() {
        assertThrows(IllegalArgumentException.class, () -> detector.detect(1, 1, 11, 0));
    }
}
