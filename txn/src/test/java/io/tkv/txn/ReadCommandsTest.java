package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tkv.txn.command.BatchGetCommand;
import io.tkv.txn.command.CommitCommand;
import io.tkv.txn.command.GetCommand;
import io.tkv.txn.command.PrewriteCommand;
import io.tkv.txn.command.ResolveLockScanCommand;
import io.tkv.txn.command.ScanCommand;
import io.tkv.txn.command.ScanLockCommand;
import io.tkv.txn.command.TxnResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Read commands and resolve-lock over a range, end to end through the scheduler on RocksDB. */
class ReadCommandsTest extends SchedulerTestSupport {
    @Test
    void shouldBatchGetValuesAndReportTheOneLockedKeyInPlace() {
        prewriteKeys(10, "a", "a", "1", "c", "3");
        exec(new CommitCommand(keys("a", "c"), 10, 11));
        prewriteKeys(20, "b", "b", "2");
        final List<TxnResponse.KeyValue> pairs = assertInstanceOf(TxnResponse.Pairs.class,
            answerNow(new BatchGetCommand(keys("a", "b", "c", "missing"), 30))).pairs();
        assertEquals(3, pairs.size());
        assertBytes("1", pairs.get(0).value());
        assertBytes("b", pairs.get(1).key());
        assertNull(pairs.get(1).value());
        assertEquals(20, pairs.get(1).locked().lock().startTs());
        assertBytes("3", pairs.get(2).value());
        assertEquals(30, cm.maxTs(), "the read registered its ts");
        // Before the lock's start ts the lock does not matter.
        final List<TxnResponse.KeyValue> early = assertInstanceOf(TxnResponse.Pairs.class,
            answerNow(new BatchGetCommand(keys("a", "b"), 15))).pairs();
        assertEquals(1, early.size());
        assertNull(early.get(0).locked());
    }

    @Test
    void shouldGetAndScanBothWaysAndStopAtABlockingLock() {
        prewriteKeys(10, "a", "a", "1", "b", "2", "c", "3", "d", "4");
        exec(new CommitCommand(keys("a", "b", "c", "d"), 10, 11));
        assertBytes("2", assertInstanceOf(TxnResponse.Value.class, answerNow(new GetCommand(b("b"), 12))).value());
        assertEquals(List.of("a", "b", "c"), scanKeys(new ScanCommand(b("a"), b("d"), 12, 0, false)));
        assertEquals(List.of("d", "c"), scanKeys(new ScanCommand(b("a"), null, 12, 2, true)));
        prewriteKeys(20, "c", "c", "x");
        final TxnResponse.Error error = assertInstanceOf(TxnResponse.Error.class,
            answerNow(new ScanCommand(b("a"), null, 25, 0, false)));
        assertBytes("c", assertInstanceOf(TxnException.KeyLocked.class, error.error()).key());
        assertEquals(List.of("a", "b", "c", "d"), scanKeys(new ScanCommand(b("a"), null, 19, 0, false)));
    }

    @Test
    void shouldScanLocksInKeyOrderUpToTheLimitAndMaxTs() {
        prewriteKeys(10, "a", "a", "1", "c", "3", "e", "5");
        prewriteKeys(30, "b", "b", "2", "d", "4");
        final List<TxnResponse.LockInfo> limited = assertInstanceOf(TxnResponse.Locks.class,
            answerNow(new ScanLockCommand(b("a"), null, 100, 3))).locks();
        assertEquals(List.of("a", "b", "c"), lockKeys(limited));
        final List<TxnResponse.LockInfo> old = assertInstanceOf(TxnResponse.Locks.class,
            answerNow(new ScanLockCommand(b("b"), b("e"), 20, 0))).locks();
        assertEquals(List.of("c"), lockKeys(old));
        assertEquals(10, old.get(0).lock().startTs());
        assertEquals(100, cm.maxTs());
    }

    @Test
    void shouldScanTheMemoryLockOfAnUnappliedAsyncCommitPrewrite() {
        prewriteKeys(10, "a", "a", "1");
        submit(new PrewriteCommand(puts("b", "2"), b("b"), 12, 3_000, 1, 0, null, List.of(), false, 0, 0, false));
        assertEquals(1, proposals.size());
        final List<TxnResponse.LockInfo> locks = assertInstanceOf(TxnResponse.Locks.class,
            answerNow(new ScanLockCommand(b("a"), null, 100, 0))).locks();
        assertEquals(List.of("a", "b"), lockKeys(locks));
        assertEquals(12, locks.get(1).lock().startTs());
        applyAll();
        assertEquals(List.of("a", "b"), lockKeys(assertInstanceOf(TxnResponse.Locks.class,
            answerNow(new ScanLockCommand(b("a"), null, 100, 0))).locks()));
    }

    @Test
    void shouldResolveTheLocksOfKnownTransactionsOverARangeBatchByBatch() {
        prewriteKeys(10, "k1", "k1", "v", "k3", "v", "k5", "v", "k7", "v");
        prewriteKeys(20, "k2", "k2", "v", "k4", "v", "k6", "v");
        prewriteKeys(30, "k8", "k8", "v");
        prewriteKeys(40, "z", "z", "v");
        final int before = appliedBatches;
        final TxnResponse answer = exec(new ResolveLockScanCommand(Map.of(10L, 15L, 20L, 0L, 40L, 0L), b("k"),
            b("y"), 2));
        assertInstanceOf(TxnResponse.Done.class, answer);
        // 8 locks in range, 2 per batch: 4 write batches (the last scan, after k8, finds nothing more).
        assertEquals(before + 4, appliedBatches);
        for (final String key : List.of("k1", "k3", "k5", "k7")) {
            assertWritten(key, 10, 15, WriteType.PUT);
            assertUnlocked(key);
        }
        for (final String key : List.of("k2", "k4", "k6")) {
            assertRolledBack(key, 20);
            assertUnlocked(key);
        }
        assertLocked("k8", 30);
        assertLocked("z", 40);
        assertEquals(List.of("k8", "z"), lockKeys(assertInstanceOf(TxnResponse.Locks.class,
            answerNow(new ScanLockCommand(b(""), null, 100, 0))).locks()));
        assertEquals(0, scheduler.waitingForLatches());
        assertEquals(0, scheduler.pendingWrites());
    }

    @Test
    void shouldAnswerAResolveOverARangeWithoutLocksAtOnce() {
        assertInstanceOf(TxnResponse.Done.class,
            answerNow(new ResolveLockScanCommand(Map.of(10L, 0L), b("a"), null, 16)));
        prewriteKeys(50, "a", "a", "v");
        final TxnResponse answer = exec(PrewriteCommand.optimistic(puts("b", "v"), b("b"), 60, 3_000));
        assertInstanceOf(TxnResponse.Prewrite.class, answer);
        assertArrayEquals(b("v"), assertLocked("b", 60).shortValue());
    }

    private List<String> scanKeys(final ScanCommand command) {
        final List<String> keys = new ArrayList<>();
        for (final TxnResponse.KeyValue pair :
            assertInstanceOf(TxnResponse.Pairs.class, answerNow(command)).pairs()) {
            keys.add(s(pair.key()));
        }
        return keys;
    }

    private static List<String> lockKeys(final List<TxnResponse.LockInfo> locks) {
        final List<String> keys = new ArrayList<>();
        for (final TxnResponse.LockInfo info : locks) {
            keys.add(s(info.key()));
        }
        return keys;
    }
}
