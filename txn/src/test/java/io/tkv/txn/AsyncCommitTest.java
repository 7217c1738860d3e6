package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tkv.storage.EngineSnapshot;

import java.util.List;

import org.junit.jupiter.api.Test;

class AsyncCommitTest extends MvccTestSupport {
    private static TxnProps asyncProps(final String primary, final long startTs, final long maxCommitTs) {
        return TxnProps.optimistic(b(primary), startTs, 3_000).withCommitKind(TxnProps.CommitKind.ASYNC, maxCommitTs);
    }

    private static TxnProps onePcProps(final String primary, final long startTs, final long maxCommitTs) {
        return TxnProps.optimistic(b(primary), startTs, 3_000).withCommitKind(TxnProps.CommitKind.ONE_PC, maxCommitTs);
    }

    @Test
    void shouldComputeMinCommitTsAboveAConcurrentReadersTs() {
        // A reader at 40 registered its read (max ts) before the prewrite.
        assertValue(null, "k1", 40);
        final Prewrite.Outcome outcome = run(10, (txn, reader) -> Prewrite.prewriteAll(txn, reader,
            asyncProps("k1", 10, 0), List.of(Mutation.put(b("k1"), b("v1")), Mutation.put(b("k2"), b("v2"))),
            List.of(b("k2")), null));
        assertEquals(41, outcome.minCommitTs());
        final Lock primary = assertLocked("k1", 10);
        assertTrue(primary.useAsyncCommit());
        assertEquals(1, primary.secondaries().size());
        assertEquals(41, primary.minCommitTs());
        assertTrue(assertLocked("k2", 10).useAsyncCommit());
        // The reader at 40 is not blocked: the transaction commits after it.
        assertValue(null, "k1", 40);
        // A reader at 41 is.
        fail(TxnException.KeyLocked.class, 0, (txn, reader) -> new TxnReader(reader, cm).get(b("k1"), 41));
        commitFails(TxnException.CommitTsExpired.class, "k1", 10, 40);
        commit("k1", 10, 41);
        commit("k2", 10, 41);
        assertValue("v2", "k2", 41);
        assertValue(null, "k2", 40);
        assertEquals(0, cm.memoryLockCount());
    }

    @Test
    void shouldBlockAReaderThroughTheMemoryLockUntilThePrewriteIsApplied() {
        try (EngineSnapshot snapshot = new EngineSnapshot(engine); MvccReader reader = new MvccReader(snapshot)) {
            final MvccTxn txn = new MvccTxn(10, cm);
            final Prewrite.Result result = Prewrite.prewrite(txn, reader, asyncProps("k", 10, 0),
                Mutation.put(b("k"), b("v")), List.of(), false);
            assertEquals(1, cm.memoryLockCount());
            // Not yet applied: a reader above the min commit ts still meets the lock, in memory.
            fail(TxnException.KeyLocked.class, 0, (t, r) -> {
                TxnReader.registerRead(cm, b("k"), result.minCommitTs());
                return null;
            });
            // A reader below it passes.
            TxnReader.registerRead(cm, b("k"), result.minCommitTs() - 1);
            txn.applyTo(engine);
            assertEquals(0, cm.memoryLockCount());
        }
        assertLocked("k", 10);
    }

    @Test
    void shouldFallBackTo2pcWhenMinCommitTsPassesMaxCommitTs() {
        cm.updateMaxTs(60);
        final Prewrite.Outcome outcome = run(10, (txn, reader) -> Prewrite.prewriteAll(txn, reader,
            asyncProps("k1", 10, 50), List.of(Mutation.put(b("k1"), b("v1"))), List.of(), null));
        assertEquals(0, outcome.minCommitTs());
        final Lock lock = assertLocked("k1", 10);
        assertFalse(lock.useAsyncCommit());
        assertEquals(0, lock.minCommitTs());
    }

    @Test
    void shouldReturnTheSameMinCommitTsOnARetriedAsyncPrewrite() {
        final Prewrite.Result first = run(10, (txn, reader) -> Prewrite.prewrite(txn, reader, asyncProps("k", 10, 0),
            Mutation.put(b("k"), b("v")), List.of(), false));
        cm.updateMaxTs(100);
        final Prewrite.Result retry = run(10, (txn, reader) -> Prewrite.prewrite(txn, reader, asyncProps("k", 10, 0),
            Mutation.put(b("k"), b("v")), List.of(), false));
        assertEquals(first.minCommitTs(), retry.minCommitTs());
    }

    @Test
    void shouldCommitInOnePhase() {
        cm.updateMaxTs(30);
        final Prewrite.Outcome outcome = run(10, (txn, reader) -> Prewrite.prewriteAll(txn, reader,
            onePcProps("a", 10, 0), List.of(Mutation.put(b("a"), b("1")), Mutation.delete(b("b"))), null, null));
        assertEquals(31, outcome.onePcCommitTs());
        assertUnlocked("a");
        assertUnlocked("b");
        assertWritten("a", 10, 31, WriteType.PUT);
        assertWritten("b", 10, 31, WriteType.DELETE);
        assertValue("1", "a", 31);
        assertValue(null, "a", 30);
    }

    @Test
    void shouldRefuseOnePcOnConflictsLikeAnyPrewrite() {
        prewritePut("a", "old", "a", 5);
        commit("a", 5, 20);
        final TxnException.WriteConflict conflict = fail(TxnException.WriteConflict.class, 10,
            (txn, reader) -> Prewrite.prewriteAll(txn, reader, onePcProps("a", 10, 0),
                List.of(Mutation.put(b("a"), b("1"))), null, null));
        assertEquals(20, conflict.conflictCommitTs());
        prewritePut("b", "x", "b", 25);
        fail(TxnException.KeyLocked.class, 30, (txn, reader) -> Prewrite.prewriteAll(txn, reader,
            onePcProps("a", 30, 0), List.of(Mutation.put(b("a"), b("1")), Mutation.put(b("b"), b("2"))), null, null));
        assertEquals(0, cm.memoryLockCount());
        assertUnlocked("a");
    }

