package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tkv.storage.ColumnFamily;

import org.junit.jupiter.api.Test;

class RollbackTest extends MvccTestSupport {
    @Test
    void shouldRefuseAPrewriteThatArrivesAfterItsRollback() {
        // Rollback before prewrite: the record stands in for the missing lock.
        rollback("k", 5);
        assertRolledBack("k", 5);
        final TxnException.WriteConflict conflict =
            prewriteFails(TxnException.WriteConflict.class, Mutation.put(b("k"), b("v")), "k", 5);
        assertEquals(5, conflict.conflictCommitTs());
        assertUnlocked("k");
        // Idempotent.
        rollback("k", 5);
        assertRolledBack("k", 5);
    }

    @Test
    void shouldRemoveLockAndLongValueOnRollback() {
        prewritePut("k", "v".repeat(300), "k", 5);
        rollback("k", 5);
        assertUnlocked("k");
        assertRolledBack("k", 5);
        assertNull(read((txn, reader) ->
            reader.snapshot().get(ColumnFamily.DEFAULT, TxnKeys.withTs(TxnKeys.encode(b("k")), 5))));
        assertValue(null, "k", 10);
    }

    @Test
    void shouldRefuseToRollBackACommittedTransaction() {
        prewritePut("k", "v", "k", 5);
        commit("k", 5, 6);
        final TxnException.Committed committed = fail(TxnException.Committed.class, 5,
            (txn, reader) -> {
                Rollback.rollback(txn, reader, b("k"));
                return null;
            });
        assertEquals(6, committed.commitTs());
        assertValue("v", "k", 6);
    }

    @Test
    void shouldCollapseUnprotectedRollbacks() {
        rollback("k", 5);
        rollback("k", 6);
        // The older unprotected rollback was deleted when the newer one was written.
        assertNull(writeAt("k", 5));
        assertEquals(WriteType.ROLLBACK, writeAt("k", 6).type());
        // Protected ones stay.
        run(7, (txn, reader) -> {
            Rollback.cleanup(txn, reader, b("k"), 0, true);
            return null;
        });
        run(8, (txn, reader) -> {
            Rollback.cleanup(txn, reader, b("k"), 0, false);
            return null;
        });
        assertTrue(writeAt("k", 7).isProtected());
        assertEquals(WriteType.ROLLBACK, writeAt("k", 8).type());
    }

    @Test
    void shouldLeaveALiveLockToCleanupWithCurrentTs() {
        final long start = ts(100, 0);
        run(start, (txn, reader) -> Prewrite.prewrite(txn, reader, TxnProps.optimistic(b("k"), start, 50),
            Mutation.put(b("k"), b("v")), null, false));
        final TxnException.KeyLocked locked = fail(TxnException.KeyLocked.class, start, (txn, reader) -> {
            Rollback.cleanup(txn, reader, b("k"), ts(140, 0), true);
            return null;
        });
        assertEquals(50, locked.lock().ttl());
        assertLocked("k", start);
        run(start, (txn, reader) -> {
            Rollback.cleanup(txn, reader, b("k"), ts(151, 0), true);
            return null;
        });
        assertUnlocked("k");
        assertRolledBack("k", start);
    }

    @Test
    void shouldMarkOverlappedRollbackWhenACommitSitsAtTheRolledBackStartTs() {
        // Txn 10 commits at 20 (a computed commit ts, as async commit may choose); txn 20 is then rolled back.
        prewritePut("k", "v", "k", 10);
        commit("k", 10, 20);
        run(20, (txn, reader) -> {
            Rollback.cleanup(txn, reader, b("k"), 0, true);
            return null;
        });
        final Write write = writeAt("k", 20);
        assertEquals(WriteType.PUT, write.type());
        assertEquals(10, write.startTs());
        assertTrue(write.hasOverlappedRollback());
        assertRolledBack("k", 20);
        prewriteFails(TxnException.WriteConflict.class, Mutation.put(b("k"), b("late")), "k", 20);
        assertValue("v", "k", 25);
    }

    @Test
    void shouldRecordARollbackOnAnOlderLockSoItsLaterCommitCarriesIt() {
        prewritePut("k", "v", "k", 10);
        // Txn 15 is rolled back on k while txn 10's lock is there.
        run(15, (txn, reader) -> {
            Rollback.cleanup(txn, reader, b("k"), 0, true);
            return null;
        });
        assertEquals(15, assertLocked("k", 10).rollbackTs()[0]);
        commit("k", 10, 15);
        assertTrue(writeAt("k", 15).hasOverlappedRollback());
        assertRolledBack("k", 15);
        assertFalse(read((txn, reader) -> reader.getTxnCommitRecord(TxnKeys.encode(b("k")), 10)).isRolledBack());
    }
}
