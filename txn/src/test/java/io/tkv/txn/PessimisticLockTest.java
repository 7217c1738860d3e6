package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PessimisticLockTest extends MvccTestSupport {
    private void acquire(final String key, final String primary, final long startTs, final long forUpdateTs) {
        run(startTs, (txn, reader) -> {
            PessimisticLock.acquire(txn, reader, b(key), b(primary), forUpdateTs, 3_000, 0);
            return null;
        });
    }

    private <E extends TxnException> E acquireFails(
        final Class<E> type, final String key, final long startTs, final long forUpdateTs) {
        return fail(type, startTs, (txn, reader) -> {
            PessimisticLock.acquire(txn, reader, b(key), b(key), forUpdateTs, 3_000, 0);
            return null;
        });
    }

    private void pessimisticPrewrite(final String key, final String value, final long startTs, final long forUpdateTs) {
        run(startTs, (txn, reader) -> Prewrite.prewrite(txn, reader,
            TxnProps.pessimistic(b(key), startTs, forUpdateTs, 3_000), Mutation.put(b(key), b(value)), null, true));
    }

    @Test
    void shouldLockThenPrewriteThenCommit() {
        acquire("k", "k", 10, 10);
        assertEquals(LockType.PESSIMISTIC, assertLocked("k", 10).type());
        // A pessimistic lock does not block readers.
        assertValue(null, "k", 20);
        // Another transaction's lock attempt waits (KEY_LOCKED).
        acquireFails(TxnException.KeyLocked.class, "k", 11, 11);
        pessimisticPrewrite("k", "v", 10, 10);
        final Lock lock = assertLocked("k", 10);
        assertEquals(LockType.PUT, lock.type());
        assertEquals(10, lock.forUpdateTs());
        commit("k", 10, 15);
        assertValue("v", "k", 15);
    }

    @Test
    void shouldConflictWithACommitAfterForUpdateTs() {
        prewritePut("k", "v1", "k", 5);
        commit("k", 5, 12);
        final TxnException.WriteConflict conflict = acquireFails(TxnException.WriteConflict.class, "k", 10, 11);
        assertEquals(12, conflict.conflictCommitTs());
        // Retried with a newer for-update ts: locks.
        acquire("k", "k", 10, 13);
        assertEquals(13, assertLocked("k", 10).forUpdateTs());
        // Idempotent; for-update ts only grows.
        acquire("k", "k", 10, 12);
        assertEquals(13, assertLocked("k", 10).forUpdateTs());
        acquire("k", "k", 10, 14);
        assertEquals(14, assertLocked("k", 10).forUpdateTs());
    }

    @Test
    void shouldRefusePessimisticPrewriteWithoutItsLock() {
        fail(TxnException.PessimisticLockNotFound.class, 10, (txn, reader) -> Prewrite.prewrite(txn, reader,
            TxnProps.pessimistic(b("k"), 10, 10, 3_000), Mutation.put(b("k"), b("v")), null, true));
        // Another transaction's lock is there instead.
        prewritePut("k", "v", "k", 8);
        fail(TxnException.PessimisticLockNotFound.class, 10, (txn, reader) -> Prewrite.prewrite(txn, reader,
            TxnProps.pessimistic(b("k"), 10, 10, 3_000), Mutation.put(b("k"), b("v")), null, true));
    }

    @Test
    void shouldRefuseOptimisticPrewriteOverOwnPessimisticLock() {
        acquire("k", "k", 10, 10);
        prewriteFails(TxnException.LockTypeNotMatch.class, Mutation.put(b("k"), b("v")), "k", 10);
    }

    @Test
    void shouldRefuseLockAfterRollbackOfTheSameTransaction() {
        prewritePut("k", "v", "k", 5);
        commit("k", 5, 8);
        rollback("k", 10);
        acquireFails(TxnException.PessimisticLockRolledBack.class, "k", 10, 10);
    }

    @Test
    void shouldRollBackOnlyItsOwnPessimisticLocks() {
        acquire("k", "k", 10, 12);
        assertFalse(runFlag(10, (txn, reader) -> PessimisticLock.rollback(txn, reader, b("k"), 11)));
        assertLocked("k", 10);
        assertFalse(runFlag(9, (txn, reader) -> PessimisticLock.rollback(txn, reader, b("k"), 20)));
        assertTrue(runFlag(10, (txn, reader) -> PessimisticLock.rollback(txn, reader, b("k"), 12)));
        assertUnlocked("k");
        // Not a rollback record: the transaction may lock again.
        acquire("k", "k", 10, 13);
        // A prewrite lock is not a pessimistic lock.
        pessimisticPrewrite("k", "v", 10, 13);
        assertFalse(runFlag(10, (txn, reader) -> PessimisticLock.rollback(txn, reader, b("k"), 20)));
        assertLocked("k", 10);
    }

    @Test
    void shouldKeepTtlAndMinCommitTsPushedOnThePessimisticLock() {
        final long start = ts(100, 0);
        run(start, (txn, reader) -> {
            PessimisticLock.acquire(txn, reader, b("k"), b("k"), start, 100, start + 1);
            return null;
        });
        run(start, (txn, reader) -> CheckTxnStatus.check(txn, reader, b("k"), ts(150, 0), ts(150, 0), false, false,
            true));
        assertEquals(ts(150, 1), assertLocked("k", start).minCommitTs());
        run(start, (txn, reader) -> TxnHeartBeat.heartBeat(txn, reader, b("k"), 5_000));
        pessimisticPrewrite("k", "v", start, start);
        final Lock lock = assertLocked("k", start);
        assertEquals(5_000, lock.ttl());
        assertEquals(ts(150, 1), lock.minCommitTs());
        commitFails(TxnException.CommitTsExpired.class, "k", start, ts(140, 0));
        commit("k", start, ts(160, 0));
    }

    @Test
    void shouldOnlyUnlockAnExpiredPessimisticPrimaryWhenResolvingPessimisticLocks() {
        final long start = ts(100, 0);
        run(start, (txn, reader) -> {
            PessimisticLock.acquire(txn, reader, b("k"), b("k"), start, 10, 0);
            return null;
        });
        final TxnStatus status = run(start, (txn, reader) ->
            CheckTxnStatus.check(txn, reader, b("k"), 0, ts(200, 0), true, false, true));
        assertEquals(TxnStatus.Kind.PESSIMISTIC_ROLLED_BACK, status.kind());
        assertUnlocked("k");
        assertEquals(null, writeAt("k", start));
    }
}
