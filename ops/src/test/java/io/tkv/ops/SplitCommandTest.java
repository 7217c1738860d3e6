package io.tkv.ops;

import io.tkv.server.StoreNode;
import io.tkv.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tkv-ctl split} against one store: it splits region 1 at a key and prints both regions; split again under the
 * epoch it had before, it is refused (exit 3, EPOCH_NOT_MATCH); under the new epoch, at a key of the new region, it
 * is refused too (KEY_NOT_IN_REGION), since region 1 now ends there; {@code tkv-ctl regions} lists both.
 * {@code tkv-ctl change-peer} is refused for a store the region's leader cannot reach, a peer that is not there and a
 * stale epoch, and needs {@code --store} to add.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SplitCommandTest {
    private static final String ADMIN_SECRET = "split test admin secret";

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private Result ctl(final String endpoint, final String... args) throws IOException {
        final Path secret = dir.resolve("admin.secret");
        if (!Files.exists(secret)) {
            Files.writeString(secret, ADMIN_SECRET);
        }
        final List<String> full = new ArrayList<>(List.of(args));
        full.addAll(List.of("--endpoint", endpoint, "--secret-file", secret.toString()));
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = TkvCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true),
            full.toArray(new String[0]));
        return new Result(code, out.toString(), err.toString());
    }

    private static String freeEndpoint() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    private StoreNode store(final String endpoint) {
        return StoreNode.start(new ServerConfig()
            .adminSecret(ADMIN_SECRET)
            .listenEndpoint(endpoint)
            .dataDir(dir.resolve("data"))
            .aeronDir("/dev/shm/tkv-splittest-" + ProcessHandle.current().pid())
            .idleStrategy("sleep-us:200"));
    }

    @Test
    void shouldPutGetScanAndDeleteRangeAcrossRegions() throws Exception {
        final String endpoint = freeEndpoint();
        try (StoreNode store = store(endpoint)) {
            for (final String key : List.of("a", "f", "m", "q", "t", "z")) {
                assertEquals(0, ctl(endpoint, "put", key, "v-" + key).code());
            }
            assertEquals(0, ctl(endpoint, "split", "m", "--new-region", "2", "--new-peers", "101").code());
            assertEquals(0, ctl(endpoint, "split", "t", "--epoch", "1,2", "--region", "2", "--new-region", "3",
                "--new-peers", "102").code());
            assertEquals(3, store.regions().size());

            assertEquals(0, ctl(endpoint, "put", "u", "v-u").code(), "a put to the last region");
            assertEquals("v-f\n", ctl(endpoint, "get", "f").out());
            assertEquals("v-q\n", ctl(endpoint, "get", "q").out());
            assertEquals("v-u\n", ctl(endpoint, "get", "u").out());
            assertEquals("a\tv-a\nf\tv-f\nm\tv-m\nq\tv-q\nt\tv-t\nu\tv-u\nz\tv-z\n",
                ctl(endpoint, "scan", "", "").out(), "a scan walks the three regions");
            assertEquals("z\nu\nt\nq\n", ctl(endpoint, "scan", "", "", "--reverse", "--keys-only", "--limit", "4")
                .out(), "and backwards, to its limit");
            final Result deleted = ctl(endpoint, "delete-range", "b", "u");
            assertEquals(0, deleted.code(), deleted.err());
            assertEquals("a\nu\nz\n", ctl(endpoint, "scan", "", "", "--keys-only").out());
        }
    }

    @Test
    void shouldSplitARegionAndRefuseAStaleSplit() throws Exception {
        final String endpoint = freeEndpoint();
        try (StoreNode store = store(endpoint)) {
            assertEquals(0, ctl(endpoint, "put", "a", "1").code());
            final Result split = ctl(endpoint, "split", "m", "--new-region", "2", "--new-peers", "101");
            assertEquals(0, split.code(), split.err());
            assertEquals("region 1 [, 726d) epoch (1, 2) peers [1@1]\n"
                + "region 2 [726d, end) epoch (1, 2) peers [101@1]\n", split.out());
            assertEquals(2, store.regions().size());
            final Result regions = ctl(endpoint, "regions");
            assertEquals(0, regions.code(), regions.err());
            final String[] lines = regions.out().split("\n");
            assertEquals(2, lines.length, regions.out());
            assertTrue(lines[0].startsWith("region 1 [, 726d) epoch (1, 2) stores [1] leader store 1 ~"), lines[0]);
            assertTrue(lines[1].startsWith("region 2 [726d, end) epoch (1, 2) stores [1] leader store 1 ~"), lines[1]);

            final Result stale = ctl(endpoint, "split", "f", "--new-region", "3", "--new-peers", "102");
            assertEquals(3, stale.code());
            assertTrue(stale.err().contains("EPOCH_NOT_MATCH"), stale.err());
            final Result outside = ctl(endpoint, "split", "x", "--epoch", "1,2", "--new-region", "3", "--new-peers",
                "102");
            assertEquals(3, outside.code());
            assertTrue(outside.err().contains("KEY_NOT_IN_REGION"), outside.err());
            assertEquals(2, store.regions().size());

            // Membership changes the store refuses before anything reaches the log.
            final Result unreachable = ctl(endpoint, "change-peer", "add-learner", "5", "--store", "9", "--epoch",
                "1,2");
            assertEquals(3, unreachable.code());
            assertTrue(unreachable.err().contains("store 9 is not one this store can reach"), unreachable.err());
            final Result absent = ctl(endpoint, "change-peer", "remove", "42", "--epoch", "1,2");
            assertEquals(3, absent.code());
            assertTrue(absent.err().contains("peer 42 is not in"), absent.err());
            final Result noStore = ctl(endpoint, "change-peer", "add-voter", "5", "--epoch", "1,2");
            assertEquals(2, noStore.code(), "usage: a new peer needs its store");
            final Result staleEpoch = ctl(endpoint, "change-peer", "remove", "1");
            assertEquals(3, staleEpoch.code());
            assertTrue(staleEpoch.err().contains("EPOCH_NOT_MATCH"), staleEpoch.err());
            assertEquals(1, store.regions().get(1).peers().size(), "nothing changed");
        }
    }
}
