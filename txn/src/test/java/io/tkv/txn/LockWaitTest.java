package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tkv.txn.command.AcquirePessimisticLockCommand;
import io.tkv.txn.command.CheckTxnStatusCommand;
import io.tkv.txn.command.CommitCommand;
import io.tkv.txn.command.PessimisticRollbackCommand;
import io.tkv.txn.command.PrewriteCommand;
import io.tkv.txn.command.ResolveLockCommand;
import io.tkv.txn.command.TxnResponse;
import io.tkv.txn.lockwait.DeadlockDetector;
import io.tkv.txn.lockwait.LockWaitConfig;
import io.tkv.txn.lockwait.WaiterManager;
import io.tkv.txn.sched.TxnScheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pessimistic lock waiting through the scheduler, on RocksDB, as TiKV's lock manager tests: a request that meets a
 * lock waits until it is released, times out or closes a deadlock.
 */
class LockWaitTest extends SchedulerTestSupport {
    private static final long WAKE_UP_DELAY_MS = 20;
    private DeadlockDetector detector;

    @BeforeEach
    void lockWaitingScheduler() {
        scheduler = withLockWait(64);
    }

    private TxnScheduler withLockWait(final int maxWaiters) {
        detector = new DeadlockDetector(3_000);
        return newScheduler(64, new LockWaitConfig(maxWaiters, 1_000, WAKE_UP_DELAY_MS, detector.localClient()));
    }

    @Test
    void shouldWakeAWaiterWhenTheHolderRollsBackAndThenLock() {
        holdLock(10, "k");
        final long waiter = lockWaiting(20, 500, "k");
        assertWaiting(waiter);
        assertEquals(0, scheduler.waitingForLatches(), "a waiter holds no latch");
        assertEquals(1, detector.edgeCount());

        releaseLock(10, "k");
        assertInstanceOf(TxnResponse.Done.class, responses.get(waiter));
        assertEquals(20, assertLocked("k", 20).forUpdateTs());
        assertEquals(0, scheduler.waitingForLocks());
        assertEquals(0, detector.edgeCount(), "the wait is cleaned up from the detector");
    }

    @Test
    void shouldWakeAWaiterWithWriteConflictWhenTheHolderCommitsTheKeyAfterItsForUpdateTs() {
        holdLock(10, "k");
        exec(TxnResponse.Prewrite.class, new PrewriteCommand(puts("k", "v"), b("k"), 10, 3_000, 1, 10,
            new boolean[] {true}, null, false, 0, 0, false));
        final long waiter = lockWaiting(20, 500, "k");
        assertWaiting(waiter);

        exec(TxnResponse.Done.class, new CommitCommand(keys("k"), 10, 30));
        final TxnException.WriteConflict conflict = error(TxnException.WriteConflict.class, waiter);
        assertEquals(30, conflict.conflictCommitTs());
        assertEquals(10, conflict.conflictStartTs());
        assertUnlocked("k");
        // The client retries with a newer for-update ts, and locks.
        exec(TxnResponse.Done.class, new AcquirePessimisticLockCommand(keys("k"), b("k"), 20, 31, 3_000, 0, 500));
        assertEquals(31, assertLocked("k", 20).forUpdateTs());
    }

    @Test
    void shouldWakeWaitersOfAnyCommandThatReleasesTheLock() {
        prewriteKeys(10, "a", "a", "v");
        prewriteKeys(11, "b", "b", "v");
        final long onA = lockWaiting(20, 500, "a");
        final long onB = lockWaiting(30, 500, "b");
        // A resolver commits 11: only its waiter wakes, and meets the commit.
        exec(TxnResponse.Done.class, new ResolveLockCommand(keys("b"), 11, 35));
        assertInstanceOf(TxnException.WriteConflict.class,
            assertInstanceOf(TxnResponse.Error.class, responses.get(onB)).error());
        assertWaiting(onA);
        // 10's expired primary is rolled back by check-txn-status.
        exec(TxnResponse.Status.class, new CheckTxnStatusCommand(b("a"), 10, 20, ts(100_000, 0), true, false, false));
        assertInstanceOf(TxnResponse.Done.class, responses.get(onA));
        assertLocked("a", 20);
    }

