package io.tkv.server.system;

import io.tkv.client.TxnMutation;
import io.tkv.client.TxnRegionGrouping;
import io.tkv.client.TxnResults;
import io.tkv.client.TxnRpc;
import io.tkv.client.txn.KeyExistsException;
import io.tkv.client.txn.KeyLockedException;
import io.tkv.client.txn.KeyValue;
import io.tkv.client.txn.Mutation;
import io.tkv.client.txn.PrewriteRequest;
import io.tkv.client.txn.PrewriteResult;
import io.tkv.client.txn.RpcTxnTransport;
import io.tkv.client.txn.Transaction;
import io.tkv.client.txn.TxnConfig;
import io.tkv.client.txn.TxnKv;
import io.tkv.client.txn.TxnKvClient;
import io.tkv.client.txn.TxnMode;
import io.tkv.client.txn.WriteConflictException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TxnKvClient} on the real wire ({@link io.tkv.client.txn.RpcTxnTransport}): a PD and three stores, region 1
 * split into four at "b", "d" and "f" so that a transaction on keys a.., c.., e.., g.. crosses every region. It
 * commits and reads back with 1PC, async commit and classic 2PC; a conflicting commit surfaces as a
 * {@link WriteConflictException}; a pessimistic transaction's locks keep an optimistic writer out until it commits; a
 * reader that meets a dead transaction's locks resolves them: rolled back where its primary expired uncommitted,
 * committed where its primary committed.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TxnKvSystemTest {
    private static final long WAIT_MS = TxnCluster.WAIT_MS;

    @TempDir
    Path dir;

    @Test
    void shouldCommitAcrossRegionsResolveConflictsAndDeadLocksOnRealStores() throws Exception {
        try (TxnCluster cluster = TxnCluster.start(dir)) {
            try (TxnKv twoPc = cluster.connect("txn-2pc", new TxnConfig().onePc(false).asyncCommit(false));
                TxnKv async = cluster.connect("txn-async", new TxnConfig().onePc(false).asyncCommit(true));
                TxnKv onePc = cluster.connect("txn-1pc", new TxnConfig().onePc(true).asyncCommit(false))) {
                assertEquals(4, cluster.split(twoPc.rpc(), "b", "d", "f").size());

                commitAndReadBack(twoPc, "2pc", List.of("a1", "c1", "e1", "g1"));
                commitAndReadBack(async, "async", List.of("a2", "c2", "e2", "g2"));
                commitAndReadBack(onePc, "1pc-one-region", List.of("c3", "c4"));
                commitAndReadBack(onePc, "1pc-falls-to-2pc", List.of("a3", "g3"));
                assertTrue(twoPc.client().awaitBackground(TxnCluster.WAIT_MS));
                assertTrue(async.client().awaitBackground(TxnCluster.WAIT_MS));
                final long now = twoPc.client().timestamp();
                assertEquals(List.of(), twoPc.rpc().scanLock(b(""), new byte[0], now, 100).get(),
                    "every commit left no lock behind");

                scansBothWaysAcrossRegions(twoPc);
                insertRefusesAKeyThatHasAValue(async);
                conflictingCommitIsAWriteConflict(async, twoPc);
                pessimisticLocksKeepAWriterOut(twoPc, cluster);
                readerResolvesADeadTransactionsLocks(twoPc);
                resentOnePcPrewriteIsReportedCommitted(onePc);
            }
        }
    }

    /**
     * A 1PC prewrite sent again after it committed (as {@link TxnRpc} resends one whose leader died or moved after the
     * proposal) is answered with its commit ts, as TiKV's {@code check_committed_record_on_err} does. It used to be
     * answered WRITE_CONFLICT against the transaction's own commit record: TxnSiSystemTest found that as G1a (a
     * committed read saw the append of a transaction recorded as failed) when the leader was killed.
     */
    @Test
    void shouldAnswerAResentOnePcPrewriteWithItsCommitTs() throws Exception {
        try (TxnCluster cluster = TxnCluster.start(dir);
            TxnKv kv = cluster.connect("txn-resend", new TxnConfig())) {
            final long startTs = kv.client().timestamp();
            final List<TxnMutation> mutations = List.of(TxnMutation.put(b("r1"), b("once")));
            final TxnRpc.PrewriteOptions onePc = TxnRpc.PrewriteOptions.optimistic(startTs, 3_000, 1).onePc(0);
            final RpcTxnTransport transport = transport(kv);
            final long commitTs = transport.prewrite(onePcRequest(startTs, "r1", "once")).get(WAIT_MS,
                TimeUnit.MILLISECONDS).onePcCommitTs();
            assertTrue(commitTs > startTs);
            final TxnResults.Prewrite again = kv.rpc().prewrite(mutations, b("r1"), onePc, List.of())
                .get(WAIT_MS, TimeUnit.MILLISECONDS);
            assertEquals(commitTs, again.onePcCommitTs(), again.toString());
        }
    }

    /**
     * A client that cached region 1 whole before a split chooses 1PC for keys the split has since parted: the region
     * refuses the prewrite (EPOCH_NOT_MATCH, nothing written), and the transaction must fall back to 2PC over the
     * regions as they are now and commit. It used to fail with UndeterminedException ("1PC needs every key in one
     * region", thrown while regrouping) although nothing had been written: BankSystemTest found it on its very
     * first transaction, opened by a client whose cache predated the pre-split.
     */
    @Test
    void shouldFallBackFromOnePcWhenASplitPartedTheKeysTheClientCachedInOneRegion() throws Exception {
        try (TxnCluster cluster = TxnCluster.start(dir);
            TxnKv stale = cluster.connect("txn-stale", new TxnConfig());
            TxnKv splitter = cluster.connect("txn-splitter", new TxnConfig())) {
            commitAndReadBack(stale, "whole", List.of("s-a", "s-z"));
            assertEquals(2, cluster.split(splitter.rpc(), "s-m").size());
            commitAndReadBack(stale, "parted", List.of("s-b", "s-y"));
            try (Transaction reader = splitter.client().begin()) {
                assertArrayEquals(b("parted-s-b"), reader.get(b("s-b")));
                assertArrayEquals(b("parted-s-y"), reader.get(b("s-y")));
            }
            assertTrue(stale.client().awaitBackground(WAIT_MS));
            assertEquals(List.of(), splitter.rpc().scanLock(b(""), new byte[0], splitter.client().timestamp(), 100)
                .get(), "the fallen-back commit left no lock behind");
        }
    }

    /** Through the transport, a resent 1PC prewrite that committed the first time is reported committed. */
    private static void resentOnePcPrewriteIsReportedCommitted(final TxnKv kv) throws Exception {
        final RpcTxnTransport transport = transport(kv);
        final long startTs = kv.client().timestamp();
        final PrewriteResult first = transport.prewrite(onePcRequest(startTs, "c9", "once"))
            .get(WAIT_MS, TimeUnit.MILLISECONDS);
        assertTrue(first.onePcCommitTs() > startTs, first.toString());
        final PrewriteResult again = transport.prewrite(onePcRequest(startTs, "c9", "once"))
            .get(WAIT_MS, TimeUnit.MILLISECONDS);
        assertEquals(first.onePcCommitTs(), again.onePcCommitTs(), "the resend learns the commit: " + again);
        try (Transaction reader = kv.client().begin()) {
            assertArrayEquals(b("once"), reader.get(b("c9")));
        }
    }

    /** A reverse scan walks the regions down from its end and gives the forward scan's pairs in reverse order. */
    private static void scansBothWaysAcrossRegions(final TxnKv kv) {
        try (Transaction reader = kv.client().begin()) {
            final List<String> forward = keys(reader.scan(b(""), null, 100));
            assertEquals(12, forward.size(), "every key committed above: " + forward);
            final List<String> backward = new ArrayList<>(forward);
            Collections.reverse(backward);
            assertEquals(backward, keys(reader.reverseScan(b(""), null, 100)), "the whole space, descending");
            assertEquals(backward.subList(0, 5), keys(reader.reverseScan(b(""), null, 5)),
                "a limit that ends in another region than it started");
            assertEquals(List.of("e2", "e1", "c4", "c3", "c2", "c1"), keys(reader.reverseScan(b("b"), b("f"), 100)),
                "from a region's start key down to another's");
            assertEquals(List.of("c4", "c3"), keys(reader.reverseScan(b("c3"), b("c5"), 100)), "inside one region");
        }
    }

    /** An insert of a key with a value fails the commit with KeyExistsException and writes none of its keys. */
    private static void insertRefusesAKeyThatHasAValue(final TxnKv kv) {
        try (Transaction txn = kv.client().begin()) {
            txn.insert(b("a9"), b("inserted"));
            txn.insert(b("c1"), b("duplicate"));
            final KeyExistsException exists = assertThrows(KeyExistsException.class, txn::commit);
            assertArrayEquals(b("c1"), exists.key());
        }
        try (Transaction inserter = kv.client().begin()) {
            inserter.insert(b("a9"), b("inserted"));
            inserter.commit();
        }
        try (Transaction reader = kv.client().begin()) {
            assertArrayEquals(b("2pc-c1"), reader.get(b("c1")), "the duplicate wrote nothing");
            assertArrayEquals(b("inserted"), reader.get(b("a9")));
        }
    }

    private static List<String> keys(final List<KeyValue> pairs) {
        return pairs.stream().map(pair -> new String(pair.key(), StandardCharsets.UTF_8)).toList();
    }

    private static RpcTxnTransport transport(final TxnKv kv) {
        return new RpcTxnTransport(kv.rpc(), TxnRegionGrouping.of(kv.stores()), kv.pd(), WAIT_MS, WAIT_MS);
    }

    private static PrewriteRequest onePcRequest(final long startTs, final String key, final String value) {
        return new PrewriteRequest(List.of(new Mutation(Mutation.Op.PUT, b(key), b(value))), b(key), startTs, 3_000,
            1, 0, null, null, true, 0, 0);
    }

    private static void commitAndReadBack(final TxnKv kv, final String tag, final List<String> keys) {
        final long commitTs;
        try (Transaction txn = kv.client().begin()) {
            for (final String key : keys) {
                txn.put(b(key), b(tag + "-" + key));
            }
            commitTs = txn.commit();
            assertTrue(commitTs > txn.startTs(), tag + ": commit ts " + commitTs + " above start " + txn.startTs());
        }
        try (Transaction reader = kv.client().begin()) {
            for (final String key : keys) {
                assertArrayEquals(b(tag + "-" + key), reader.get(b(key)), tag + " " + key);
            }
            final List<KeyValue> all = reader.batchGet(keys.stream().map(TxnKvSystemTest::b).toList());
            assertEquals(keys.size(), all.size(), tag + ": a batch get over the regions sees every key");
        }
        assertNull(kv.client().snapshot(commitTs - 1).get(b(keys.get(0))), tag + ": not visible below its commit ts");
    }

    private static void conflictingCommitIsAWriteConflict(final TxnKv first, final TxnKv second) {
        final Transaction loser = second.client().begin();
        loser.put(b("e5"), b("loser"));
        loser.put(b("a5"), b("loser"));
        try (Transaction winner = first.client().begin()) {
            winner.put(b("a5"), b("winner"));
            winner.put(b("g5"), b("winner"));
            winner.commit();
        }
        final WriteConflictException conflict = assertThrows(WriteConflictException.class, loser::commit);
        assertArrayEquals(b("a5"), conflict.key(), conflict.toString());
        loser.close();
        try (Transaction reader = second.client().begin()) {
            assertArrayEquals(b("winner"), reader.get(b("a5")));
            assertNull(reader.get(b("e5")), "the loser wrote nothing");
        }
    }

    private static void pessimisticLocksKeepAWriterOut(final TxnKv kv, final TxnCluster cluster) {
        try (TxnKv impatient = cluster.connect("txn-impatient", new TxnConfig().lockWaitTimeoutMs(500))) {
            final Transaction holder = kv.client().begin(TxnMode.PESSIMISTIC);
            assertNull(holder.getForUpdate(b("a6")));
            holder.put(b("g6"), b("pessimistic"));
            holder.put(b("a6"), b("pessimistic"));

            try (Transaction writer = impatient.client().begin()) {
                writer.put(b("g6"), b("optimistic"));
                final KeyLockedException locked = assertThrows(KeyLockedException.class, writer::commit);
                assertEquals(holder.startTs(), locked.lock().startTs(), locked.toString());
            }
            holder.commit();
            holder.close();
            try (Transaction reader = impatient.client().begin()) {
                assertArrayEquals(b("pessimistic"), reader.get(b("a6")));
                assertArrayEquals(b("pessimistic"), reader.get(b("g6")));
            }
        }
    }

    private static void readerResolvesADeadTransactionsLocks(final TxnKv kv) throws Exception {
        final TxnRpc rpc = kv.rpc();
        final TxnKvClient client = kv.client();
        // A dead transaction that never committed: its 100 ms locks expire and the reader rolls it back.
        final long deadTs = client.timestamp();
        rpc.prewrite(List.of(TxnMutation.put(b("a7"), b("dead")), TxnMutation.put(b("e7"), b("dead"))), b("a7"),
            TxnRpc.PrewriteOptions.optimistic(deadTs, 100, 2), List.of()).get(WAIT_MS, TimeUnit.MILLISECONDS);
        // A dead transaction whose primary committed and whose secondary did not: the reader commits it.
        final long halfTs = client.timestamp();
        rpc.prewrite(List.of(TxnMutation.put(b("c8"), b("half")), TxnMutation.put(b("g8"), b("half"))), b("c8"),
            TxnRpc.PrewriteOptions.optimistic(halfTs, 100, 2), List.of()).get(WAIT_MS, TimeUnit.MILLISECONDS);
        final long halfCommitTs = client.timestamp();
        rpc.commit(List.of(b("c8")), halfTs, halfCommitTs).get(TxnCluster.WAIT_MS, TimeUnit.MILLISECONDS);

        try (Transaction reader = client.begin()) {
            assertNull(reader.get(b("e7")), "the secondary of a dead uncommitted transaction reads as rolled back");
            assertArrayEquals(b("half"), reader.get(b("g8")), "the secondary of a committed primary reads committed");
            assertNull(reader.get(b("a7")));
        }
        final long now = client.timestamp();
        assertEquals(List.of(), rpc.scanLock(b(""), new byte[0], now, 100).get().stream()
            .filter(lock -> lock.startTs() == deadTs || lock.startTs() == halfTs).map(lock -> s(lock.key())).toList(),
            "the reader resolved the locks it met (and their primaries)");
        // The dead transaction cannot come back: its commit now finds its locks rolled back.
        assertThrows(Exception.class, () -> rpc.commit(List.of(b("a7")), deadTs, client.timestamp())
            .get(TxnCluster.WAIT_MS, TimeUnit.MILLISECONDS));
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(final byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
