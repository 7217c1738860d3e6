package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.ErrorCode;
import io.tkv.client.PdClient;
import io.tkv.client.TkvException;
import io.tkv.client.TxnMutation;
import io.tkv.client.TxnRpc;
import io.tkv.client.txn.Transaction;
import io.tkv.client.txn.TxnConfig;
import io.tkv.client.txn.TxnKv;
import io.tkv.storage.ColumnFamily;
import io.tkv.storage.EngineSnapshot;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.KvCursor;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import io.tkv.txn.TxnKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stores' GC on real processes: a PD and three stores running GC every 200 ms, region 1 split at "b" and "d" so
 * keys "a", "c", "e" live in three regions. Each key gets versions v1 and v2 below the safe point and v3 above it, and
 * an abandoned transaction leaves locks below the safe point in two regions (primary in one, secondary in another).
 * Once an admin sets PD's safe point, the leaders resolve the locks (the secondary's through its primary in the other
 * region), delete v1 through Raft, and keep v2 (the newest at or below the safe point) and v3: a read at the safe point
 * sees v2, a read now sees v3, a read below the safe point is refused, and on every replica's RocksDB (opened after the
 * stores stopped) each key has exactly one version at or below the safe point.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GcSystemTest {
    private static final long WAIT_MS = TxnCluster.WAIT_MS;
    private static final List<String> KEYS = List.of("a", "c", "e");
    private static final Pattern PASS = Pattern.compile("GC pass under safe point (\\d+): (\\d+) regions collected, "
        + "(\\d+) failed, (\\d+) versions deleted, (\\d+) locks");

    @TempDir
    Path dir;

    @Test
    void shouldCollectOldVersionsResolveOldLocksAndRefuseTooOldReads() throws Exception {
        final long safePoint;
        final TxnCluster cluster = TxnCluster.start(dir, "--gc-run-interval-ms", "200");
        try (TxnKv splitter = cluster.connect("gc-split", new TxnConfig())) {
            assertEquals(3, cluster.split(splitter.rpc(), "b", "d").size());
        } catch (final Exception ex) {
            cluster.close();
            throw ex;
        }
        try (TxnKv kv = cluster.connect("gc-test", new TxnConfig());
            PdClient admin = PdClient.connect(new ClientConfig().storeEndpoints(cluster.pdEndpoint())
                .clientName("gc-admin").secret(StoreCluster.ADMIN_SECRET).requestTimeoutMs(5_000)
                .connectTimeoutMs(20_000))) {
            final TxnRpc rpc = kv.rpc();
            commitAll(kv, "v1");
            commitAll(kv, "v2");
            // Abandoned: prewritten with a short TTL in two regions ("b1" primary, "d1" secondary), never committed.
            final long abandonedTs = kv.client().timestamp();
            rpc.prewrite(List.of(TxnMutation.put(b("b1"), b("dead")), TxnMutation.put(b("d1"), b("dead"))), b("b1"),
                TxnRpc.PrewriteOptions.optimistic(abandonedTs, 300, 2), List.of()).get(WAIT_MS, TimeUnit.MILLISECONDS);
            safePoint = kv.client().timestamp();
            commitAll(kv, "v3");
            assertTrue(admin.updateGcSafePoint(safePoint).updated());

            final long collected = awaitRegionsCollected(cluster, safePoint, 3);
            assertEquals(3, collected, "each region collected once, by its leader");
            assertEquals(List.of(), rpc.scanLock(b(""), new byte[0], safePoint, 100).get(WAIT_MS,
                TimeUnit.MILLISECONDS), "GC resolved every lock at or below the safe point");
            assertTrue(totals(cluster, safePoint)[1] >= KEYS.size(), "at least v1 of each key deleted");
            // At least the secondary's: checking its primary's status rolls the expired primary back, so the primary's
            // region may find no lock left when its turn comes.
            assertTrue(totals(cluster, safePoint)[2] >= 1, "GC resolved the abandoned transaction's locks");

            for (final String key : KEYS) {
                assertArrayEquals(b("v2-" + key), rpc.get(b(key), safePoint).get(WAIT_MS, TimeUnit.MILLISECONDS),
                    "the newest version at or below the safe point is kept: " + key);
            }
            try (Transaction now = kv.client().begin()) {
                for (final String key : KEYS) {
                    assertArrayEquals(b("v3-" + key), now.get(b(key)));
                }
                assertNull(now.get(b("b1")), "the abandoned transaction was rolled back");
                assertNull(now.get(b("d1")));
            }
            final ExecutionException tooOld = assertThrows(ExecutionException.class,
                () -> rpc.get(b("a"), safePoint - 1).get(WAIT_MS, TimeUnit.MILLISECONDS));
            final TkvException refused = assertInstanceOf(TkvException.class, tooOld.getCause());
            assertEquals(ErrorCode.GC_SAFE_POINT_EXCEEDED, refused.code(), refused.toString());
            final ExecutionException oldPrewrite = assertThrows(ExecutionException.class,
                () -> rpc.prewrite(List.of(TxnMutation.put(b("c"), b("late"))), b("c"),
                    TxnRpc.PrewriteOptions.optimistic(safePoint, 3_000, 1), List.of())
                    .get(WAIT_MS, TimeUnit.MILLISECONDS));
            assertEquals(ErrorCode.GC_SAFE_POINT_EXCEEDED, ((TkvException)oldPrewrite.getCause()).code());
            // A write after GC in every region: a replica that appended it had learned GC's deletes committed.
            commitAll(kv, "v4");
            for (final long storeId : cluster.stores().all()) {
                cluster.stores().store(storeId).output().lines().filter(line -> line.contains("GC "))
                    .forEach(line -> System.out.println("store " + storeId + ": " + line));
            }
        } finally {
            cluster.close();
        }
        for (final long storeId : cluster.stores().all()) {
            final List<String> counts = versionsAtOrBelow(cluster.stores().dataDir(storeId), safePoint);
            assertEquals(List.of("a=1", "c=1", "e=1"), counts, "store " + storeId
                + ": one version per key at or below the safe point (v1 collected)");
        }
    }

    private static void commitAll(final TxnKv kv, final String tag) {
        try (Transaction txn = kv.client().begin()) {
            for (final String key : KEYS) {
                txn.put(b(key), b(tag + "-" + key));
            }
            txn.commit();
        }
    }

    /** Waits for the stores' GC pass logs to report {@code regions} collected under the safe point. */
    private static long awaitRegionsCollected(final TxnCluster cluster, final long safePoint, final long regions)
        throws InterruptedException {
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        long collected = 0;
        while (System.currentTimeMillis() < deadline) {
            collected = totals(cluster, safePoint)[0];
            if (collected >= regions) {
                return collected;
            }
            Thread.sleep(50);
        }
        final StringBuilder logs = new StringBuilder();
        for (final long storeId : cluster.stores().all()) {
            logs.append(cluster.stores().store(storeId).output().lines().filter(line -> line.contains("GC"))
                .reduce("", (x, y) -> x + "\n" + y));
        }
        throw new AssertionError(collected + " regions collected under " + safePoint + " in time:" + logs);
    }

    /** @return regions collected, versions deleted, locks resolved under the safe point, from every store's log. */
    private static long[] totals(final TxnCluster cluster, final long safePoint) {
        final long[] totals = new long[3];
        for (final long storeId : cluster.stores().all()) {
            final Matcher matcher = PASS.matcher(cluster.stores().store(storeId).output());
            while (matcher.find()) {
                if (Long.parseLong(matcher.group(1)) == safePoint) {
                    totals[0] += Long.parseLong(matcher.group(2));
                    totals[1] += Long.parseLong(matcher.group(4));
                    totals[2] += Long.parseLong(matcher.group(5));
                }
            }
        }
        return totals;
    }

    /** Opens a stopped store's RocksDB and counts each key's write records at or below the safe point. */
    private static List<String> versionsAtOrBelow(final Path dataDir, final long safePoint) {
        final List<String> counts = new ArrayList<>();
        try (StorageEngine engine = StorageEngine.open(new StorageConfig().dataDir(dataDir)
            .fsyncPolicy(FsyncPolicy.NONE)); EngineSnapshot snapshot = new EngineSnapshot(engine)) {
            for (final String key : KEYS) {
                final byte[] encoded = TxnKeys.encode(b(key));
                int count = 0;
                try (KvCursor cursor = snapshot.cursor(ColumnFamily.WRITE, encoded, TxnKeys.withTs(encoded, 0))) {
                    for (cursor.seekToFirst(); cursor.valid(); cursor.next()) {
                        final byte[] versionKey = cursor.key();
                        if (TxnKeys.isVersionOf(versionKey, encoded) && TxnKeys.ts(versionKey) <= safePoint) {
                            count++;
                        }
                    }
                }
                counts.add(key + "=" + count);
            }
        }
        return counts;
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
