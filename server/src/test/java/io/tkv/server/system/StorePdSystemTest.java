package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.PdClient;
import io.tkv.client.PdRegion;
import io.tkv.client.PdStore;
import io.tkv.client.RawKvClient;
import io.tkv.client.RegionInfo;
import io.tkv.client.TkvException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three real stores that talk to a real {@code tkv-pd} ({@code --pd}, heartbeats every 300 ms, a split checker with
 * tiny thresholds): PD lists the three stores UP with their addresses and labels, routes a key to region 1 and its
 * leader from the leader's heartbeats, and once a client wrote more than the region's maximum size the leader's split
 * checker splits it (a key from its data, ids from PD's AskSplit, the split through the log) — PD's region list shows
 * the regions the split made, each with a leader, and every key written is still read back. PD hears from region
 * heartbeats what was written to the region (nonzero once keys were written, never more than was written).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StorePdSystemTest {
    private static final long WAIT_MS = 60_000;
    private static final int KEYS = 600;
    private static final int VALUE_BYTES = 512;

    @TempDir
    Path dir;

    @Test
    void storesRegisterHeartbeatAndSplitARegionThatGrewPastItsMaximum() throws Exception {
        Files.createDirectories(dir);
        final Path clusterSecret = Files.writeString(dir.resolve("pd-cluster.secret"), StoreCluster.CLUSTER_SECRET);
        final Path adminSecret = Files.writeString(dir.resolve("pd-admin.secret"), StoreCluster.ADMIN_SECRET);
        try (PdProcess pd = new PdProcess(dir.resolve("pd"), StoreProcess.freePort(), "--store-id", "1",
            "--cluster-secret-file", clusterSecret.toString(), "--admin-secret-file", adminSecret.toString())) {
            pd.launch().awaitReady();
            try (StoreCluster cluster = StoreCluster.of(3).in(dir.resolve("stores"))
                .withArgs("--pd", pd.endpoint(), "--pd-store-heartbeat-ms", "300", "--pd-region-heartbeat-ms", "300",
                    "--region-max-size-kb", "64", "--region-split-size-kb", "32", "--split-check-interval-ms", "300")
                .withStoreArgs(1, "--labels", "zone=z1,host=h1")
                .withStoreArgs(2, "--labels", "zone=z2,host=h2")
                .withStoreArgs(3, "--labels", "zone=z3,host=h3")
                .start();
                PdClient client = PdClient.connect(new ClientConfig().storeEndpoints(pd.endpoint())
                    .clientName("store-pd-test").requestTimeoutMs(5_000).connectTimeoutMs(20_000))) {
                cluster.awaitLeader(WAIT_MS, cluster.all());

                final List<PdStore> stores = await("3 stores UP with addresses", () -> {
                    final List<PdStore> all = client.stores();
                    return all.size() == 3 && all.stream().allMatch(s -> "UP".equals(s.state())) ? all : null;
                });
                for (final PdStore store : stores) {
                    assertEquals(cluster.store(store.storeId()).endpoint(), store.address(), store.toString());
                    assertEquals("zone=z" + store.storeId() + ",host=h" + store.storeId(), store.labels());
                    assertTrue(store.capacity() > 0 && store.available() > 0, store.toString());
                    assertEquals(1, store.regionCount(), store.toString());
                }

                // The leader PD names is the one the stores agree on (PD's balance-leader may move it: ask again).
                final RegionInfo routed = await("PD routes a key to region 1 and its leader", () -> {
                    final RegionInfo region = getRegion(client, b("rany-key"));
                    return region != null && region.leaderStoreId() != 0
                        && region.leaderStoreId() == cluster.awaitLeader(WAIT_MS, cluster.all()) ? region : null;
                });
                assertEquals(1, routed.regionId());
                assertEquals(3, routed.peers().size(), routed.toString());

                final byte[] value = new byte[VALUE_BYTES];
                Arrays.fill(value, (byte)'v');
                try (RawKvClient kv = RawKvClient.connect(new ClientConfig().storeEndpoints(cluster.endpoints())
                    .clientName("store-pd-writer").requestTimeoutMs(10_000).connectTimeoutMs(20_000))) {
                    // Region heartbeats carry what was written to the region since the previous one: write keys of a
                    // known size one at a time, asking PD after each, until PD shows some written to region 1 (a
                    // heartbeat every 300 ms) — never more than was written so far.
                    final long deadline = System.currentTimeMillis() + WAIT_MS;
                    long puts = 0;
                    long bytes = 0;
                    PdRegion written = null;
                    while (written == null && System.currentTimeMillis() < deadline) {
                        final byte[] key = key((int)(puts % KEYS));
                        kv.put(key, value);
                        puts++;
                        bytes += key.length + value.length;
                        written = writtenTo(client, 1);
                    }
                    assertTrue(written != null, "PD never heard of writes to region 1 in " + puts + " puts");
                    System.out.println("STORE_PD_WRITTEN " + written + " after " + puts + " puts of " + bytes
                        + " bytes");
                    assertTrue(written.writtenKeys() > 0 && written.writtenKeys() <= puts, written + " keys, "
                        + puts + " put");
                    assertTrue(written.writtenBytes() > 0 && written.writtenBytes() <= bytes, written + " bytes, "
                        + bytes + " written");
                    for (int i = 0; i < KEYS; i++) {
                        kv.put(key(i), value);
                    }
                }

                // PD hears of a split's new region only from its leader's first heartbeat, a moment after the parent's
                // shrunk range: wait until what it knows tiles the key space.
                final List<PdRegion> regions = await("the split checker split region 1", () -> {
                    final List<PdRegion> all = client.scanRegions(new byte[0], new byte[0], 100);
                    return all.size() >= 2 && all.stream().allMatch(r -> r.region().leaderStoreId() != 0)
                        && tiles(all) ? all : null;
                });
                System.out.println("STORE_PD_REGIONS " + regions);
                assertEquals(0, regions.get(0).region().startKey().length, "the first region starts at the start");
                for (int i = 1; i < regions.size(); i++) {
                    assertArrayEquals(regions.get(i - 1).region().endKey(), regions.get(i).region().startKey(),
                        "regions tile the key space: " + regions);
                    assertTrue(regions.get(i).region().version() >= 2, regions.get(i).toString());
                }
                assertEquals(0, regions.get(regions.size() - 1).region().endKey().length);

                try (RawKvClient kv = RawKvClient.connect(new ClientConfig().storeEndpoints(cluster.endpoints())
                    .clientName("store-pd-reader").requestTimeoutMs(10_000).connectTimeoutMs(20_000))) {
                    for (int i = 0; i < KEYS; i++) {
                        assertArrayEquals(value, kv.get(key(i)), "key " + i);
                    }
                }
                final StringBuilder outputs = new StringBuilder();
                for (final long id : cluster.all()) {
                    outputs.append(cluster.store(id).output());
                }
                assertTrue(outputs.toString().contains("past the maximum: splitting at"),
                    "a leader's split checker split it");
            }
        }
    }

    @Test
    void aStoreWithoutAnInitialClusterTakesItsIdFromPdAndGetsAPeerFromAnOperator() throws Exception {
        Files.createDirectories(dir);
        final Path clusterSecret = Files.writeString(dir.resolve("pd-cluster.secret"), StoreCluster.CLUSTER_SECRET);
        final Path adminSecret = Files.writeString(dir.resolve("pd-admin.secret"), StoreCluster.ADMIN_SECRET);
        try (PdProcess pd = new PdProcess(dir.resolve("pd"), StoreProcess.freePort(), "--store-id", "1",
            "--cluster-secret-file", clusterSecret.toString(), "--admin-secret-file", adminSecret.toString(),
            "--schedulers", "none")) {
            pd.launch().awaitReady();
            final String[] pdArgs = {"--pd", pd.endpoint(), "--pd-store-heartbeat-ms", "300",
                "--pd-region-heartbeat-ms", "300"};
            final Path joinerDir = dir.resolve("joiner");
            try (StoreCluster cluster = StoreCluster.of(3).in(dir.resolve("stores")).withArgs(pdArgs).start();
                StoreProcess joiner = new StoreProcess(joinerDir, StoreProcess.freePort(),
                    concat(pdArgs, "--cluster-secret-file", clusterSecret.toString()));
                PdClient admin = PdClient.connect(new ClientConfig().storeEndpoints(pd.endpoint())
                    .clientName("store-pd-admin").secret(StoreCluster.ADMIN_SECRET).requestTimeoutMs(5_000)
                    .connectTimeoutMs(20_000))) {
                cluster.awaitLeader(WAIT_MS, cluster.all());
                try (RawKvClient kv = RawKvClient.connect(new ClientConfig().storeEndpoints(cluster.endpoints())
                    .clientName("store-pd-joiner-writer").requestTimeoutMs(10_000).connectTimeoutMs(20_000))) {
                    for (int i = 0; i < 20; i++) {
                        kv.put(key(i), b("value-" + i));
                    }
                }
                await("the 3 stores registered", () -> admin.stores().size() == 3 ? Boolean.TRUE : null);
                joiner.start();
                final List<PdStore> stores;
                try {
                    stores = await("4 stores UP", () -> {
                        final List<PdStore> all = admin.stores();
                        return all.size() == 4 && all.stream().allMatch(st -> "UP".equals(st.state())) ? all : null;
                    });
                } catch (final AssertionError ex) {
                    throw new AssertionError(ex.getMessage() + "; PD: " + admin.stores() + "\njoiner:\n"
                        + joiner.output() + "\npd:\n" + pd.output(), ex);
                }
                final PdStore joined = stores.stream().filter(st -> st.storeId() > 3).findFirst().orElseThrow();
                assertEquals(joiner.endpoint(), joined.address());
                assertEquals(String.valueOf(joined.storeId()),
                    Files.readString(joinerDir.resolve("store-id")).trim(), "the id PD gave is kept in the data dir");
                assertEquals(0, joined.regionCount(), "a joining store founds no region");

                await("region 1 led, as PD knows it", () -> {
                    final RegionInfo region = getRegionById(admin, 1);
                    return region != null && region.leaderStoreId() != 0 ? region : null;
                });
                admin.addOperator(1, io.tkv.client.OperatorStep.Kind.ADD_LEARNER, joined.storeId());
                final RegionInfo withLearner = await("a learner of region 1 on the new store", () -> {
                    final RegionInfo region = getRegionById(admin, 1);
                    return region != null && region.peers().stream()
                        .anyMatch(peer -> peer.storeId() == joined.storeId() && peer.learner()) ? region : null;
                });
                assertEquals(4, withLearner.peers().size(), withLearner.toString());
                await("the new store's peer filled by a snapshot", () ->
                    joiner.output().contains("region 1: installed snapshot") ? Boolean.TRUE : null);

                // A restart is the same store: its id from the data dir, not a new one from PD.
                joiner.kill();
                joiner.start();
                final String registered = "store " + joined.storeId() + " registered with PD";
                await("the restarted store registered again", () ->
                    count(joiner.output(), registered) == 2 ? Boolean.TRUE : null);
                assertEquals(1, count(joiner.output(), "PD allocated store id"), "PD was asked for an id once");
                assertEquals(4, admin.stores().size(), "no fifth store");

                // PD down while the store restarts: the store starts and serves anyway, and registers once PD is back.
                pd.kill();
                joiner.kill();
                joiner.start();
                await("the store tried PD and went on", () ->
                    joiner.output().contains("PD is unreachable") ? Boolean.TRUE : null);
                pd.launch().awaitReady();
                await("the store registered once PD came back", () ->
                    count(joiner.output(), registered) == 3 ? Boolean.TRUE : null);
            }
        }
    }

    private static int count(final String text, final String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private static String[] concat(final String[] first, final String... more) {
        final String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    /** @return the region as PD lists it, if PD knows some bytes and keys written to it lately; else null. */
    private static PdRegion writtenTo(final PdClient client, final long regionId) {
        try {
            for (final PdRegion region : client.scanRegions(new byte[0], new byte[0], 100)) {
                if (region.region().regionId() == regionId && region.writtenBytes() > 0) {
                    return region;
                }
            }
            return null;
        } catch (final TkvException ex) {
            return null;
        }
    }

    private static RegionInfo getRegionById(final PdClient client, final long regionId) {
        try {
            return client.getRegionById(regionId);
        } catch (final TkvException ex) {
            return null;
        }
    }

    private static RegionInfo getRegion(final PdClient client, final byte[] storedKey) {
        try {
            return client.getRegion(storedKey);
        } catch (final TkvException ex) {
            return null;
        }
    }

    private static <T> T await(final String what, final Supplier<T> probe) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        final List<String> errors = new ArrayList<>();
        while (System.currentTimeMillis() < deadline) {
            try {
                final T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (final TkvException ex) {
                if (errors.size() < 5) {
                    errors.add(ex.toString());
                }
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("never: " + what + " within " + WAIT_MS + " ms; errors " + errors);
    }

    private static byte[] key(final int i) {
        return b(String.format("user-%05d", i));
    }

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** @return whether the regions cover the key space from its start to its end with no gap. */
    private static boolean tiles(final List<PdRegion> regions) {
        if (regions.get(0).region().startKey().length != 0
            || regions.get(regions.size() - 1).region().endKey().length != 0) {
            return false;
        }
        for (int i = 1; i < regions.size(); i++) {
            if (!Arrays.equals(regions.get(i - 1).region().endKey(), regions.get(i).region().startKey())) {
                return false;
            }
        }
        return true;
    }
}
