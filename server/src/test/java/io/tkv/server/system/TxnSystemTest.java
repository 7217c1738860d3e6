package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.KvPair;
import io.tkv.client.PdClient;
import io.tkv.client.RawKvClient;
import io.tkv.client.RegionInfo;
import io.tkv.client.TxnKeyException;
import io.tkv.client.TxnLockInfo;
import io.tkv.client.TxnMutation;
import io.tkv.client.TxnResults;
import io.tkv.client.TxnRpc;
import io.tkv.codec.BooleanType;
import io.tkv.codec.ErrorResponseDecoder;
import io.tkv.codec.KvGetEncoder;
import io.tkv.codec.KvGetResponseDecoder;
import io.tkv.codec.KvPrewriteEncoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.MutationOp;
import io.tkv.codec.Status;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transactions on three real stores (static mode, no PD), through the low-level {@link TxnRpc}: Percolator's
 * prewrite and commit go through each region's Raft log and every store applies them; reads see exactly what
 * committed at or before their ts and meet the locks of what did not; a write conflict and the locks' details reach
 * the client typed; a stale epoch and hostile frames are refused with an error reply while the store keeps serving;
 * transactions work on after the leader is killed, and locks and writes move with their keys when the region splits.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TxnSystemTest {
    private static final long ELECTION_WAIT_MS = 20_000;
    private static final long WAIT_S = 20;

    @TempDir
    Path dir;

    @Test
    void shouldRunPercolatorTransactionsThroughRaftAndKeepThemAcrossFailoverAndSplit() throws Exception {
        try (StoreCluster cluster = StoreCluster.of(3).in(dir).start()) {
            final long leader = cluster.awaitLeader(ELECTION_WAIT_MS, cluster.all());
            try (RawKvClient client = client(cluster)) {
                final TxnRpc txn = TxnRpc.of(client);
                commitTwoKeysAndReadThemAtTheirTimestamps(txn);
                meetTheLockOfAnUncommittedTransaction(txn);
                conflictWithANewerCommit(txn);
                refuseOnePhaseCommitWithoutPd(txn);
            }
            refuseStaleEpochAndHostileFrames(cluster, leader);

            cluster.kill(leader);
            final long[] others = java.util.Arrays.stream(cluster.all()).filter(id -> id != leader).toArray();
            cluster.awaitLeader(ELECTION_WAIT_MS, others);
            try (RawKvClient client = client(cluster)) {
                final TxnRpc txn = TxnRpc.of(client);
                commit(txn, 200, 210, b("k4"), b("v4"));
                assertArrayEquals(b("v4"), await(txn.get(b("k4"), 220)), "a transaction after the leader died");
                assertArrayEquals(b("v1"), await(txn.get(b("k1"), 220)), "and what committed before it");
            }
            cluster.restart(leader);

            try (RawKvClient client = client(cluster)) {
                final TxnRpc txn = TxnRpc.of(client);
                final List<RegionInfo> regions = await(txn.splitRegion(1, 1, 1, b("k2"), 2, 1001, 1002, 1003));
                assertEquals(2, regions.size(), regions.toString());
                // Region 2 holds k2.. now: the committed k2 and the lock on k3 moved with their keys.
                assertArrayEquals(b("v1"), await(txn.get(b("k1"), 300)));
                assertArrayEquals(b("v2"), awaitGet(txn, b("k2"), 300));
                final TxnKeyException.KeyLocked locked = failure(txn.get(b("k3"), 300),
                    TxnKeyException.KeyLocked.class);
                assertEquals(40, locked.lock().startTs());
                await(txn.resolveLock(List.of(b("k3")), 40, 45));
                assertArrayEquals(b("v3"), await(txn.get(b("k3"), 300)), "resolved (committed) in region 2");
                final List<KvPair> scanned = await(txn.scan(b("k"), new byte[0], 300, 10, false));
                assertEquals(List.of("k1", "k2", "k3", "k4"), scanned.stream().map(p -> s(p.key())).toList(),
                    "a scan over both regions");
            }
        }
    }

    /**
     * With PD, a region's leader syncs its max ts from the TSO before it serves 1PC or async commit (the first such
     * prewrite may be told MAX_TIMESTAMP_NOT_SYNCED, a later one runs): a 1PC prewrite commits at once, above every
     * read the store served, and an async-commit transaction is committed at the min commit ts its prewrite computed.
     */
    @Test
    void shouldCommitInOnePhaseAndAsynchronouslyOnceTheLeaderSyncedMaxTsFromPd() throws Exception {
        Files.createDirectories(dir);
        final Path clusterSecret = Files.writeString(dir.resolve("pd-cluster.secret"), StoreCluster.CLUSTER_SECRET);
        final Path adminSecret = Files.writeString(dir.resolve("pd-admin.secret"), StoreCluster.ADMIN_SECRET);
        try (PdProcess pd = new PdProcess(dir.resolve("pd"), StoreProcess.freePort(), "--store-id", "1",
            "--cluster-secret-file", clusterSecret.toString(), "--admin-secret-file", adminSecret.toString())) {
            pd.launch().awaitReady();
            try (StoreCluster cluster = StoreCluster.of(3).in(dir.resolve("stores")).withArgs("--pd", pd.endpoint())
                .start();
                PdClient tso = PdClient.connect(new ClientConfig().storeEndpoints(pd.endpoint()).clientName("tso")
                    .requestTimeoutMs(5_000).connectTimeoutMs(20_000))) {
                cluster.awaitLeader(ELECTION_WAIT_MS, cluster.all());
                try (RawKvClient client = client(cluster)) {
                    final TxnRpc txn = TxnRpc.of(client);
                    final long readTs = tso.getTimestamp();
                    assertNull(await(txn.get(b("p1"), readTs)));

                    final long startTs = tso.getTimestamp();
                    final TxnResults.Prewrite onePc = awaitSynced(() -> txn.prewrite(
                        List.of(TxnMutation.put(b("p1"), b("one")), TxnMutation.put(b("p2"), b("phase"))), b("p1"),
                        TxnRpc.PrewriteOptions.optimistic(startTs, 3_000, 2).onePc(0), List.of()));
                    assertTrue(onePc.onePcCommitTs() > startTs && onePc.onePcCommitTs() > readTs, onePc.toString());
                    final long after = tso.getTimestamp();
                    assertArrayEquals(b("one"), await(txn.get(b("p1"), after)));
                    assertArrayEquals(b("phase"), await(txn.get(b("p2"), after)));
                    assertTrue(await(txn.scanLock(b("p"), new byte[0], after, 10)).isEmpty(), "1PC left no lock");

                    final long asyncStart = tso.getTimestamp();
                    final TxnResults.Prewrite async = awaitSynced(() -> txn.prewrite(
                        List.of(TxnMutation.put(b("a1"), b("x")), TxnMutation.put(b("a2"), b("y"))), b("a1"),
                        TxnRpc.PrewriteOptions.optimistic(asyncStart, 3_000, 2).asyncCommit(0), List.of(b("a2"))));
                    assertTrue(async.minCommitTs() > asyncStart, async.toString());
                    final TxnResults.SecondaryLocks secondaries = await(txn.checkSecondaryLocks(List.of(b("a2")),
                        asyncStart));
                    assertEquals(1, secondaries.locks().size(), "the secondary is locked until committed");
                    assertArrayEquals(b("a2"), secondaries.locks().get(0).key(), "each lock with its key");
                    await(txn.commit(List.of(b("a1"), b("a2")), asyncStart, async.minCommitTs()));
                    assertArrayEquals(b("y"), await(txn.get(b("a2"), tso.getTimestamp())));
                }
            }
        }
    }

    /** Retries a prewrite while the region's leader has not synced its max ts yet. */
    private static <T> T awaitSynced(final java.util.function.Supplier<CompletableFuture<T>> request)
        throws Exception {
        final long deadline = System.currentTimeMillis() + WAIT_S * 1000;
        while (true) {
            try {
                return await(request.get());
            } catch (final ExecutionException ex) {
                final boolean notSynced = ex.getCause() instanceof TxnKeyException.MaxTimestampNotSynced
                    || ex.getCause() != null && ex.getCause().getCause() instanceof
                    TxnKeyException.MaxTimestampNotSynced;
                assertTrue(notSynced && System.currentTimeMillis() < deadline, "not synced in time: " + ex);
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    private static void commitTwoKeysAndReadThemAtTheirTimestamps(final TxnRpc txn) throws Exception {
        await(txn.prewrite(List.of(TxnMutation.put(b("k1"), b("v1")), TxnMutation.put(b("k2"), b("v2"))), b("k1"),
            TxnRpc.PrewriteOptions.optimistic(10, 3_000, 2), List.of()));
        await(txn.commit(List.of(b("k1")), 10, 20));
        await(txn.commit(List.of(b("k2")), 10, 20));
        assertArrayEquals(b("v1"), await(txn.get(b("k1"), 30)));
        assertArrayEquals(b("v2"), await(txn.get(b("k2"), 30)));
        assertNull(await(txn.get(b("k1"), 15)), "a read before the commit ts does not see it");
        final List<KvPair> both = await(txn.batchGet(List.of(b("k1"), b("k2"), b("none")), 30));
        assertEquals(List.of("k1", "k2"), both.stream().map(p -> s(p.key())).toList());
    }

    private static void meetTheLockOfAnUncommittedTransaction(final TxnRpc txn) throws Exception {
        await(txn.prewrite(List.of(TxnMutation.put(b("k3"), b("v3"))), b("k3"),
            TxnRpc.PrewriteOptions.optimistic(40, 60_000, 1), List.of()));
        final TxnKeyException.KeyLocked locked = failure(txn.get(b("k3"), 50), TxnKeyException.KeyLocked.class);
        final TxnLockInfo lock = locked.lock();
        assertArrayEquals(b("k3"), lock.key());
        assertArrayEquals(b("k3"), lock.primary());
        assertEquals(40, lock.startTs());
        assertEquals(60_000, lock.ttl());
        assertEquals("PUT", lock.type());
        assertEquals(1, lock.txnSize());
        final TxnResults.TxnStatus status = await(txn.checkTxnStatus(b("k3"), 40, 50, 50, false, false, false));
        assertTrue(status.uncommitted(), status.toString());
        assertEquals(40, status.primaryLock().startTs());
        assertNull(await(txn.get(b("k3"), 35)), "a read below the lock's start ts is not blocked");
    }

    private static void conflictWithANewerCommit(final TxnRpc txn) throws Exception {
        final TxnKeyException.WriteConflict conflict = failure(txn.prewrite(
            List.of(TxnMutation.put(b("k1"), b("late"))), b("k1"), TxnRpc.PrewriteOptions.optimistic(15, 3_000, 1),
            List.of()), TxnKeyException.WriteConflict.class);
        assertEquals(15, conflict.startTs());
        assertEquals(10, conflict.conflictStartTs());
        assertEquals(20, conflict.conflictCommitTs());
        assertArrayEquals(b("k1"), conflict.key());
    }

    private static void refuseOnePhaseCommitWithoutPd(final TxnRpc txn) throws Exception {
        failure(txn.prewrite(List.of(TxnMutation.put(b("k9"), b("v9"))), b("k9"),
            TxnRpc.PrewriteOptions.optimistic(60, 3_000, 1).onePc(0), List.of()),
            TxnKeyException.MaxTimestampNotSynced.class);
        assertNull(await(txn.get(b("k9"), 70)), "nothing written");
    }

    /** A stale epoch, a truncated frame and a bad enum each earn an error reply; the store serves on. */
    private static void refuseStaleEpochAndHostileFrames(final StoreCluster cluster, final long leader) {
        try (RawSession raw = RawSession.open(cluster.store(leader).endpoint(), cluster.clientSecret(), 20_000)) {
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
            final long deadline = System.currentTimeMillis() + 20_000;

            int length = encodeGet(buffer, raw.sessionToken(), 1, 99);
            raw.send(buffer, 0, length, deadline);
            assertEquals(Status.EPOCH_NOT_MATCH, awaitError(raw, deadline));

            length = encodePrewrite(buffer, raw.sessionToken(), MutationOp.PUT);
            raw.send(buffer, 0, length - 3, deadline);
            assertEquals(Status.MALFORMED, awaitError(raw, deadline), "a truncated prewrite");

            length = encodePrewrite(buffer, raw.sessionToken(), MutationOp.PUT);
            // The mutation's op byte, right after the group header: 9 is no MutationOp.
            buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + KvPrewriteEncoder.BLOCK_LENGTH + 4, (byte)9);
            raw.send(buffer, 0, length, deadline);
            assertEquals(Status.MALFORMED, awaitError(raw, deadline), "a prewrite with an unknown op");

            length = encodeGet(buffer, raw.sessionToken(), 1, 1);
            raw.send(buffer, 0, length, deadline);
            raw.awaitReply(id -> id == KvGetResponseDecoder.TEMPLATE_ID, deadline);
            final KvGetResponseDecoder reply = new KvGetResponseDecoder().wrap(raw.lastFrame(),
                MessageHeaderDecoder.ENCODED_LENGTH, KvGetResponseDecoder.BLOCK_LENGTH, KvGetResponseDecoder
                    .SCHEMA_VERSION);
            assertEquals(Status.OK, reply.status(), "the store serves on");
            assertEquals(BooleanType.TRUE, reply.found());
        }
    }

    private static int encodeGet(final ExpandableArrayBuffer buffer, final long token, final long confVer,
        final long version) {
        final KvGetEncoder get = new KvGetEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        get.correlationId(77).sessionToken(token).version(30);
        get.region().regionId(1).confVer(confVer).version(version);
        get.putKey(b("k1"), 0, 2);
        return MessageHeaderEncoder.ENCODED_LENGTH + get.encodedLength();
    }

    private static int encodePrewrite(final ExpandableArrayBuffer buffer, final long token, final MutationOp op) {
        final KvPrewriteEncoder prewrite = new KvPrewriteEncoder().wrapAndApplyHeader(buffer, 0,
            new MessageHeaderEncoder());
        prewrite.correlationId(78).sessionToken(token).startTs(90).lockTtl(10).txnSize(1).forUpdateTs(0)
            .minCommitTs(0).maxCommitTs(0).useAsyncCommit(BooleanType.FALSE).tryOnePc(BooleanType.FALSE)
            .skipConstraintCheck(BooleanType.FALSE);
        prewrite.region().regionId(1).confVer(1).version(1);
        prewrite.mutationsCount(1).next().op(op).isPessimisticLock(BooleanType.FALSE).putKey(b("kx"), 0, 2)
            .putValue(b("vx"), 0, 2);
        prewrite.secondariesCount(0);
        prewrite.putPrimary(b("kx"), 0, 2);
        return MessageHeaderEncoder.ENCODED_LENGTH + prewrite.encodedLength();
    }

    private static Status awaitError(final RawSession raw, final long deadline) {
        raw.awaitReply(id -> id == ErrorResponseDecoder.TEMPLATE_ID, deadline);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(raw.lastFrame(), 0);
        return new ErrorResponseDecoder().wrap(raw.lastFrame(), MessageHeaderDecoder.ENCODED_LENGTH,
            header.blockLength(), header.version()).status();
    }

    private static void commit(final TxnRpc txn, final long startTs, final long commitTs, final byte[] key,
        final byte[] value) throws Exception {
        await(txn.prewrite(List.of(TxnMutation.put(key, value)), key, TxnRpc.PrewriteOptions.optimistic(startTs,
            3_000, 1), List.of()));
        await(txn.commit(List.of(key), startTs, commitTs));
    }

    private static byte[] awaitGet(final TxnRpc txn, final byte[] key, final long version) throws Exception {
        final long deadline = System.currentTimeMillis() + WAIT_S * 1000;
        while (true) {
            try {
                return await(txn.get(key, version));
            } catch (final ExecutionException ex) {
                assertTrue(System.currentTimeMillis() < deadline, "the new region never served: " + ex);
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    private static RawKvClient client(final StoreCluster cluster) {
        return RawKvClient.connect(new ClientConfig().storeEndpoints(cluster.endpoints()).clientName("txn-test")
            .secret(StoreCluster.ADMIN_SECRET).requestTimeoutMs(5_000).connectTimeoutMs(20_000));
    }

    private static <T> T await(final CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_S, TimeUnit.SECONDS);
    }

    private static <E extends Throwable> E failure(final CompletableFuture<?> future, final Class<E> type) {
        final ExecutionException ex = assertThrows(ExecutionException.class, () -> future.get(WAIT_S,
            TimeUnit.SECONDS));
        Throwable cause = ex.getCause();
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return assertInstanceOf(type, cause, ex.toString());
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(final byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
