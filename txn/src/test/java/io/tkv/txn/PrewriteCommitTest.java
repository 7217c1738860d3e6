package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tkv.storage.ColumnFamily;

import org.junit.jupiter.api.Test;

class PrewriteCommitTest extends MvccTestSupport {
    private static final String LONG_VALUE = "v".repeat(Lock.SHORT_VALUE_MAX_LENGTH + 1);

    @Test
    void shouldCommitPutLockAndDeleteIdempotently() {
        commitRound("v", 0);
        commitRound(LONG_VALUE, 100);
    }

    private void commitRound(final String value, final long base) {
        prewritePut("x", value, "x", base + 10);
        prewrite(Mutation.lock(b("y")), "x", base + 10);
        prewrite(Mutation.delete(b("z")), "x", base + 10);
        assertLocked("x", base + 10);
        assertLocked("y", base + 10);
        assertLocked("z", base + 10);
        commit("x", base + 10, base + 15);
        commit("y", base + 10, base + 15);
        commit("z", base + 10, base + 15);
        assertWritten("x", base + 10, base + 15, WriteType.PUT);
        assertWritten("y", base + 10, base + 15, WriteType.LOCK);
        assertWritten("z", base + 10, base + 15, WriteType.DELETE);
        assertUnlocked("x");
        // A retried commit finds the commit record and changes nothing.
        assertFalse(runFlag(base + 10, (txn, reader) -> Commit.commit(txn, reader, b("x"), base + 15)));
        commit("y", base + 10, base + 15);
        assertValue(value, "x", base + 15);
        assertValue(null, "x", base + 14);
        // A later delete hides the value from later readers only.
        prewrite(Mutation.delete(b("x")), "x", base + 20);
        commit("x", base + 20, base + 21);
        assertValue(null, "x", base + 25);
        assertValue(value, "x", base + 20);
    }

    @Test
    void shouldInlineShortValuesAndPutLongOnesInDefault() {
        prewritePut("short", "v", "short", 10);
        prewritePut("long", LONG_VALUE, "short", 10);
        assertBytes("v", assertLocked("short", 10).shortValue());
        assertNull(assertLocked("long", 10).shortValue());
        final byte[] inDefault = read((txn, reader) ->
            reader.snapshot().get(ColumnFamily.DEFAULT, TxnKeys.withTs(TxnKeys.encode(b("long")), 10)));
        assertEquals(LONG_VALUE, s(inDefault));
        commit("short", 10, 11);
        commit("long", 10, 11);
        assertBytes("v", writeAt("short", 11).shortValue());
        assertNull(writeAt("long", 11).shortValue());
        assertValue(LONG_VALUE, "long", 11);
    }

    @Test
    void shouldRefuseCommitWithoutPrewriteOrWithOtherStartTsOrAfterRollback() {
        commitFails(TxnException.TxnLockNotFound.class, "k", 1, 2);
        prewritePut("k", "v", "k", 5);
        commitFails(TxnException.TxnLockNotFound.class, "k", 4, 5);
        rollback("k", 5);
        // Commit of a rolled-back transaction: its lock is gone and a rollback record stands.
        commitFails(TxnException.TxnLockNotFound.class, "k", 5, 6);
        assertRolledBack("k", 5);
    }

    @Test
    void shouldReportWriteConflictAgainstANewerCommit() {
        prewritePut("k", "v1", "k", 10);
        commit("k", 10, 20);
        final TxnException.WriteConflict conflict =
            prewriteFails(TxnException.WriteConflict.class, Mutation.put(b("k"), b("v2")), "p", 15);
        assertEquals(15, conflict.startTs());
        assertEquals(10, conflict.conflictStartTs());
        assertEquals(20, conflict.conflictCommitTs());
        assertBytes("k", conflict.key());
        assertBytes("p", conflict.primary());
        // Started after the commit: no conflict.
        prewritePut("k", "v3", "k", 25);
        assertLocked("k", 25);
    }

    @Test
    void shouldReportKeyLockedByAnotherTransactionAndAcceptARetry() {
        prewritePut("k", "v1", "p", 10);
        final TxnException.KeyLocked locked =
            prewriteFails(TxnException.KeyLocked.class, Mutation.put(b("k"), b("v2")), "q", 12);
        assertBytes("k", locked.key());
        assertEquals(10, locked.lock().startTs());
        assertBytes("p", locked.lock().primary());
        // Retried prewrite of the same transaction: nothing changes.
        prewritePut("k", "v1", "p", 10);
        assertBytes("v1", assertLocked("k", 10).shortValue());
    }

    @Test
    void shouldRefuseCommitBelowMinCommitTsPushedByCheckTxnStatus() {
        final long start = ts(10, 0);
        run(start, (txn, reader) -> Prewrite.prewrite(txn, reader,
            new TxnProps(b("k"), start, 0, 100, 1, start + 1, TxnProps.CommitKind.TWO_PC, 0, false),
            Mutation.put(b("k"), b("v")), null, false));
        final TxnStatus status = run(start, (txn, reader) ->
            CheckTxnStatus.check(txn, reader, b("k"), ts(20, 0), ts(20, 0), true, false, false));
        assertEquals(TxnStatus.Kind.UNCOMMITTED, status.kind());
        assertEquals(ts(20, 1), status.lock().minCommitTs());
        assertTrue(status.minCommitTsPushed());
        final TxnException.CommitTsExpired expired =
            commitFails(TxnException.CommitTsExpired.class, "k", start, ts(15, 0));
        assertEquals(ts(20, 1), expired.minCommitTs());
        commitFails(TxnException.CommitTsExpired.class, "k", start, ts(20, 0));
        commit("k", start, ts(20, 1));
        assertValue("v", "k", ts(20, 1));
    }
}
