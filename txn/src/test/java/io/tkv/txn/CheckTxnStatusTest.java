package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CheckTxnStatusTest extends MvccTestSupport {
    private static final long START = ts(1_000, 0);
    private static final long TTL_MS = 100;

    private void prewritePrimary(final long minCommitTs) {
        run(START, (txn, reader) -> Prewrite.prewrite(txn, reader,
            new TxnProps(b("pk"), START, 0, TTL_MS, 2, minCommitTs, TxnProps.CommitKind.TWO_PC, 0, false),
            Mutation.put(b("pk"), b("v")), null, false));
    }

    private TxnStatus check(final long callerStartTs, final long currentTs, final boolean rollbackIfNotExist) {
        return run(START, (txn, reader) ->
            CheckTxnStatus.check(txn, reader, b("pk"), callerStartTs, currentTs, rollbackIfNotExist, false, false));
    }

    @Test
    void shouldRollBackAnExpiredPrimary() {
        prewritePrimary(0);
        final TxnStatus status = check(ts(1_200, 0), ts(1_200, 0), false);
        assertEquals(TxnStatus.Kind.TTL_EXPIRED, status.kind());
        assertUnlocked("pk");
        assertRolledBack("pk", START);
        assertEquals(TxnStatus.Kind.ROLLED_BACK, check(ts(1_300, 0), ts(1_300, 0), false).kind());
        commitFails(TxnException.TxnLockNotFound.class, "pk", START, ts(1_301, 0));
    }

    @Test
    void shouldReportAnAliveLockWithoutPushingALockThatHasNoMinCommitTs() {
        prewritePrimary(0);
        final TxnStatus status = check(ts(1_050, 0), ts(1_050, 0), false);
        assertEquals(TxnStatus.Kind.UNCOMMITTED, status.kind());
        assertEquals(TTL_MS, status.lock().ttl());
        assertEquals(0, status.lock().minCommitTs());
        assertFalse(status.minCommitTsPushed());
        assertEquals(0, assertLocked("pk", START).minCommitTs());
        assertEquals(ts(1_050, 0), cm.maxTs());
    }

    @Test
    void shouldPushMinCommitTsForAReaderAboveIt() {
        prewritePrimary(START + 1);
        final TxnStatus status = check(ts(1_050, 7), ts(1_040, 0), false);
        assertEquals(TxnStatus.Kind.UNCOMMITTED, status.kind());
        assertTrue(status.minCommitTsPushed());
        assertEquals(ts(1_050, 8), assertLocked("pk", START).minCommitTs());
        // The reader now passes the lock instead of waiting for it.
        assertValue(null, "pk", ts(1_050, 7));
        // A reader below the min commit ts does not push it again, and is told it may pass.
        final TxnStatus again = check(ts(1_010, 0), ts(1_040, 0), false);
        assertTrue(again.minCommitTsPushed());
        assertEquals(ts(1_050, 8), again.lock().minCommitTs());
    }

    @Test
    void shouldReportCommittedAndRolledBackAndNotFound() {
        prewritePrimary(0);
        commit("pk", START, START + 5);
        final TxnStatus committed = check(0, ts(2_000, 0), false);
        assertEquals(TxnStatus.Kind.COMMITTED, committed.kind());
        assertEquals(START + 5, committed.commitTs());

        final long other = ts(3_000, 0);
        fail(TxnException.TxnNotFound.class, other,
            (txn, reader) -> CheckTxnStatus.check(txn, reader, b("pk2"), 0, ts(3_001, 0), false, false, false));
        final TxnStatus written = run(other,
            (txn, reader) -> CheckTxnStatus.check(txn, reader, b("pk2"), 0, ts(3_001, 0), true, false, false));
        assertEquals(TxnStatus.Kind.LOCK_NOT_EXIST, written.kind());
        assertTrue(writeAt("pk2", other).isProtected());
        // The prewrite that was still on its way fails.
        prewriteFails(TxnException.WriteConflict.class, Mutation.put(b("pk2"), b("v")), "pk2", other);
    }

    @Test
    void shouldNeverRollBackAnAsyncCommitPrimaryUnlessForced() {
        run(START, (txn, reader) -> Prewrite.prewrite(txn, reader,
            TxnProps.optimistic(b("pk"), START, TTL_MS).withCommitKind(TxnProps.CommitKind.ASYNC, 0),
            Mutation.put(b("pk"), b("v")), java.util.List.of(b("s")), false));
        final TxnStatus status = check(0, ts(5_000, 0), false);
        assertEquals(TxnStatus.Kind.UNCOMMITTED, status.kind());
        assertTrue(status.lock().useAsyncCommit());
        assertLocked("pk", START);
        final TxnStatus forced = run(START, (txn, reader) ->
            CheckTxnStatus.check(txn, reader, b("pk"), 0, ts(5_000, 0), false, true, false));
        assertEquals(TxnStatus.Kind.TTL_EXPIRED, forced.kind());
        assertUnlocked("pk");
    }

    @Test
    void shouldRaiseTtlWithHeartBeatOnly() {
        prewritePrimary(0);
        assertEquals(500, (long)run(START, (txn, reader) -> TxnHeartBeat.heartBeat(txn, reader, b("pk"), 500)));
        assertEquals(500, (long)run(START, (txn, reader) -> TxnHeartBeat.heartBeat(txn, reader, b("pk"), 200)));
        assertEquals(TxnStatus.Kind.UNCOMMITTED, check(0, ts(1_400, 0), false).kind());
        fail(TxnException.TxnNotFound.class, START + 1,
            (txn, reader) -> TxnHeartBeat.heartBeat(txn, reader, b("pk"), 500));
    }
}
