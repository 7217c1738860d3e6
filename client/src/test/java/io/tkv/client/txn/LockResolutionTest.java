package io.tkv.client.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tkv.client.txn.LocalTxnTransport.Fault;
import io.tkv.client.txn.LocalTxnTransport.Kind;

import java.util.List;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Coordinators that die (their requests lost) or whose answers are lost, and readers that find their locks: the
 * fate every reader sees is the one the primary decides, the same on every key.
 */
@Timeout(60)
class LockResolutionTest extends TxnTestSupport {
    private static final long TTL_MS = 300;

    private static TxnConfig twoPc() {
        return fastConfig().asyncCommit(false).onePc(false).lockTtlMs(TTL_MS).heartbeatIntervalMs(100)
            .ttlRefreshedTxnBytes(0);
    }

    private static TxnConfig asyncCommit() {
        return fastConfig().lockTtlMs(TTL_MS).heartbeatIntervalMs(100);
    }

    @Test
    void shouldRollBackAnExpiredTxnWhoseCoordinatorDiedAfterPrewrite() {
        final TxnKvClient client = client(twoPc());
        putCommitted(client, "a", "old", "m", "old");
        transport.inject(Kind.COMMIT, "a", Fault.FAIL);
        final Transaction txn = write(client, "a", "m");
        assertThrows(UndeterminedException.class, txn::commit);
        assertEquals(Transaction.State.UNDETERMINED, txn.state());
        assertEquals(2, locks().size());

        // The reader meets the secondary's lock, waits for the primary to expire, rolls the txn back.
        final long checks = transport.count(Kind.CHECK_TXN_STATUS);
        assertEquals("old", read(client, "m"));
        assertTrue(transport.count(Kind.CHECK_TXN_STATUS) > checks);
        assertEquals(Long.valueOf(0), client.lockResolver().cachedOutcome(txn.startTs()));
        assertEquals("old", read(client, "a"));
        assertNoLocks();
    }

    @Test
    void shouldCommitTheSecondariesOfATxnWhosePrimaryCommitted() {
        final TxnKvClient client = client(twoPc());
        putCommitted(client, "a", "old", "m", "old");
        transport.inject(Kind.COMMIT, "m", Fault.FAIL);
        final Transaction txn = write(client, "a", "m");
        final long commitTs = txn.commit();
        assertTrue(client.awaitBackground(5_000));
        assertEquals(1, locks().size(), "the secondary's commit was lost");

        // No waiting for the ttl: the primary says committed.
        assertEquals("new", read(client, "m"));
        assertEquals(Long.valueOf(commitTs), client.lockResolver().cachedOutcome(txn.startTs()));
        assertNoLocks();
    }

    @Test
    void shouldRollBackAnAsyncCommitTxnWithAMissingPrewrite() {
        final TxnKvClient client = client(asyncCommit());
        putCommitted(client, "a", "old", "m", "old");
        transport.inject(Kind.PREWRITE, "m", Fault.FAIL);
        final Transaction txn = write(client, "a", "m");
        assertThrows(UndeterminedException.class, txn::commit);
        final List<LockInfo> left = locks();
        assertEquals(1, left.size());
        assertTrue(left.get(0).useAsyncCommit() && left.get(0).isPrimary());

        final long checks = transport.count(Kind.CHECK_SECONDARY_LOCKS);
        assertEquals("old", read(client, "a"));
        assertTrue(transport.count(Kind.CHECK_SECONDARY_LOCKS) > checks);
        assertEquals("old", read(client, "m"));
        assertNoLocks();
        // The protected rollback stops the lost prewrite for good.
        final CompletionException late = assertThrows(CompletionException.class, () -> transport.prewrite(
            new PrewriteRequest(List.of(new Mutation(Mutation.Op.PUT, b("m"), b("late"))), b("a"), txn.startTs(),
                TTL_MS, 2, 0, null, List.of(), false, txn.startTs() + 1, 0)).join());
        assertInstanceOf(WriteConflictException.class, late.getCause());
    }

    @Test
    void shouldCommitAnAsyncCommitTxnWhosePrewritesAllArrived() {
        final TxnKvClient client = client(asyncCommit());
        putCommitted(client, "a", "old", "m", "old", "q", "old");
        transport.inject(Kind.PREWRITE, "q", Fault.DROP_RESPONSE);
        final Transaction txn = write(client, "a", "m", "q");
        assertThrows(UndeterminedException.class, txn::commit);
        assertEquals(3, locks().size());

        // Every key is prewritten: the txn is committed at the largest min commit ts, whoever finds it.
        assertEquals("new", read(client, "q"));
        final Long commitTs = client.lockResolver().cachedOutcome(txn.startTs());
        assertTrue(commitTs != null && commitTs > txn.startTs(), "commit ts " + commitTs);
        assertEquals("new", read(client, "a"));
        assertEquals("new", read(client, "m"));
        assertNoLocks();
    }

    @Test
    void shouldReportUndeterminedWhenThePrimaryCommitAnswerIsLostAndStillBeCommitted() {
        final TxnKvClient client = client(twoPc());
        putCommitted(client, "a", "old", "m", "old");
        transport.inject(Kind.COMMIT, "a", Fault.DROP_RESPONSE);
        final Transaction txn = write(client, "a", "m");
        final UndeterminedException undetermined = assertThrows(UndeterminedException.class, txn::commit);
        assertEquals(txn.startTs(), undetermined.startTs());
        // The store did commit the primary: every key agrees, the secondary through resolution.
        assertEquals("new", read(client, "m"));
        assertEquals("new", read(client, "a"));
        assertNoLocks();
    }