    @Test
    void shouldWakeTheOldestWaiterFirstAndTheOthersAfterTheDelayKeepingTheirPlace() {
        holdLock(10, "k");
        // Arrival order, not start ts order.
        final long first = lockWaiting(30, 1_000, "k");
        final long second = lockWaiting(20, 1_000, "k");
        final long third = lockWaiting(40, 1_000, "k");
        assertEquals(3, scheduler.waitingForLocks());

        releaseLock(10, "k");
        assertInstanceOf(TxnResponse.Done.class, responses.get(first));
        assertLocked("k", 30);
        assertNull(responses.get(second));
        assertNull(responses.get(third));
        // A newcomer arrives before the others retry.
        final long newcomer = lockWaiting(50, 1_000, "k");
        scheduler.tick(WAKE_UP_DELAY_MS);
        // The others ran again and met the first's lock: they wait again, still ahead of the newcomer.
        assertTrue(proposals.isEmpty());
        assertEquals(3, scheduler.waitingForLocks());

        releaseLock(30, "k");
        assertInstanceOf(TxnResponse.Done.class, responses.get(second));
        assertLocked("k", 20);
        scheduler.tick(2 * WAKE_UP_DELAY_MS);
        releaseLock(20, "k");
        assertInstanceOf(TxnResponse.Done.class, responses.get(third));
        assertNull(responses.get(newcomer));
        scheduler.tick(3 * WAKE_UP_DELAY_MS);
        releaseLock(40, "k");
        assertInstanceOf(TxnResponse.Done.class, responses.get(newcomer));
        assertEquals(0, scheduler.waitingForLocks());
    }

    @Test
    void shouldRunAllWaitersAtOnceInArrivalOrderWithoutAWakeUpDelay() {
        detector = new DeadlockDetector(3_000);
        scheduler = newScheduler(64, new LockWaitConfig(64, 1_000, 0, detector.localClient()));
        holdLock(10, "k");
        final long first = lockWaiting(30, 1_000, "k");
        final long second = lockWaiting(20, 1_000, "k");
        final long third = lockWaiting(40, 1_000, "k");
        releaseLock(10, "k");
        // All ran; the first took the lock, the others queued on its latch, then met its lock and wait again.
        assertInstanceOf(TxnResponse.Done.class, responses.get(first));
        assertEquals(2, scheduler.waitingForLocks());
        assertEquals(0, scheduler.waitingForLatches());
        releaseLock(30, "k");
        assertInstanceOf(TxnResponse.Done.class, responses.get(second));
        releaseLock(20, "k");
        assertInstanceOf(TxnResponse.Done.class, responses.get(third));
    }

    @Test
    void shouldTakeADeadlockAnswerFromARemoteDetectorLaterAndDropOneForAWaiterGone() {
        final List<long[]> detects = new ArrayList<>();
        final DeadlockDetector.Listener[] listener = new DeadlockDetector.Listener[1];
        scheduler = newScheduler(64, new LockWaitConfig(64, 1_000, WAKE_UP_DELAY_MS, new DeadlockDetector.Client() {
            @Override
            public void detect(
                final long txnTs, final long holderTs, final long keyHash, final long nowMs,
                final DeadlockDetector.Listener onDeadlock) {
                detects.add(new long[] {txnTs, holderTs, keyHash});
                listener[0] = onDeadlock;
            }

            @Override
            public void cleanUpWaitFor(final long txnTs, final long holderTs, final long keyHash) {
            }

            @Override
            public void cleanUp(final long txnTs) {
            }
        }));
        holdLock(10, "a");
        holdLock(20, "b");
        final long tenWaits = lockWaiting(10, 500, "b");
        final long twentyWaits = lockWaiting(20, 500, "a");
        assertWaiting(tenWaits);
        assertWaiting(twentyWaits);
        assertArrayEquals(new long[] {20, 10, hash("a")}, detects.get(1));
        // The cluster's detector answers on a later duty cycle.
        final List<TxnException.WaitFor> chain =
            List.of(new TxnException.WaitFor(10, 20, hash("b")), new TxnException.WaitFor(20, 10, hash("a")));
        listener[0].onDeadlock(20, 10, hash("a"), hash("b"), chain);
        assertEquals(chain, error(TxnException.Deadlock.class, twentyWaits).waitChain());
        // An answer for a wait that already ended is dropped.
        scheduler.tick(500);
        error(TxnException.KeyLocked.class, tenWaits);
        listener[0].onDeadlock(10, 20, hash("b"), hash("a"), chain);
        assertEquals(0, scheduler.waitingForLocks());
    }

