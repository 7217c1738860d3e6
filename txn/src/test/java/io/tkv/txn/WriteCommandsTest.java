package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tkv.txn.command.AcquirePessimisticLockCommand;
import io.tkv.txn.command.CheckSecondaryLocksCommand;
import io.tkv.txn.command.CheckTxnStatusCommand;
import io.tkv.txn.command.CleanupCommand;
import io.tkv.txn.command.CommitCommand;
import io.tkv.txn.command.PessimisticRollbackCommand;
import io.tkv.txn.command.PrewriteCommand;
import io.tkv.txn.command.ResolveLockCommand;
import io.tkv.txn.command.RollbackCommand;
import io.tkv.txn.command.TxnHeartBeatCommand;
import io.tkv.txn.command.TxnResponse;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Each write command end to end: scheduler, snapshot, command, proposed bytes applied in one write batch. */
class WriteCommandsTest extends SchedulerTestSupport {
    private static final String LONG = "v".repeat(Lock.SHORT_VALUE_MAX_LENGTH + 1);

    @Test
    void shouldPrewriteAndCommitManyKeysInOneWriteBatchEach() {
        final TxnResponse.Prewrite prewrite = prewriteKeys(10, "a", "a", "1", "b", LONG, "c", "3");
        assertEquals(List.of(), prewrite.locked());
        assertEquals(1, appliedBatches);
        assertLocked("a", 10);
        assertLocked("b", 10);
        assertLocked("c", 10);
        exec(TxnResponse.Done.class, new CommitCommand(keys("a", "b", "c"), 10, 15));
        assertEquals(2, appliedBatches);
        assertValue("1", "a", 15);
        assertValue(LONG, "b", 15);
        assertValue(null, "c", 14);
        // A retried commit finds the commit records: nothing to write, answered at once.
        exec(TxnResponse.Done.class, new CommitCommand(keys("a", "b", "c"), 10, 15));
        assertEquals(2, appliedBatches);
    }

    @Test
    void shouldReportEveryKeyLockedByAnotherTxnAndWriteNothing() {
        prewriteKeys(5, "b", "b", "old", "d", "old");
        final int before = appliedBatches;
        final TxnResponse.Prewrite refused = prewriteKeys(10, "a", "a", "1", "b", "2", "c", "3", "d", "4");
        assertEquals(2, refused.locked().size());
        assertBytes("b", refused.locked().get(0).key());
        assertBytes("d", refused.locked().get(1).key());
        assertEquals(5, refused.locked().get(0).lock().startTs());
        assertEquals(before, appliedBatches, "no partial write");
        assertUnlocked("a");
        assertUnlocked("c");
        assertLocked("b", 5);
    }

    @Test
    void shouldReleaseTheMemoryLocksOfAnAsyncPrewriteThatMetALock() {
        prewriteKeys(5, "b", "b", "old");
        final TxnResponse.Prewrite refused = exec(TxnResponse.Prewrite.class, new PrewriteCommand(
            puts("a", "1", "b", "2", "c", "3"), b("a"), 10, 3_000, 3, 0, null, keys("b", "c"), false, 0, 0, false));
        assertEquals(1, refused.locked().size());
        assertEquals(0, refused.minCommitTs());
        assertEquals(0, cm.memoryLockCount(), "a and c published memory locks; nothing will be applied");
        assertUnlocked("a");
        assertUnlocked("c");
    }

    @Test
    void shouldFailAPrewriteAsAWholeOnAWriteConflict() {
        prewriteKeys(15, "k", "k", "new");
        exec(new CommitCommand(keys("k"), 15, 20));
        final TxnException.WriteConflict conflict = execFails(TxnException.WriteConflict.class,
            PrewriteCommand.optimistic(puts("a", "1", "k", "2"), b("a"), 10, 3_000));
        assertEquals(20, conflict.conflictCommitTs());
        assertUnlocked("a");
    }

    @Test
    void shouldCommitByOnePcAndPrewriteForAsyncCommit() {
        final TxnResponse.Prewrite onePc = exec(TxnResponse.Prewrite.class, new PrewriteCommand(
            puts("a", "1", "b", "2"), b("a"), 10, 3_000, 2, 0, null, null, true, 0, 0, false));
        assertTrue(onePc.onePcCommitTs() > 10);
        assertUnlocked("a");
        assertValue("2", "b", onePc.onePcCommitTs());
        assertEquals(0, cm.memoryLockCount());

        final TxnResponse.Prewrite async = exec(TxnResponse.Prewrite.class, new PrewriteCommand(
            puts("c", "1", "d", "2"), b("c"), 20, 3_000, 2, 0, null, keys("d"), false, 0, 0, false));
        assertEquals(21, async.minCommitTs());
        assertEquals(1, assertLocked("c", 20).secondaries().size());
        assertTrue(assertLocked("d", 20).useAsyncCommit());
        final TxnResponse.SecondaryLocks secondaries =
            exec(TxnResponse.SecondaryLocks.class, new CheckSecondaryLocksCommand(keys("c", "d"), 20));
        assertEquals(2, secondaries.result().locks().size());
        exec(TxnResponse.Done.class, new ResolveLockCommand(keys("c", "d"), 20, async.minCommitTs()));
        assertValue("2", "d", 21);
    }

