package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** INSERT and CHECK_NOT_EXISTS in prewrite, after TiKV's {@code check_data_constraint}. */
class InsertTest extends MvccTestSupport {
    @Test
    void shouldInsertAKeyThatNeverHadAValueOrWasDeleted() {
        prewrite(Mutation.insert(b("new"), b("v1")), "new", 10);
        assertEquals(LockType.PUT, assertLocked("new", 10).type());
        commit("new", 10, 11);
        assertValue("v1", "new", 12);

        prewrite(Mutation.delete(b("new")), "new", 20);
        commit("new", 20, 21);
        prewrite(Mutation.insert(b("new"), b("v2")), "new", 30);
        commit("new", 30, 31);
        assertValue("v2", "new", 32);
    }

    @Test
    void shouldRefuseAnInsertOverAValueAndWriteNothing() {
        prewritePut("k", "old", "k", 10);
        commit("k", 10, 11);
        final TxnException.AlreadyExist exists =
            prewriteFails(TxnException.AlreadyExist.class, Mutation.insert(b("k"), b("new")), "k", 20);
        assertArrayEquals(b("k"), exists.key());
        assertUnlocked("k");
        assertValue("old", "k", 25);
    }

    @Test
    void shouldSeeThroughLockAndRollbackRecordsToTheValueBelow() {
        prewritePut("k", "old", "k", 10);
        commit("k", 10, 11);
        prewrite(Mutation.lock(b("k")), "k", 20);
        commit("k", 20, 21);
        prewritePut("k", "abandoned", "k", 30);
        rollback("k", 30);
        prewriteFails(TxnException.AlreadyExist.class, Mutation.insert(b("k"), b("new")), "k", 40);

        // Over a delete, the same records hide nothing.
        prewrite(Mutation.delete(b("d")), "d", 10);
        commit("d", 10, 11);
        prewrite(Mutation.lock(b("d")), "d", 20);
        commit("d", 20, 21);
        prewrite(Mutation.insert(b("d"), b("v")), "d", 40);
        assertLocked("d", 40);
    }

    @Test
    void shouldReportAWriteConflictBeforeTheConstraint() {
        prewritePut("k", "newer", "k", 20);
        commit("k", 20, 21);
        // The value committed after this transaction's start is a conflict (retry), not a duplicate it could see.
        prewriteFails(TxnException.WriteConflict.class, Mutation.insert(b("k"), b("v")), "k", 15);
    }

    @Test
    void shouldCheckNotExistsWithoutLocking() {
        prewrite(Mutation.checkNotExists(b("absent")), "absent", 10);
        assertUnlocked("absent");
        prewritePut("present", "v", "present", 10);
        commit("present", 10, 11);
        prewriteFails(TxnException.AlreadyExist.class, Mutation.checkNotExists(b("present")), "present", 20);
    }

    @Test
    void shouldCheckAPessimisticInsertAgainstTheNewestValue() {
        prewritePut("k", "old", "k", 10);
        commit("k", 10, 11);
        // Locked at for-update ts 20 (after the value's commit): the key exists now, whatever the start ts saw.
        run(5, (txn, reader) -> {
            PessimisticLock.acquire(txn, reader, b("k"), b("k"), 20, 3_000, 0);
            return null;
        });
        fail(TxnException.AlreadyExist.class, 5, (txn, reader) -> Prewrite.prewrite(txn, reader,
            TxnProps.pessimistic(b("k"), 5, 20, 3_000), Mutation.insert(b("k"), b("v")), null, true));
        assertEquals(LockType.PESSIMISTIC, assertLocked("k", 5).type());

        run(6, (txn, reader) -> {
            PessimisticLock.acquire(txn, reader, b("free"), b("free"), 20, 3_000, 0);
            return null;
        });
        run(6, (txn, reader) -> Prewrite.prewrite(txn, reader, TxnProps.pessimistic(b("free"), 6, 20, 3_000),
            Mutation.insert(b("free"), b("v")), null, true));
        assertEquals(LockType.PUT, assertLocked("free", 6).type());
    }
}
