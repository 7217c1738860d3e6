package io.tkv.ops;

import io.tkv.server.StoreNode;
import io.tkv.server.config.RaftSettings;
import io.tkv.server.config.ServerConfig;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tkv-ctl checksum} against three stores of one cluster, started in this JVM: they agree after writes, and a
 * store whose state was changed behind Raft's back is reported as a MISMATCH at the same applied index.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChecksumClusterTest {
    private static final String ADMIN_SECRET = "checksum test admin secret";
    private static final String CLUSTER_SECRET = "checksum test cluster secret";
    private static final long WAIT_MS = 30_000;

    @TempDir
    Path dir;

    private final List<String> endpoints = new ArrayList<>();
    private final StoreNode[] stores = new StoreNode[3];

    @AfterEach
    void stopStores() {
        for (final StoreNode store : stores) {
            if (store != null) {
                store.close();
            }
        }
    }

    private ServerConfig config(final int storeId) {
        final List<RaftSettings.StoreAddress> members = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            members.add(new RaftSettings.StoreAddress(i + 1, endpoints.get(i)));
        }
        final ServerConfig config = new ServerConfig()
            .storeId(storeId)
            .adminSecret(ADMIN_SECRET)
            .clusterSecret(CLUSTER_SECRET)
            .listenEndpoint(endpoints.get(storeId - 1))
            .dataDir(dir.resolve("store-" + storeId))
            .aeronDir("/dev/shm/tkv-checksumtest-" + ProcessHandle.current().pid() + "-" + storeId)
            .idleStrategy("sleep-us:200");
        config.raft().initialCluster(members);
        return config;
    }

    private Result ctl(final String... args) throws IOException {
        final Path adminSecret = dir.resolve("admin.secret");
        if (!Files.exists(adminSecret)) {
            Files.writeString(adminSecret, ADMIN_SECRET);
        }
        final List<String> full = new ArrayList<>(List.of(args));
        full.addAll(List.of("--endpoint", String.join(",", endpoints), "--secret-file", adminSecret.toString()));
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = TkvCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true),
            full.toArray(new String[0]));
        return new Result(code, out.toString(), err.toString());
    }

    private record Result(int code, String out, String err) {
    }

    @Test
    void shouldFindTheStoresConsistentAndAStoreChangedBehindRaftsBackAMismatch() throws Exception {
        for (int i = 0; i < stores.length; i++) {
            try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                endpoints.add("127.0.0.1:" + socket.getLocalPort());
            }
        }
        for (int id = 1; id <= stores.length; id++) {
            stores[id - 1] = StoreNode.start(config(id));
        }
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        Result put = ctl("put", "sum:0", "v0");
        while (put.code() != 0 && System.currentTimeMillis() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            put = ctl("put", "sum:0", "v0");
        }
        assertEquals(0, put.code(), "a leader takes writes: " + put.err());
        for (int i = 1; i < 20; i++) {
            assertEquals(0, ctl("put", "sum:" + i, "v" + i).code());
        }

        final Result consistent = ctl("checksum");
        assertEquals(0, consistent.code(), consistent.out() + consistent.err());
        assertTrue(consistent.out().contains("consistent: 3 stores at applied index "), consistent.out());
        final String[] lines = consistent.out().split("\n");
        for (int i = 0; i < stores.length; i++) {
            assertTrue(lines[i].startsWith("store " + endpoints.get(i) + " region 1 applied "), lines[i]);
            assertEquals(checksumOf(lines[0]), checksumOf(lines[i]), consistent.out());
        }

        // A key written into store 3's RocksDB while it is down: the log does not have it, so no replay removes it.
        stores[2].close();
        stores[2] = null;
        try (StorageEngine engine = StorageEngine.open(new StorageConfig().dataDir(dir.resolve("store-3"))
                .fsyncPolicy(FsyncPolicy.NONE));
             RawKvStore store = new RawKvStore(engine, SystemEpochClock.INSTANCE)) {
            final byte[] key = "sum:behind-raft".getBytes(StandardCharsets.UTF_8);
            store.put(new UnsafeBuffer(key), 0, key.length, new UnsafeBuffer(key), 0, key.length, 0);
        }
        stores[2] = StoreNode.start(config(3));
        final Result mismatch = ctl("checksum", "--wait-ms", String.valueOf(WAIT_MS));
        assertEquals(3, mismatch.code(), mismatch.out() + mismatch.err());
        assertTrue(mismatch.err().contains("MISMATCH"), mismatch.err());
    }

    private static String checksumOf(final String line) {
        final int at = line.indexOf(" checksum ");
        return line.substring(at, line.indexOf(" keys ", at));
    }
}