    @Test
    void shouldCleanUpOnlyExpiredLocksAndRefuseCommittedOnes() {
        final long startTs = ts(1_000, 0);
        exec(TxnResponse.Prewrite.class, PrewriteCommand.optimistic(puts("k", "v"), b("k"), startTs, 3_000));
        final TxnException.KeyLocked alive =
            execFails(TxnException.KeyLocked.class, new CleanupCommand(b("k"), startTs, ts(2_000, 0)));
        assertEquals(startTs, alive.lock().startTs());
        exec(TxnResponse.Done.class, new CleanupCommand(b("k"), startTs, ts(10_000, 0)));
        assertUnlocked("k");
        assertRolledBack("k", startTs);
        // With no lock (the prewrite has not arrived), cleanup leaves a protected rollback that is never collapsed.
        exec(TxnResponse.Done.class, new CleanupCommand(b("m"), startTs, ts(10_000, 0)));
        assertTrue(writeAt("m", startTs).isProtected());
        assertEquals(startTs, cm.maxTs(), "cleanup raises max ts to the start ts");

        prewriteKeys(ts(20_000, 0), "j", "j", "v");
        exec(new CommitCommand(keys("j"), ts(20_000, 0), ts(20_000, 5)));
        final TxnException.Committed committed =
            execFails(TxnException.Committed.class, new CleanupCommand(b("j"), ts(20_000, 0), 0));
        assertEquals(ts(20_000, 5), committed.commitTs());
    }

    @Test
    void shouldRollBackABatchOfKeysIncludingOnesNeverPrewritten() {
        prewriteKeys(10, "a", "a", "1", "b", LONG);
        exec(TxnResponse.Done.class, new RollbackCommand(keys("a", "b", "c"), 10));
        assertUnlocked("a");
        assertUnlocked("b");
        assertRolledBack("a", 10);
        assertRolledBack("c", 10);
        execFails(TxnException.WriteConflict.class, PrewriteCommand.optimistic(puts("c", "1"), b("a"), 10, 3_000));
    }

    @Test
    void shouldCheckTxnStatusOnThePrimary() {
        final long startTs = ts(1_000, 0);
        prewriteKeys(startTs, "p", "p", "v", "s", "v");
        final TxnResponse.Status alive = exec(TxnResponse.Status.class,
            new CheckTxnStatusCommand(b("p"), startTs, 0, ts(2_000, 0), false, false, false));
        assertEquals(TxnStatus.Kind.UNCOMMITTED, alive.status().kind());
        final TxnResponse.Status expired = exec(TxnResponse.Status.class,
            new CheckTxnStatusCommand(b("p"), startTs, 0, ts(9_000, 0), false, false, false));
        assertEquals(TxnStatus.Kind.TTL_EXPIRED, expired.status().kind());
        assertRolledBack("p", startTs);
        final TxnResponse.Status missing = exec(TxnResponse.Status.class,
            new CheckTxnStatusCommand(b("q"), 77, 0, ts(9_000, 0), true, false, false));
        assertEquals(TxnStatus.Kind.LOCK_NOT_EXIST, missing.status().kind());
        execFails(TxnException.TxnNotFound.class,
            new CheckTxnStatusCommand(b("r"), 78, 0, ts(9_000, 0), false, false, false));
    }

    @Test
    void shouldRaiseThePrimaryTtlByHeartBeat() {
        prewriteKeys(10, "p", "p", "v");
        assertEquals(9_000, exec(TxnResponse.HeartBeat.class, new TxnHeartBeatCommand(b("p"), 10, 9_000)).lockTtl());
        assertEquals(9_000, exec(TxnResponse.HeartBeat.class, new TxnHeartBeatCommand(b("p"), 10, 5_000)).lockTtl());
        assertEquals(9_000, assertLocked("p", 10).ttl());
        execFails(TxnException.TxnNotFound.class, new TxnHeartBeatCommand(b("q"), 10, 9_000));
    }

    @Test
    void shouldLockPessimisticallyThenPrewriteAndCommit() {
        exec(TxnResponse.Done.class, new AcquirePessimisticLockCommand(keys("a", "b"), b("a"), 10, 10, 3_000, 0));
        assertEquals(LockType.PESSIMISTIC, assertLocked("a", 10).type());
        // Another transaction meets b's lock: the whole command fails, c stays unlocked.
        final TxnException.KeyLocked locked = execFails(TxnException.KeyLocked.class,
            new AcquirePessimisticLockCommand(keys("c", "b"), b("c"), 20, 20, 3_000, 0));
        assertBytes("b", locked.key());
        assertUnlocked("c");
        exec(TxnResponse.Done.class, new PessimisticRollbackCommand(keys("b"), 10, 10));
        assertUnlocked("b");
        final TxnResponse.Prewrite prewrite = exec(TxnResponse.Prewrite.class, new PrewriteCommand(
            puts("a", "1"), b("a"), 10, 3_000, 1, 10, new boolean[] {true}, null, false, 0, 0, false));
        assertEquals(List.of(), prewrite.locked());
        assertEquals(LockType.PUT, assertLocked("a", 10).type());
        exec(TxnResponse.Done.class, new CommitCommand(keys("a"), 10, 12));
        assertValue("1", "a", 12);
        execFails(TxnException.PessimisticLockNotFound.class, new PrewriteCommand(
            puts("b", "1"), b("a"), 10, 3_000, 1, 10, new boolean[] {true}, null, false, 0, 0, false));
    }

    @Test
    void shouldResolveLocksOfAKeyListByCommitOrRollback() {
        prewriteKeys(10, "a", "a", "1", "b", "2");
        prewriteKeys(20, "c", "c", "3");
        exec(TxnResponse.Done.class, new ResolveLockCommand(keys("a", "b"), 10, 11));
        exec(TxnResponse.Done.class, new ResolveLockCommand(keys("c"), 20, 0));
        assertValue("2", "b", 11);
        assertRolledBack("c", 20);
        // Committing a rolled-back key contradicts the outcome: the command fails as a whole.
        execFails(TxnException.TxnLockNotFound.class, new ResolveLockCommand(keys("c"), 20, 25));
    }
}