    @Test
    void shouldKeepALongTxnAliveWithHeartbeatsSoAReaderWaits() throws Exception {
        // Beats every 100 ms keep a 300 ms ttl alive for the 1.8 s the commit is delayed.
        final TxnKvClient writer = client(twoPc());
        final TxnKvClient reader = client(twoPc());
        putCommitted(writer, "a", "old", "m", "old");
        assertTrue(writer.awaitBackground(5_000));
        final long commits = transport.count(Kind.COMMIT);
        transport.inject(Kind.COMMIT, "a", Fault.DELAY, 1, 6 * TTL_MS);
        final Transaction txn = write(writer, "a", "m");
        final Thread committer = new Thread(txn::commit);
        committer.start();
        await("the primary's commit sent", 5_000, () -> transport.count(Kind.COMMIT) == commits + 1);

        try (Transaction read = reader.begin()) {
            // Blocks on the secondary's lock until the primary commits, long after its first ttl.
            assertEquals("old", s(read.get(b("m"))));
        }
        committer.join();
        assertEquals(Transaction.State.COMMITTED, txn.state());
        assertTrue(transport.count(Kind.HEARTBEAT) >= 2, "heartbeats: " + transport.count(Kind.HEARTBEAT));
        // The reader pushed the primary's min commit ts past the commit ts taken before the delay: the primary's
        // commit was refused once (commit ts expired) and retried at a fresh ts, then the secondary's.
        assertTrue(writer.awaitBackground(5_000));
        assertEquals(commits + 3, transport.count(Kind.COMMIT));
        assertEquals("new", read(reader, "m"));
        assertNoLocks();
    }

    @Test
    void shouldRollBackALongTxnWithoutHeartbeatsOnceItsLocksExpire() throws Exception {
        final TxnKvClient writer = client(twoPc().heartbeatIntervalMs(0));
        final TxnKvClient reader = client(twoPc());
        putCommitted(writer, "a", "old", "m", "old");
        assertTrue(writer.awaitBackground(5_000));
        final long commits = transport.count(Kind.COMMIT);
        transport.inject(Kind.COMMIT, "a", Fault.DELAY, 1, 6 * TTL_MS);
        final Transaction txn = write(writer, "a", "m");
        final RuntimeException[] failure = new RuntimeException[1];
        final Thread committer = new Thread(() -> {
            try {
                txn.commit();
            } catch (final RuntimeException ex) {
                failure[0] = ex;
            }
        });
        committer.start();
        await("the primary's commit sent", 5_000, () -> transport.count(Kind.COMMIT) == commits + 1);

        assertEquals("old", read(reader, "m"));
        committer.join();
        assertTrue(failure[0] instanceof TxnAbortedException, String.valueOf(failure[0]));
        assertEquals(Transaction.State.ROLLED_BACK, txn.state());
        assertEquals("old", read(reader, "a"));
        assertNoLocks();
    }

    @Test
    void shouldFailAReadWithKeyLockedWhenALiveLockOutlastsTheWait() {
        final TxnKvClient writer = client(twoPc().lockTtlMs(3_000).heartbeatIntervalMs(1_000));
        final TxnKvClient reader = client(twoPc().lockWaitTimeoutMs(200));
        putCommitted(writer, "a", "old", "m", "old");
        transport.inject(Kind.COMMIT, "a", Fault.FAIL);
        final Transaction txn = write(writer, "a", "m");
        assertThrows(UndeterminedException.class, txn::commit);
        try (Transaction read = reader.begin()) {
            final KeyLockedException locked = assertThrows(KeyLockedException.class, () -> read.get(b("m")));
            assertEquals(txn.startTs(), locked.lock().startTs());
        }
    }

    @Test
    void shouldRollBackA2pcTxnWhosePrewriteFailedInTransport() {
        final TxnKvClient client = client(twoPc());
        putCommitted(client, "a", "old", "m", "old");
        transport.inject(Kind.PREWRITE, "m", Fault.DROP_RESPONSE);
        final Transaction txn = write(client, "a", "m");
        assertInstanceOf(TxnTransportException.class, assertThrows(TxnAbortedException.class, txn::commit).getCause());
        assertEquals(Transaction.State.ROLLED_BACK, txn.state());
        // The store applied the lost prewrite; the client's rollback removed it with the other.
        assertNoLocks();
        assertEquals("old", read(client, "m"));
    }

    @Test
    void shouldReportUndeterminedWhenAOnePcAnswerIsLostAndStillBeCommitted() {
        final TxnKvClient client = client(asyncCommit());
        putCommitted(client, "a", "old", "b", "old");
        transport.inject(Kind.PREWRITE, "a", Fault.DROP_RESPONSE);
        assertThrows(UndeterminedException.class, write(client, "a", "b")::commit);
        assertNoLocks();
        assertEquals("new", read(client, "a"));
        assertEquals("new", read(client, "b"));
    }

    @Test
    void shouldReportUndeterminedWhenAOnePcRequestIsLostAndNotCommit() {
        final TxnKvClient client = client(asyncCommit());
        putCommitted(client, "a", "old", "b", "old");
        transport.inject(Kind.PREWRITE, "a", Fault.FAIL);
        assertThrows(UndeterminedException.class, write(client, "a", "b")::commit);
        assertNoLocks();
        assertEquals("old", read(client, "a"));
        assertEquals("old", read(client, "b"));
    }

    private static Transaction write(final TxnKvClient client, final String... keys) {
        final Transaction txn = client.begin();
        for (final String key : keys) {
            txn.put(b(key), b("new"));
        }
        return txn;
    }
}