    @Test
    void shouldAnswerKeyLockedWhenTheWaitTimesOut() {
        holdLock(10, "k");
        final long waiter = lockWaiting(20, 100, "k");
        final long capped = lockWaiting(30, 60_000, "k");
        scheduler.tick(99);
        assertWaiting(waiter);
        scheduler.tick(100);
        final TxnException.KeyLocked locked = error(TxnException.KeyLocked.class, waiter);
        assertBytes("k", locked.key());
        assertEquals(10, locked.lock().startTs());
        assertEquals(1, detector.edgeCount(), "the timed-out wait left the detector");
        // The store caps the wait at maxWaitTimeoutMs.
        scheduler.tick(999);
        assertWaiting(capped);
        scheduler.tick(1_000);
        assertEquals(10, error(TxnException.KeyLocked.class, capped).lock().startTs());
        assertEquals(0, scheduler.waitingForLocks());
        assertEquals(0, detector.edgeCount());
    }

    @Test
    void shouldKeepTheFirstDeadlineWhenWaitingAgain() {
        holdLock(10, "k");
        final long first = lockWaiting(20, 100, "k");
        final long second = lockWaiting(30, 100, "k");
        scheduler.tick(50);
        releaseLock(10, "k");
        assertInstanceOf(TxnResponse.Done.class, responses.get(first));
        scheduler.tick(50 + WAKE_UP_DELAY_MS);
        assertWaiting(second);
        scheduler.tick(99);
        assertWaiting(second);
        scheduler.tick(100);
        assertEquals(20, error(TxnException.KeyLocked.class, second).lock().startTs());
    }

    @Test
    void shouldAnswerAtOnceWithoutAWaitTimeout() {
        holdLock(10, "k");
        final TxnResponse.Error error = assertInstanceOf(TxnResponse.Error.class,
            answerNow(new AcquirePessimisticLockCommand(keys("k"), b("k"), 20, 20, 3_000, 0)));
        assertEquals(10, assertInstanceOf(TxnException.KeyLocked.class, error.error()).lock().startTs());
        assertEquals(0, scheduler.waitingForLocks());
        assertEquals(0, detector.edgeCount());
    }

    @Test
    void shouldRefuseWithServerBusyBeyondTheWaiterBound() {
        scheduler = withLockWait(2);
        holdLock(10, "k", "j");
        final long first = lockWaiting(20, 500, "k");
        final long second = lockWaiting(30, 500, "j");
        final long refused = lockWaiting(40, 500, "k");
        assertTrue(assertInstanceOf(TxnResponse.Busy.class, responses.get(refused)).reason().contains("bound 2"));
        assertWaiting(first);
        assertWaiting(second);
        releaseLock(10, "k", "j");
        assertInstanceOf(TxnResponse.Done.class, responses.get(first));
        assertInstanceOf(TxnResponse.Done.class, responses.get(second));
    }

    @Test
    void shouldRefuseTheWaitThatClosesATwoTxnDeadlock() {
        holdLock(10, "a");
        holdLock(20, "b");
        final long tenWaits = lockWaiting(10, 500, "b");
        assertWaiting(tenWaits);
        final long twentyWaits = lockWaiting(20, 500, "a");
        final TxnException.Deadlock deadlock = error(TxnException.Deadlock.class, twentyWaits);
        assertEquals(20, deadlock.startTs());
        assertEquals(10, deadlock.lockTs());
        assertBytes("a", deadlock.lockKey());
        assertEquals(hash("b"), deadlock.deadlockKeyHash());
        assertEquals(List.of(new TxnException.WaitFor(10, 20, hash("b")), new TxnException.WaitFor(20, 10, hash("a"))),
            deadlock.waitChain());
        assertWaiting(tenWaits);
        // The client aborts 20: its rollback wakes 10, which locks.
        releaseLock(20, "b");
        assertInstanceOf(TxnResponse.Done.class, responses.get(tenWaits));
        assertLocked("b", 10);
        assertEquals(0, detector.edgeCount());
    }