    @Test
    void shouldFallBackFromOnePcToLocksWhenTooLate() {
        cm.updateMaxTs(100);
        final Prewrite.Outcome outcome = run(10, (txn, reader) -> Prewrite.prewriteAll(txn, reader,
            onePcProps("a", 10, 50), List.of(Mutation.put(b("a"), b("1")), Mutation.put(b("b"), b("2"))), null, null));
        assertEquals(0, outcome.onePcCommitTs());
        assertLocked("a", 10);
        assertLocked("b", 10);
    }

    @Test
    void shouldCommitOnePcOverPessimisticLocksAndRemoveThem() {
        run(10, (txn, reader) -> {
            PessimisticLock.acquire(txn, reader, b("a"), b("a"), 12, 3_000, 0);
            return null;
        });
        final Prewrite.Outcome outcome = run(10, (txn, reader) -> Prewrite.prewriteAll(txn, reader,
            TxnProps.pessimistic(b("a"), 10, 12, 3_000).withCommitKind(TxnProps.CommitKind.ONE_PC, 0),
            List.of(Mutation.put(b("a"), b("1"))), null, new boolean[] {true}));
        assertTrue(outcome.onePcCommitTs() > 12);
        assertUnlocked("a");
        assertValue("1", "a", outcome.onePcCommitTs());
    }

    /** Resends a prewrite of every key in {@code keys} for the transaction at 10 and checks it staged nothing. */
    private Prewrite.Outcome resend(
        final TxnProps props, final List<Mutation> mutations, final List<byte[]> secondaries) {
        return run(10, (txn, reader) -> {
            final Prewrite.Outcome outcome = Prewrite.prewriteAll(txn, reader, props, mutations, secondaries, null);
            assertTrue(txn.isEmpty(), "a resent prewrite of a committed transaction writes nothing");
            return outcome;
        });
    }

    @Test
    void shouldAnswerAResentOnePcPrewriteWithItsCommitTs() {
        cm.updateMaxTs(30);
        final List<Mutation> mutations = List.of(Mutation.put(b("a"), b("1")), Mutation.put(b("b"), b("2")));
        assertEquals(31, run(10, (txn, reader) -> Prewrite.prewriteAll(txn, reader, onePcProps("a", 10, 0), mutations,
            null, null)).onePcCommitTs());
        // The answer was lost; the client resends after the store moved on. TiKV: check_committed_record_on_err.
        cm.updateMaxTs(90);
        final Prewrite.Outcome resent = resend(onePcProps("a", 10, 0), mutations, null);
        assertEquals(31, resent.onePcCommitTs());
        assertEquals(31, resent.minCommitTs());
        assertUnlocked("a");
        assertWritten("b", 10, 31, WriteType.PUT);
    }

    @Test
    void shouldAnswerAResentOnePcPrewriteAsCommittedEvenWhenANewerTxnLocksItsKey() {
        cm.updateMaxTs(30);
        final List<Mutation> mutations = List.of(Mutation.put(b("a"), b("1")));
        run(10, (txn, reader) -> Prewrite.prewriteAll(txn, reader, onePcProps("a", 10, 0), mutations, null, null));
        prewritePut("a", "newer", "a", 40);
        assertEquals(31, resend(onePcProps("a", 10, 0), mutations, null).onePcCommitTs());
        assertLocked("a", 40);
    }

    @Test
    void shouldAnswerAResentAsyncPrewriteOfAResolvedTxnWithItsCommitTs() {
        final List<Mutation> mutations = List.of(Mutation.put(b("k1"), b("v1")), Mutation.put(b("k2"), b("v2")));
        final long minCommitTs = run(10, (txn, reader) -> Prewrite.prewriteAll(txn, reader, asyncProps("k1", 10, 0),
            mutations, List.of(b("k2")), null)).minCommitTs();
        // A reader resolved the transaction (every key locked: committed at the min commit ts); then a newer write.
        commit("k1", 10, minCommitTs);
        commit("k2", 10, minCommitTs);
        prewritePut("k2", "newer", "k2", minCommitTs + 5);
        commit("k2", minCommitTs + 5, minCommitTs + 6);
        assertEquals(minCommitTs, resend(asyncProps("k1", 10, 0), mutations, List.of(b("k2"))).minCommitTs());
        assertValue("newer", "k2", minCommitTs + 6);
    }

    @Test
    void shouldAnswerAResent2pcPrewriteOfACommittedTxnWithoutALock() {
        prewritePut("k", "v", "k", 10);
        commit("k", 10, 20);
        final Prewrite.Outcome resent = resend(props("k", 10), List.of(Mutation.put(b("k"), b("v"))), null);
        assertEquals(0, resent.minCommitTs());
        assertEquals(0, resent.onePcCommitTs());
        assertUnlocked("k");
    }

    @Test
    void shouldStillRefuseAResentPrewriteOfARolledBackTxn() {
        prewritePut("k", "v", "k", 10);
        rollback("k", 10);
        fail(TxnException.WriteConflict.class, 10, (txn, reader) -> Prewrite.prewriteAll(txn, reader,
            onePcProps("k", 10, 0), List.of(Mutation.put(b("k"), b("v"))), null, null));
        assertRolledBack("k", 10);
    }
}
