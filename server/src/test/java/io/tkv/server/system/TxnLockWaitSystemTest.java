package io.tkv.server.system;

import io.tkv.client.TxnKeyException;
import io.tkv.client.txn.DeadlockException;
import io.tkv.client.txn.Transaction;
import io.tkv.client.txn.TxnConfig;
import io.tkv.client.txn.TxnKv;
import io.tkv.client.txn.TxnMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pessimistic lock waiting on real stores (a PD and three stores granting waits of up to {@link #STORE_MAX_WAIT_MS}):
 * a lock request that meets another transaction's lock waits on the store and is answered right after that
 * transaction commits; a wait that runs out is answered KEY_LOCKED; two transactions locking two keys in opposite
 * orders end with one {@link DeadlockException} (rolled back) and the other committed; a waiter on a region whose
 * leader moves is answered NOT_LEADER at once (its client sends it again to the new leader), not left to time out.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TxnLockWaitSystemTest {
    private static final long WAIT_MS = TxnCluster.WAIT_MS;
    private static final long STORE_MAX_WAIT_MS = 5_000;
    private static final long WAIT_TIMEOUT_MS = 4_000;
    private static final long LOCK_TTL_MS = 3_000;

    @TempDir
    Path dir;

    @Test
    void shouldWaitForLocksDetectDeadlocksAndAnswerWaitersOnLeaderChange() throws Exception {
        try (TxnCluster cluster = TxnCluster.start(dir, "--max-wait-timeout-ms", Long.toString(STORE_MAX_WAIT_MS));
            TxnKv kv = cluster.connect("lock-wait", new TxnConfig().lockWaitTimeoutMs(WAIT_TIMEOUT_MS))) {
            waiterProceedsRightAfterTheHolderCommits(kv);
            waitThatRunsOutIsKeyLocked(kv);
            oppositeLockOrdersEndInOneDeadlockAndOneCommit(kv);
            waiterIsAnsweredWhenTheLeaderMoves(kv, cluster);
        }
    }

    private static void waiterProceedsRightAfterTheHolderCommits(final TxnKv kv) throws Exception {
        final Transaction holder = kv.client().begin(TxnMode.PESSIMISTIC);
        holder.put(b("w1"), b("holder"));
        final long startTs = kv.client().timestamp();
        final long sentNs = System.nanoTime();
        final CompletableFuture<Void> waiter = kv.rpc().pessimisticLock(List.of(b("w1")), b("w1"), startTs, startTs,
            LOCK_TTL_MS, 0, WAIT_TIMEOUT_MS);
        TimeUnit.MILLISECONDS.sleep(300);
        assertFalse(waiter.isDone(), "the request waits on the store while the lock is held");
        holder.commit();
        final Throwable outcome = outcome(waiter);
        final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNs);
        // Woken, it runs again: locked, or WRITE_CONFLICT since the holder committed after its for-update ts (TiKV).
        System.out.println("waiter woken by the commit after " + waitedMs + " ms: " + outcome);
        assertTrue(outcome == null || outcome instanceof TxnKeyException.WriteConflict, String.valueOf(outcome));
        assertTrue(waitedMs < WAIT_TIMEOUT_MS, "answered after " + waitedMs + " ms");
        kv.rpc().pessimisticRollback(List.of(b("w1")), startTs, startTs).get(WAIT_MS, TimeUnit.MILLISECONDS);
    }

    private static void waitThatRunsOutIsKeyLocked(final TxnKv kv) throws Exception {
        final Transaction holder = kv.client().begin(TxnMode.PESSIMISTIC);
        holder.put(b("w2"), b("holder"));
        final long startTs = kv.client().timestamp();
        final long shortWaitMs = 500;
        final long sentNs = System.nanoTime();
        final Throwable outcome = outcome(kv.rpc().pessimisticLock(List.of(b("w2")), b("w2"), startTs, startTs,
            LOCK_TTL_MS, 0, shortWaitMs));
        final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNs);
        assertInstanceOf(TxnKeyException.KeyLocked.class, outcome);
        assertEquals(holder.startTs(), ((TxnKeyException.KeyLocked) outcome).lock().startTs());
        assertTrue(waitedMs >= shortWaitMs - 50, "answered after " + waitedMs + " ms, before its wait ran out");
        holder.rollback();
    }

    private static void oppositeLockOrdersEndInOneDeadlockAndOneCommit(final TxnKv kv) throws Exception {
        final Transaction first = kv.client().begin(TxnMode.PESSIMISTIC);
        final Transaction second = kv.client().begin(TxnMode.PESSIMISTIC);
        first.put(b("d1"), b("first"));
        second.put(b("d2"), b("second"));
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            final Future<RuntimeException> firstOutcome = pool.submit(() -> lockAndCommit(first, "d2", "first"));
            TimeUnit.MILLISECONDS.sleep(300);
            final Future<RuntimeException> secondOutcome = pool.submit(() -> lockAndCommit(second, "d1", "second"));
            final RuntimeException a = firstOutcome.get(WAIT_MS, TimeUnit.MILLISECONDS);
            final RuntimeException c = secondOutcome.get(WAIT_MS, TimeUnit.MILLISECONDS);
            assertTrue(a == null ^ c == null, "exactly one fails: " + a + " / " + c);
            final RuntimeException failure = a != null ? a : c;
            assertInstanceOf(DeadlockException.class, failure);
            final Transaction victim = a != null ? first : second;
            final Transaction winner = a != null ? second : first;
            assertEquals(Transaction.State.ROLLED_BACK, victim.state());
            assertEquals(Transaction.State.COMMITTED, winner.state());
            assertFalse(((DeadlockException) failure).waitChain().isEmpty());
            final String value = winner == first ? "first" : "second";
            try (Transaction reader = kv.client().begin()) {
                assertArrayEquals(b(value), reader.get(b("d1")));
                assertArrayEquals(b(value), reader.get(b("d2")));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static RuntimeException lockAndCommit(final Transaction txn, final String key, final String value) {
        try {
            txn.put(b(key), b(value));
            txn.commit();
            return null;
        } catch (final RuntimeException ex) {
            return ex;
        }
    }

    private static void waiterIsAnsweredWhenTheLeaderMoves(final TxnKv kv, final TxnCluster cluster)
        throws Exception {
        final Transaction holder = kv.client().begin(TxnMode.PESSIMISTIC);
        holder.put(b("l1"), b("holder"));
        final long startTs = kv.client().timestamp();
        final long sentNs = System.nanoTime();
        final CompletableFuture<Void> waiter = kv.rpc().pessimisticLock(List.of(b("l1")), b("l1"), startTs, startTs,
            LOCK_TTL_MS, 0, WAIT_TIMEOUT_MS);
        TimeUnit.MILLISECONDS.sleep(300);
        assertFalse(waiter.isDone(), "the request waits on the store while the lock is held");
        long newLeader = 0;
        for (int attempt = 0; attempt < 20 && newLeader == 0; attempt++) {
            newLeader = cluster.transferLeaderOnward(1);
        }
        assertNotEquals(0, newLeader, "region 1's leadership moved");
        TimeUnit.MILLISECONDS.sleep(300);
        holder.commit();
        // A waiter left on the old leader would only be answered when its wait ran out, KEY_LOCKED.
        final Throwable outcome = outcome(waiter);
        final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNs);
        System.out.println("waiter across the leader change answered after " + waitedMs + " ms: " + outcome);
        assertTrue(outcome == null || outcome instanceof TxnKeyException.WriteConflict, String.valueOf(outcome));
        assertTrue(waitedMs < WAIT_TIMEOUT_MS, "answered after " + waitedMs + " ms");
        kv.rpc().pessimisticRollback(List.of(b("l1")), startTs, startTs).get(WAIT_MS, TimeUnit.MILLISECONDS);
    }

    /** @return null if the request succeeded, else its failure unwrapped. */
    private static Throwable outcome(final CompletableFuture<Void> request) throws Exception {
        try {
            request.get(WAIT_MS, TimeUnit.MILLISECONDS);
            return null;
        } catch (final ExecutionException ex) {
            Throwable cause = ex.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause;
        }
    }

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