    @Test
    void shouldRefuseTheWaitThatClosesAThreeTxnDeadlock() {
        holdLock(10, "a");
        holdLock(20, "b");
        holdLock(30, "c");
        final long tenWaits = lockWaiting(10, 500, "b");
        final long twentyWaits = lockWaiting(20, 500, "c");
        final long thirtyWaits = lockWaiting(30, 500, "a");
        final TxnException.Deadlock deadlock = error(TxnException.Deadlock.class, thirtyWaits);
        assertEquals(10, deadlock.lockTs());
        assertEquals(hash("c"), deadlock.deadlockKeyHash());
        assertEquals(List.of(
            new TxnException.WaitFor(10, 20, hash("b")),
            new TxnException.WaitFor(20, 30, hash("c")),
            new TxnException.WaitFor(30, 10, hash("a"))), deadlock.waitChain());
        assertWaiting(tenWaits);
        assertWaiting(twentyWaits);
        assertEquals(2, detector.edgeCount());
    }

    @Test
    void shouldNotReportADeadlockThroughAnExpiredWait() {
        // A ttl below the wait, as if 10's wait were on a store whose clean-ups were lost.
        detector = new DeadlockDetector(100);
        scheduler = newScheduler(64, new LockWaitConfig(64, 1_000, WAKE_UP_DELAY_MS, detector.localClient()));
        holdLock(10, "a");
        holdLock(20, "b");
        final long tenWaits = lockWaiting(10, 500, "b");
        assertEquals(1, detector.edgeCount());
        scheduler.tick(100);
        final long twentyWaits = lockWaiting(20, 500, "a");
        assertWaiting(twentyWaits);
        assertEquals(1, detector.edgeCount(), "10's expired wait was dropped, 20's registered");
        // The deadlock nobody saw ends by timeout.
        scheduler.tick(500);
        assertEquals(20, error(TxnException.KeyLocked.class, tenWaits).lock().startTs());
        scheduler.tick(600);
        assertEquals(10, error(TxnException.KeyLocked.class, twentyWaits).lock().startTs());
    }

    @Test
    void shouldCancelTheWaitersOfARegionThatLostLeadershipWithoutAnswering() {
        holdLock(10, "a", "m");
        final long onA = lockWaiting(20, 500, "a");
        final long onM = lockWaiting(30, 500, "m");
        final long[] cancelled = scheduler.cancelLockWaits(key -> Arrays.compare(key, b("h")) < 0);
        assertArrayEquals(new long[] {onA}, cancelled);
        assertNull(responses.get(onA), "the server answers NOT_LEADER itself");
        assertEquals(1, scheduler.waitingForLocks());
        assertEquals(1, detector.edgeCount());
        releaseLock(10, "a", "m");
        assertNull(responses.get(onA));
        assertInstanceOf(TxnResponse.Done.class, responses.get(onM));
        assertUnlocked("a");
    }

    private void holdLock(final long startTs, final String... keys) {
        exec(TxnResponse.Done.class, new AcquirePessimisticLockCommand(keys(keys), b(keys[0]), startTs, startTs, 3_000,
            0));
    }

    private void releaseLock(final long startTs, final String... keys) {
        exec(TxnResponse.Done.class, new PessimisticRollbackCommand(keys(keys), startTs, startTs));
    }

    private long lockWaiting(final long startTs, final long waitTimeoutMs, final String... keys) {
        return submit(new AcquirePessimisticLockCommand(keys(keys), b(keys[0]), startTs, startTs, 3_000, 0,
            waitTimeoutMs));
    }

    private void assertWaiting(final long requestId) {
        assertNull(responses.get(requestId), "request " + requestId + " waits");
        assertTrue(proposals.isEmpty());
    }

    private <E extends TxnException> E error(final Class<E> type, final long requestId) {
        return assertInstanceOf(type, assertInstanceOf(TxnResponse.Error.class, responses.get(requestId)).error());
    }

    private static long hash(final String key) {
        return WaiterManager.keyHash(TxnKeys.encode(b(key)));
    }
}
