package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class SecondaryLocksTest extends MvccTestSupport {
    private CheckSecondaryLocks.Result check(final long startTs, final String... keys) {
        final List<byte[]> userKeys = java.util.Arrays.stream(keys).map(MvccTestSupport::b).toList();
        return run(startTs, (txn, reader) -> CheckSecondaryLocks.check(txn, reader, userKeys));
    }

    private void asyncPrewrite(final long startTs, final String... keys) {
        final TxnProps props = TxnProps.optimistic(b(keys[0]), startTs, 3_000)
            .withCommitKind(TxnProps.CommitKind.ASYNC, 0);
        final List<Mutation> mutations = java.util.Arrays.stream(keys).map(k -> Mutation.put(b(k), b("v"))).toList();
        final List<byte[]> secondaries =
            java.util.Arrays.stream(keys).skip(1).map(MvccTestSupport::b).toList();
        run(startTs, (txn, reader) -> Prewrite.prewriteAll(txn, reader, props, mutations, secondaries, null));
    }

    @Test
    void shouldReportLocksWhenEveryKeyIsPrewritten() {
        asyncPrewrite(10, "p", "s1", "s2");
        final CheckSecondaryLocks.Result result = check(10, "s1", "s2");
        assertFalse(result.rolledBack());
        assertEquals(0, result.commitTs());
        assertEquals(2, result.locks().size());
        assertTrue(result.locks().get(0).useAsyncCommit());
        assertEquals(List.of("s1", "s2"), result.keys().stream().map(MvccTestSupport::s).toList());
    }

    @Test
    void shouldRollBackAKeyWhosePrewriteNeverArrived() {
        asyncPrewrite(10, "p", "s1");
        final CheckSecondaryLocks.Result result = check(10, "s1", "s2");
        assertTrue(result.rolledBack());
        assertTrue(writeAt("s2", 10).isProtected());
        // The late prewrite fails.
        fail(TxnException.WriteConflict.class, 10, (txn, reader) -> Prewrite.prewrite(txn, reader,
            TxnProps.optimistic(b("p"), 10, 3_000).withCommitKind(TxnProps.CommitKind.ASYNC, 0),
            Mutation.put(b("s2"), b("v")), List.of(), false));
        // The resolver then rolls back the others.
        run(10, (txn, reader) -> {
            ResolveLock.resolve(txn, reader, b("p"), 0);
            ResolveLock.resolve(txn, reader, b("s1"), 0);
            return null;
        });
        assertUnlocked("p");
        assertUnlocked("s1");
        assertRolledBack("s1", 10);
    }

    @Test
    void shouldReportCommittedWhenAKeyCommitted() {
        asyncPrewrite(10, "p", "s1");
        final long commitTs = assertLocked("p", 10).minCommitTs();
        commit("s1", 10, commitTs);
        final CheckSecondaryLocks.Result result = check(10, "p", "s1");
        assertEquals(commitTs, result.commitTs());
        run(10, (txn, reader) -> {
            ResolveLock.resolve(txn, reader, b("p"), commitTs);
            ResolveLock.resolve(txn, reader, b("s1"), commitTs);
            return null;
        });
        assertValue("v", "p", commitTs);
        assertValue("v", "s1", commitTs);
    }

    @Test
    void shouldRollBackAPessimisticLockThatWasNeverPrewritten() {
        run(10, (txn, reader) -> {
            PessimisticLock.acquire(txn, reader, b("s1"), b("p"), 10, 3_000, 0);
            return null;
        });
        assertTrue(check(10, "s1").rolledBack());
        assertUnlocked("s1");
        assertTrue(writeAt("s1", 10).isProtected());
    }
}
