package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.PdClient;
import io.tkv.client.PdOperator;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proof of PD's scheduling on real processes: a real {@code tkv-pd} (a scheduling round every 100 ms, a
 * store DOWN after 5 s of silence) and three stores with {@code --pd} split their data into at least 8 regions; a
 * fourth store started with {@code --pd} alone joins, and PD moves replicas (add learner, snapshot, promote, remove)
 * and leaders to it until its balance schedulers have nothing worth doing — every region still 3 voters, every key
 * read back, nothing moving afterwards. Then one original store is killed for good: once it is DOWN the replica
 * checker gives every region it held a new replica on a live store, and the data is read and written again.
 *
 * <p>"Balanced" is what {@code BalanceRegionScheduler} and {@code BalanceLeaderScheduler} converge to (regions of
 * this test weigh PD's 1 MiB minimum each, so replicas balance by count): no store is a giver (at least half a unit
 * above the average) while another is a taker (more than half a unit below it). Moves are counted from PD's own log
 * ({@code operator N added: Operator{region=R, REGION ...}}), so none is missed between two polls.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RebalanceSystemTest {
    private static final long WAIT_MS = 60_000;
    private static final long REBALANCE_BOUND_MS = 90_000;
    private static final long MAX_STORE_DOWN_TIME_MS = 5_000;
    private static final long REPAIR_BOUND_MS = MAX_STORE_DOWN_TIME_MS + 60_000;
    private static final Pattern SNAPSHOT_TROUBLE = Pattern.compile(
        ".*snapshot \\S+ (?:to store \\d+ timed out|of region \\d+ from store \\d+ failed).*");
    private static final long QUIET_WATCH_MS = 5_000;
    private static final int MIN_REGIONS = 8;
    private static final int REPLICAS = 3;
    private static final int KEYS = 1_200;
    private static final int VALUE_BYTES = 512;
    private static final Pattern OPERATOR_ADDED =
        Pattern.compile("operator \\d+ added: Operator\\{region=\\d+, (\\w+) ");

    @TempDir
    Path dir;

    @Test
    void aJoiningStoreTakesItsShareAndADeadStoresReplicasAreRepaired() throws Exception {
        Files.createDirectories(dir);
        final Path clusterSecret = Files.writeString(dir.resolve("pd-cluster.secret"), StoreCluster.CLUSTER_SECRET);
        final Path adminSecret = Files.writeString(dir.resolve("pd-admin.secret"), StoreCluster.ADMIN_SECRET);
        try (PdProcess pd = new PdProcess(dir.resolve("pd"), StoreProcess.freePort(), "--store-id", "1",
            "--cluster-secret-file", clusterSecret.toString(), "--admin-secret-file", adminSecret.toString(),
            "--schedule-interval-ms", "100", "--max-store-down-time-ms", String.valueOf(MAX_STORE_DOWN_TIME_MS),
            "--store-heartbeat-interval-ms", "300")) {
            pd.launch().awaitReady();
            final String[] storeArgs = {"--pd", pd.endpoint(), "--pd-store-heartbeat-ms", "300",
                "--pd-region-heartbeat-ms", "300", "--region-max-size-kb", "64", "--region-split-size-kb", "32",
                "--split-check-interval-ms", "300"};
            try (StoreCluster cluster = StoreCluster.of(3).in(dir.resolve("stores")).withArgs(storeArgs).start();
                StoreProcess joiner = new StoreProcess(dir.resolve("joiner"), StoreProcess.freePort(),
                    concat(storeArgs, "--cluster-secret-file", clusterSecret.toString()));
                PdClient admin = PdClient.connect(new ClientConfig().storeEndpoints(pd.endpoint())
                    .clientName("rebalance-admin").secret(StoreCluster.ADMIN_SECRET).requestTimeoutMs(5_000)
                    .connectTimeoutMs(20_000))) {
                cluster.awaitLeader(WAIT_MS, cluster.all());
                try {
                    run(pd, cluster, joiner, admin);
                    keepLogs(pd, cluster, joiner);
                } catch (final AssertionError | RuntimeException ex) {
                    System.out.println("REBALANCE_FAILED PD view: " + safeRegions(admin) + "\nstores "
                        + safeStores(admin) + "\npd:\n" + tail(pd.output(), 120) + "\njoiner:\n"
                        + tail(joiner.output(), 80));
                    keepLogs(pd, cluster, joiner);
                    throw ex;
                }
            }
        }
    }

    private void run(final PdProcess pd, final StoreCluster cluster, final StoreProcess joiner, final PdClient admin)
        throws Exception {
        final byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte)'v');
        // Routed by PD while the stores split: PD learns a new region only from its leader's first heartbeat, so for
        // a while it answers the parent as it was (or nothing); the client trusts the regions the stores' refusals
        // carry over PD's older view, and asks the stores where PD lags.
        try (RawKvClient kv = kvClient(pd.endpoint(), cluster.endpoints(), "rebalance-writer")) {
            for (int i = 0; i < KEYS; i++) {
                kv.put(key(i), value);
            }
        }

        // The split checkers cut the data into regions of 32-64 KiB; wait until that and the leader balance among
        // the three stores settled (no operator, no new region for a while).
        final List<PdRegion> before = awaitSettled("at least " + MIN_REGIONS + " regions, settled on 3 stores", admin,
            WAIT_MS, regions -> regions.size() >= MIN_REGIONS && fullyReplicated(regions, 0));
        final int regionCount = before.size();
        System.out.println("REBALANCE_START regions=" + regionCount + " " + describe(before));

        // A fourth store with --pd alone: it takes its id from PD and gets every peer from PD's operators.
        final int logMark = pd.output().length();
        final long joinedAt = System.nanoTime();
        joiner.start();
        final long joinerId = await("the fourth store registered UP", WAIT_MS, () -> admin.stores().stream()
            .filter(s -> s.storeId() > 3 && "UP".equals(s.state())).map(PdStore::storeId).findFirst().orElse(null));
        final List<PdRegion> balanced = awaitSettled("replicas and leaders balanced over 4 stores", admin,
            REBALANCE_BOUND_MS, regions -> fullyReplicated(regions, 0) && balanced(regions, List.of(1L, 2L, 3L,
            joinerId)));
        final long rebalanceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joinedAt);
        final Map<String, Integer> moves = operatorsAdded(pd.output().substring(logMark));
        System.out.println("REBALANCE_MS=" + rebalanceMs + " MOVES=" + moves.getOrDefault("REGION", 0)
            + " LEADER_MOVES=" + moves.getOrDefault("LEADER", 0) + " REPAIRS=" + moves.getOrDefault("REPLICA", 0)
            + " CONF_VER_INCREMENTS=" + confVerIncrements(before, balanced) + " regions=" + regionCount
            + " (settled: no operator for 1 s)");
        System.out.println("REBALANCE_END " + describe(balanced));
        assertEquals(regionCount, balanced.size(), "no region split or merged while balancing");
        assertTrue(replicaCounts(balanced, List.of(joinerId)).get(joinerId) > 0, "the new store took replicas");
        assertTrue(leaderCounts(balanced, List.of(joinerId)).get(joinerId) > 0, "the new store took leaders");

        // No oscillation: a balanced cluster stays put.
        final int quietMark = pd.output().length();
        final long quietUntil = System.currentTimeMillis() + QUIET_WATCH_MS;
        while (System.currentTimeMillis() < quietUntil) {
            final List<PdRegion> now = regions(admin);
            assertTrue(fullyReplicated(now, 0) && balanced(now, List.of(1L, 2L, 3L, joinerId)),
                "balance held: " + describe(now));
            TimeUnit.MILLISECONDS.sleep(250);
        }
        assertEquals(Map.of(), operatorsAdded(pd.output().substring(quietMark)),
            "no operator in the " + QUIET_WATCH_MS + " ms after balancing");

        final List<String> all = new ArrayList<>(cluster.endpoints());
        all.add(joiner.endpoint());
        try (RawKvClient kv = kvClient(pd.endpoint(), all, "rebalance-reader")) {
            for (int i = 0; i < KEYS; i++) {
                assertArrayEquals(value, kv.get(key(i)), "key " + i + " after rebalancing");
            }
        }

        // Store 1 dies for good: once PD has it DOWN, the replica checker replaces each of its peers.
        final long victim = 1;
        final int repairMark = pd.output().length();
        final long killedAt = System.nanoTime();
        cluster.kill(victim);
        final List<PdRegion> repaired = await("every region back to 3 voters on live stores", REPAIR_BOUND_MS, () -> {
            final List<PdRegion> now = regions(admin);
            return now.size() == regionCount && fullyReplicated(now, victim) ? now : null;
        });
        final long repairMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        final List<String> live = List.of(cluster.store(2).endpoint(), cluster.store(3).endpoint(),
            joiner.endpoint());
        final byte[] after = "after the repair".getBytes(StandardCharsets.UTF_8);
        try (RawKvClient kv = kvClient(pd.endpoint(), live, "rebalance-after-kill")) {
            for (int i = 0; i < KEYS; i++) {
                assertArrayEquals(value, kv.get(key(i)), "key " + i + " after the repair");
                if (i % 10 == 0) {
                    kv.put(key(i), after);
                    assertArrayEquals(after, kv.get(key(i)), "a write after the repair, key " + i);
                    kv.put(key(i), value);
                }
            }
        }
        final long servedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        final Map<String, Integer> repairs = operatorsAdded(pd.output().substring(repairMark));
        System.out.println("REPAIR_MS=" + repairMs + " (max-store-down-time " + MAX_STORE_DOWN_TIME_MS + " ms)"
            + " REPAIRS=" + repairs.getOrDefault("REPLICA", 0) + " other operators " + repairs
            + " READ_WRITE_CHECKED_MS=" + servedMs + " " + describe(repaired));
        System.out.println("SNAPSHOT_TROUBLE (transfers given up or failed, any store):\n"
            + snapshotTrouble(cluster, joiner));
        assertEquals("DOWN", admin.store(victim).get(0).state(), "PD has the killed store DOWN");
        assertTrue(repairMs >= MAX_STORE_DOWN_TIME_MS, "nothing repaired before max-store-down-time: " + repairMs);
        assertTrue(repairMs <= REPAIR_BOUND_MS, "repaired within " + REPAIR_BOUND_MS + " ms: " + repairMs);
    }

    /**
     * @param regions     PD's regions.
     * @param deadStoreId a store whose peers do not count (0: none).
     * @return whether the regions tile the key space, each with a leader on a live store, {@value #REPLICAS} voters,
     *     none on the dead store, and no learner.
     */
    private static boolean fullyReplicated(final List<PdRegion> regions, final long deadStoreId) {
        if (regions.isEmpty() || regions.get(0).region().startKey().length != 0
            || regions.get(regions.size() - 1).region().endKey().length != 0) {
            return false;
        }
        for (int i = 0; i < regions.size(); i++) {
            final RegionInfo r = regions.get(i).region();
            if (i > 0 && !Arrays.equals(regions.get(i - 1).region().endKey(), r.startKey())) {
                return false;
            }
            if (r.leaderStoreId() == 0 || r.leaderStoreId() == deadStoreId || r.peers().size() != REPLICAS
                || r.peers().stream().anyMatch(p -> p.learner() || p.storeId() == deadStoreId)) {
                return false;
            }
        }
        return true;
    }

    /** PD's balance rule: no giver (at least half a unit above the average) while there is a taker (below by more). */
    private static boolean balanced(final List<PdRegion> regions, final List<Long> stores) {
        return settledCounts(replicaCounts(regions, stores)) && settledCounts(leaderCounts(regions, stores));
    }

    private static boolean settledCounts(final Map<Long, Integer> counts) {
        final double average = counts.values().stream().mapToInt(Integer::intValue).average().orElse(0);
        final int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        final int min = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        return !(max >= average + 0.5 && min < average - 0.5);
    }

    private static Map<Long, Integer> replicaCounts(final List<PdRegion> regions, final List<Long> stores) {
        final Map<Long, Integer> counts = zeros(stores);
        for (final PdRegion r : regions) {
            for (final RegionInfo.Peer p : r.region().peers()) {
                counts.computeIfPresent(p.storeId(), (id, n) -> n + 1);
            }
        }
        return counts;
    }

    private static Map<Long, Integer> leaderCounts(final List<PdRegion> regions, final List<Long> stores) {
        final Map<Long, Integer> counts = zeros(stores);
        for (final PdRegion r : regions) {
            counts.computeIfPresent(r.region().leaderStoreId(), (id, n) -> n + 1);
        }
        return counts;
    }

    private static Map<Long, Integer> zeros(final List<Long> stores) {
        final Map<Long, Integer> counts = new TreeMap<>();
        for (final long id : stores) {
            counts.put(id, 0);
        }
        return counts;
    }

    /** @return the conf-version increments from one view to the other, over the regions in both. */
    private static long confVerIncrements(final List<PdRegion> from, final List<PdRegion> to) {
        final Map<Long, Long> before = new TreeMap<>();
        for (final PdRegion r : from) {
            before.put(r.region().regionId(), r.region().confVer());
        }
        long increments = 0;
        for (final PdRegion r : to) {
            final Long was = before.get(r.region().regionId());
            if (was != null) {
                increments += r.region().confVer() - was;
            }
        }
        return increments;
    }

    /** @return operators PD's log says it added, by kind (REGION, LEADER, REPLICA, ADMIN ...). */
    private static Map<String, Integer> operatorsAdded(final String log) {
        final Map<String, Integer> byKind = new TreeMap<>();
        final Matcher m = OPERATOR_ADDED.matcher(log);
        while (m.find()) {
            byKind.merge(m.group(1), 1, Integer::sum);
        }
        return byKind;
    }

    /**
     * Waits until the condition holds on PD's regions with no operator running, and still holds, with the same
     * regions, a second later.
     */
    private static List<PdRegion> awaitSettled(final String what, final PdClient admin, final long timeoutMs,
        final java.util.function.Predicate<List<PdRegion>> condition) throws InterruptedException {
        final long[] since = {0};
        final List<List<PdRegion>> held = new ArrayList<>();
        return await(what, timeoutMs, () -> {
            final List<PdRegion> now = regions(admin);
            final List<PdOperator> running = admin.operators();
            if (!running.isEmpty() || !condition.test(now)) {
                since[0] = 0;
                return null;
            }
            if (since[0] == 0 || held.isEmpty() || !sameRegions(held.get(0), now)) {
                since[0] = System.currentTimeMillis();
                held.clear();
                held.add(now);
                return null;
            }
            return System.currentTimeMillis() - since[0] >= 1_000 ? now : null;
        });
    }

    private static boolean sameRegions(final List<PdRegion> a, final List<PdRegion> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).region().equals(b.get(i).region())) {
                return false;
            }
        }
        return true;
    }

    private static List<PdRegion> regions(final PdClient admin) {
        return admin.scanRegions(new byte[0], new byte[0], 1_000);
    }

    private static String safeRegions(final PdClient admin) {
        try {
            return describe(regions(admin)) + " operators " + admin.operators();
        } catch (final TkvException ex) {
            return ex.toString();
        }
    }

    private static String safeStores(final PdClient admin) {
        try {
            return admin.stores().toString();
        } catch (final TkvException ex) {
            return ex.toString();
        }
    }

    /** @return per region its id, conf version, leader store and peer stores (l: learner); then per-store counts. */
    private static String describe(final List<PdRegion> regions) {
        final StringBuilder out = new StringBuilder();
        final List<Long> stores = new ArrayList<>();
        for (final PdRegion r : regions) {
            out.append(r.region().regionId()).append("(cv").append(r.region().confVer()).append(" L")
                .append(r.region().leaderStoreId()).append(':');
            for (final RegionInfo.Peer p : r.region().peers()) {
                out.append(p.storeId()).append(p.learner() ? "l" : "").append(',');
                if (!stores.contains(p.storeId())) {
                    stores.add(p.storeId());
                }
            }
            out.setLength(out.length() - 1);
            out.append(") ");
        }
        stores.sort(Long::compare);
        return out.append("replicas ").append(replicaCounts(regions, stores)).append(" leaders ")
            .append(leaderCounts(regions, stores)).toString();
    }

    /** Keeps every process's output under target/ (the temp dir goes with the test). */
    /** @return the snapshot transfers the stores gave up or failed (a 30 s transfer timeout would slow a repair). */
    private static String snapshotTrouble(final StoreCluster cluster, final StoreProcess joiner) {
        final StringBuilder out = new StringBuilder();
        final List<String> outputs = new ArrayList<>();
        for (final long id : cluster.all()) {
            outputs.add(cluster.store(id).output());
        }
        outputs.add(joiner.output());
        for (final String output : outputs) {
            output.lines().filter(line -> SNAPSHOT_TROUBLE.matcher(line).matches())
                .forEach(line -> out.append("  ").append(line).append('\n'));
        }
        return out.length() == 0 ? "  none" : out.toString();
    }

    private static void keepLogs(final PdProcess pd, final StoreCluster cluster, final StoreProcess joiner) {
        try {
            final Path logs = Files.createDirectories(Path.of("target", "rebalance-logs"));
            Files.writeString(logs.resolve("pd.log"), pd.output());
            for (final long id : cluster.all()) {
                Files.writeString(logs.resolve("store-" + id + ".log"), cluster.store(id).output());
            }
            Files.writeString(logs.resolve("joiner.log"), joiner.output());
            final List<String> endpoints = new ArrayList<>(cluster.endpoints());
            endpoints.add(joiner.endpoint());
            final StringBuilder status = new StringBuilder();
            for (final String endpoint : endpoints) {
                try (RawKvClient store = RawKvClient.connect(new ClientConfig().storeEndpoints(endpoint)
                    .clientName("rebalance-status").secret(StoreCluster.ADMIN_SECRET).requestTimeoutMs(3_000)
                    .connectTimeoutMs(3_000))) {
                    final io.tkv.client.StoreStatus st = store.storeStatus();
                    status.append("store ").append(st.storeId()).append(' ').append(endpoint).append('\n');
                    st.regions().forEach(r -> status.append("  ").append(r).append('\n'));
                } catch (final RuntimeException ex) {
                    status.append(endpoint).append(": ").append(ex).append('\n');
                }
            }
            Files.writeString(logs.resolve("status.txt"), status.toString());
            System.out.println("REBALANCE_LOGS " + logs.toAbsolutePath());
        } catch (final java.io.IOException ex) {
            System.out.println("REBALANCE_LOGS not kept: " + ex);
        }
    }

    private static String tail(final String text, final int lines) {
        final String[] all = text.split("\n");
        return String.join("\n", Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    }

    /**
     * A client that routes by PD: once a fourth store joined, a store holds only some regions, so PD, which knows
     * where each is, is asked first (a store asked to locate a key of a region it does not hold answers
     * REGION_NOT_FOUND, and the client then asks the others).
     */
    private static RawKvClient kvClient(final String pdEndpoint, final List<String> endpoints, final String name) {
        return RawKvClient.connect(new ClientConfig().pdEndpoints(pdEndpoint).storeEndpoints(endpoints)
            .clientName(name).requestTimeoutMs(10_000).connectTimeoutMs(20_000));
    }

    private static String[] concat(final String[] first, final String... more) {
        final String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private static <T> T await(final String what, final long timeoutMs, final Supplier<T> probe)
        throws InterruptedException {
        final long deadline = System.currentTimeMillis() + timeoutMs;
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
        throw new AssertionError("never: " + what + " within " + timeoutMs + " ms; errors " + errors);
    }

    private static byte[] key(final int i) {
        return String.format("user-%05d", i).getBytes(StandardCharsets.UTF_8);
    }
}
