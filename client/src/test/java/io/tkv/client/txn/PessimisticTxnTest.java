package io.tkv.client.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tkv.client.txn.LocalTxnTransport.Kind;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PessimisticTxnTest extends TxnTestSupport {
    @Test
    void shouldLockEachKeyWhenItIsWritten() {
        final TxnKvClient client = client(fastConfig());
        try (Transaction txn = client.begin(TxnMode.PESSIMISTIC)) {
            txn.put(b("a"), b("1"));
            txn.delete(b("q"));
            final List<LockInfo> locks = locks();
            assertEquals(2, locks.size());
            for (final LockInfo lock : locks) {
                assertEquals(LockType.PESSIMISTIC, lock.type());
                assertEquals(txn.startTs(), lock.startTs());
                assertEquals("\"a\"", Keys.show(lock.primary()));
            }
            // Pessimistic locks do not block readers.
            assertNull(read(client, "a"));
        }
        assertNoLocks();
    }

    @Test
    void shouldMakeAConflictingWriterWaitAndFailWithKeyLocked() {
        final TxnKvClient holder = client(fastConfig());
        final TxnKvClient waiter = client(fastConfig().lockWaitTimeoutMs(300));
        try (Transaction first = holder.begin(TxnMode.PESSIMISTIC);
            Transaction second = waiter.begin(TxnMode.PESSIMISTIC)) {
            first.put(b("k"), b("first"));
            final long checks = transport.count(Kind.CHECK_TXN_STATUS);
            final KeyLockedException locked = assertThrows(KeyLockedException.class, () -> second.put(b("k"), b("2")));
            assertEquals(first.startTs(), locked.lock().startTs());
            assertTrue(transport.count(Kind.CHECK_TXN_STATUS) > checks, "the waiter checked the holder's status");
            second.rollback();
            first.commit();
        }
        assertEquals("first", read(holder, "k"));
        assertNoLocks();
    }

    @Test
    void shouldLetAWaitingWriterLockOnceTheHolderCommitsAndReadItsValue() throws Exception {
        final TxnKvClient holder = client(fastConfig());
        final TxnKvClient waiter = client(fastConfig());
        putCommitted(holder, "k", "0");
        final Transaction first = holder.begin(TxnMode.PESSIMISTIC);
        assertEquals("0", s(first.getForUpdate(b("k"))));
        first.put(b("k"), b("1"));

        final Transaction second = waiter.begin(TxnMode.PESSIMISTIC);
        final long checks = transport.count(Kind.CHECK_TXN_STATUS);
        final CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
            final String value = s(second.getForUpdate(b("k")));
            second.put(b("k"), b(value + "+2"));
            second.commit();
            return value;
        });
        await("the second txn waiting", 5_000, () -> transport.count(Kind.CHECK_TXN_STATUS) > checks);
        first.commit();
        // Locked after the first committed: it reads the latest value, not its snapshot's.
        assertEquals("1", seen.get());
        assertEquals("1+2", read(holder, "k"));
        assertNoLocks();
    }

    @Test
    void shouldNotLoseUpdatesOfConcurrentIncrements() throws Exception {
        final TxnKvClient client = client(fastConfig());
        putCommitted(client, "counter", "0");
        final int threads = 3;
        final int increments = 15;
        final CompletableFuture<?>[] workers = new CompletableFuture<?>[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < increments; i++) {
                    try (Transaction txn = client.begin(TxnMode.PESSIMISTIC)) {
                        final int value = Integer.parseInt(s(txn.getForUpdate(b("counter"))));
                        txn.put(b("counter"), b(Integer.toString(value + 1)));
                        txn.commit();
                    }
                }
            });
        }
        CompletableFuture.allOf(workers).get();
        assertEquals(Integer.toString(threads * increments), read(client, "counter"));
    }

    @Test
    void shouldRollBackAnExpiredPessimisticLockOfADeadTxn() {
        final TxnKvClient dead = client(fastConfig().lockTtlMs(200).heartbeatIntervalMs(0));
        final TxnKvClient live = client(fastConfig());
        final Transaction abandoned = dead.begin(TxnMode.PESSIMISTIC);
        abandoned.put(b("k"), b("never"));
        // The coordinator vanishes without rolling back; its lock expires and the next locker removes it.
        try (Transaction txn = live.begin(TxnMode.PESSIMISTIC)) {
            txn.put(b("k"), b("live"));
            txn.commit();
        }
        assertEquals("live", read(live, "k"));
        assertNoLocks();
    }

    @Test
    void shouldCommitAPessimisticTxnAcrossRegionsInEveryProtocol() {
        for (final TxnConfig config : List.of(fastConfig(), fastConfig().asyncCommit(false).onePc(false))) {
            final TxnKvClient client = client(config);
            try (Transaction txn = client.begin(TxnMode.PESSIMISTIC)) {
                txn.put(b("a"), b("x"));
                txn.getForUpdate(b("i"));
                txn.put(b("q"), b("y"));
                txn.commit();
            }
            assertTrue(client.awaitBackground(5_000));
            assertEquals("y", read(client, "q"));
            assertNoLocks();
        }
    }
}
