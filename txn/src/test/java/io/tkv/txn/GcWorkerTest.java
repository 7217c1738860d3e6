package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tkv.storage.EngineWriteBatch;
import io.tkv.txn.gc.GcWorker;
import io.tkv.txn.sched.SnapshotSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

/**
 * The GC driver over a region's range on a real RocksDB: locks at or below the safe point resolved first, then
 * bounded batches of deletes, each proposed (here: applied by the test, as Raft would) before the next is computed.
 */
class GcWorkerTest extends MvccTestSupport {
    private static final String LONG = "l".repeat(Lock.SHORT_VALUE_MAX_LENGTH + 1);

    private final List<String> events = new ArrayList<>();
    private final List<List<MvccReader.KeyLock>> resolved = new ArrayList<>();
    private final List<CompletableFuture<Void>> proposals = new ArrayList<>();
    private final List<byte[]> batches = new ArrayList<>();

    /** Resolves as the store's transaction path would: the primary's outcome, then commit or roll back. */
    private CompletableFuture<Void> resolve(final List<MvccReader.KeyLock> locks, final long safePoint) {
        events.add("resolve " + locks.size());
        resolved.add(locks);
        for (final MvccReader.KeyLock keyLock : locks) {
            final Lock lock = keyLock.lock();
            assertTrue(lock.startTs() <= safePoint);
            final TxnCommitRecord primary = read((txn, reader) ->
                reader.getTxnCommitRecord(TxnKeys.encode(lock.primary()), lock.startTs()));
            final long commitTs = primary.isCommitted() ? primary.record().commitTs() : 0;
            run(lock.startTs(), (txn, reader) -> {
                ResolveLock.resolve(txn, reader, TxnKeys.decode(keyLock.key()), commitTs);
                return null;
            });
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Proposes: the future completes when the test applies the batch, as Raft would. */
    private CompletableFuture<Void> propose(final byte[] writeBatch) {
        events.add("propose");
        batches.add(writeBatch);
        final CompletableFuture<Void> applied = new CompletableFuture<>();
        proposals.add(applied);
        return applied;
    }

    private void applyLastProposal() {
        try (EngineWriteBatch batch = new EngineWriteBatch(engine)) {
            for (final Modify modify : WriteBatchCodec.decode(batches.get(batches.size() - 1))) {
                assertTrue(modify.isDelete(), "GC only deletes: " + modify);
                batch.delete(modify.family(), modify.key());
            }
            batch.write();
        }
        proposals.get(proposals.size() - 1).complete(null);
    }

    private GcWorker worker(final GcWorker.Config config) {
        return new GcWorker(SnapshotSource.ofEngine(engine), cm, this::resolve, this::propose, config);
    }

    /** Runs the worker to its end, applying each proposal once the worker waits for it. */
    private void runToEnd(final GcWorker worker) {
        for (int i = 0; i < 10_000 && worker.isRunning(); i++) {
            if (worker.doWork() == 0) {
                assertEquals(GcWorker.Phase.PROPOSING, worker.phase());
                applyLastProposal();
            }
        }
        assertFalse(worker.isRunning());
    }

    void put(final String key, final String value, final long startTs, final long commitTs) {
        prewritePut(key, value, key, startTs);
        commit(key, startTs, commitTs);
    }

    @Test
    void shouldResolveLocksBelowTheSafePointBeforeCollecting() {
        put("a", "a1", 1, 2);
        put("b", "b1", 1, 2);
        put("c", "c1", 1, 2);
        // Transaction 5 committed its primary "a" and crashed before committing "b".
        prewritePut("a", "a5", "a", 5);
        prewritePut("b", LONG, "a", 5);
        commit("a", 5, 6);
        // Transaction 7 left its primary "c" locked and never committed.
        prewritePut("c", "c7", "c", 7);
        // Transaction 40 is above the safe point: not GC's business.
        prewritePut("d", "d40", "d", 40);

        final GcWorker worker = worker(GcWorker.Config.DEFAULT);
        worker.start(TxnKeys.encode(b("a")), TxnKeys.encode(b("e")), 20);
        runToEnd(worker);
        assertEquals(GcWorker.Phase.DONE, worker.phase());

        assertEquals("resolve 2", events.get(0));
        assertEquals(List.of("resolve 2", "propose"), events);
        assertEquals(2, worker.locksResolved());
        assertUnlocked("b");
        assertUnlocked("c");
        assertLocked("d", 40);
        // A reader at the safe point sees the resolved outcome, and the old versions are gone.
        assertValue("a5", "a", 20);
        assertValue(LONG, "b", 20);
        assertValue("c1", "c", 20);
        assertNull(writeAt("a", 2));
        assertNull(writeAt("b", 2));
        assertWritten("c", 1, 2, WriteType.PUT);
        assertNull(writeAt("c", 7));
        assertEquals(3, worker.keysScanned());
        // a@2, b@2 and c's rollback at 7.
        assertEquals(3, worker.versionsDeleted());
    }

    @Test
    void shouldHandLocksToTheResolverInBatches() {
        for (int i = 0; i < 5; i++) {
            prewritePut("k" + i, "v", "k" + i, 3);
        }
        final GcWorker worker = worker(new GcWorker.Config(2, 10, 1024));
        worker.start(new byte[0], new byte[0], 10);
        runToEnd(worker);
        assertEquals(GcWorker.Phase.DONE, worker.phase());
        assertEquals(List.of(2, 2, 1), resolved.stream().map(List::size).toList());
        for (int i = 0; i < 5; i++) {
            assertUnlocked("k" + i);
        }
    }

    @Test
    void shouldWaitForEachBatchToApplyAndResumeWhereItStopped() {
        for (int k = 0; k < 5; k++) {
            for (int v = 0; v < 3; v++) {
                put("k" + k, LONG + v, 10 * v + 1, 10 * v + 2);
            }
        }
        final GcWorker worker = worker(new GcWorker.Config(16, 2, 1 << 20));
        worker.start(new byte[0], new byte[0], 100);
        assertEquals(1, worker.doWork());
        assertEquals(GcWorker.Phase.COLLECT, worker.phase());
        assertEquals(1, worker.doWork());
        assertEquals(GcWorker.Phase.PROPOSING, worker.phase());
        // Not applied yet: the worker waits, and computes nothing new.
        assertEquals(0, worker.doWork());
        assertEquals(0, worker.doWork());
        assertEquals(1, batches.size());
        applyLastProposal();
        assertEquals(1, worker.doWork());
        assertEquals(GcWorker.Phase.COLLECT, worker.phase());
        assertEquals(TxnKeys.encode(b("k2")).length, worker.resumeKey().length);
        runToEnd(worker);
        assertEquals(GcWorker.Phase.DONE, worker.phase());
        // Two keys a batch: three batches.
        assertEquals(3, batches.size());
        assertEquals(10, worker.versionsDeleted());
        for (int k = 0; k < 5; k++) {
            assertValue(LONG + 2, "k" + k, 100);
            assertNull(writeAt("k" + k, 2));
            assertNull(writeAt("k" + k, 12));
        }
    }

    @Test
    void shouldStopOnAFailedResolutionWithoutCollecting() {
        put("a", "a1", 1, 2);
        put("a", "a2", 3, 4);
        prewritePut("a", "a5", "a", 5);
        final IllegalStateException alive = new IllegalStateException("transaction 5 is still alive");
        final GcWorker worker = new GcWorker(SnapshotSource.ofEngine(engine), cm,
            (locks, safePoint) -> CompletableFuture.failedFuture(alive), this::propose, GcWorker.Config.DEFAULT);
        worker.start(new byte[0], new byte[0], 10);
        for (int i = 0; i < 10; i++) {
            worker.doWork();
        }
        assertEquals(GcWorker.Phase.FAILED, worker.phase());
        assertSame(alive, worker.failure());
        assertTrue(batches.isEmpty());
        assertWritten("a", 1, 2, WriteType.PUT);
    }

    @Test
    void shouldStopOnAFailedProposalAndResumeLater() {
        for (int k = 0; k < 4; k++) {
            put("k" + k, "old", 1, 2);
            put("k" + k, "new", 3, 4);
        }
        final GcWorker worker = worker(new GcWorker.Config(16, 2, 1 << 20));
        worker.start(new byte[0], new byte[0], 10);
        while (worker.phase() != GcWorker.Phase.PROPOSING) {
            worker.doWork();
        }
        applyLastProposal();
        worker.doWork();
        while (worker.phase() != GcWorker.Phase.PROPOSING) {
            worker.doWork();
        }
        proposals.get(1).completeExceptionally(new IllegalStateException("not leader"));
        worker.doWork();
        assertEquals(GcWorker.Phase.FAILED, worker.phase());
        final byte[] resume = worker.resumeKey();
        assertEquals(TxnKeys.encode(b("k2")).length, resume.length);

        worker.start(resume, new byte[0], 10);
        runToEnd(worker);
        for (int k = 0; k < 4; k++) {
            assertNull(writeAt("k" + k, 2));
            assertValue("new", "k" + k, 10);
        }
        assertThrows(IllegalArgumentException.class, () -> worker.start(new byte[0], new byte[0], 0));
    }

    @Test
    void shouldHandTheMemoryLocksOfUnappliedPrewritesToTheResolverToo() {
        prewritePut("a", "a5", "a", 5);
        final ConcurrencyManager.KeyGuard guard =
            cm.lockKey(TxnKeys.encode(b("b")), new Lock(LockType.PUT, b("a"), 5, 3_000, 0, 2, 0), 0);
        final List<String> handed = new ArrayList<>();
        final GcWorker worker = new GcWorker(SnapshotSource.ofEngine(engine), cm, (locks, safePoint) -> {
            locks.forEach(lock -> handed.add(s(TxnKeys.decode(lock.key())) + "@" + lock.lock().startTs()));
            return CompletableFuture.completedFuture(null);
        }, this::propose, GcWorker.Config.DEFAULT);
        worker.start(new byte[0], new byte[0], 10);
        runToEnd(worker);
        guard.release();
        assertEquals(List.of("a@5", "b@5"), handed);
    }

    @Test
    void shouldRaiseMaxTsToTheSafePointAndLeaveKeysOutsideTheRange() {
        put("a", "1", 1, 2);
        put("a", "2", 3, 4);
        put("m", "1", 1, 2);
        put("m", "2", 3, 4);
        final GcWorker worker = worker(GcWorker.Config.DEFAULT);
        worker.start(TxnKeys.encode(b("b")), TxnKeys.encode(b("z")), 50);
        runToEnd(worker);
        assertTrue(cm.maxTs() >= 50);
        assertWritten("a", 1, 2, WriteType.PUT);
        assertNull(writeAt("m", 2));
    }
}
