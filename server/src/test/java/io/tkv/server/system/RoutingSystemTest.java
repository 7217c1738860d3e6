package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.ErrorCode;
import io.tkv.client.KvPair;
import io.tkv.client.RawKvClient;
import io.tkv.client.RegionInfo;
import io.tkv.client.StoreStatus;
import io.tkv.client.TkvException;
import io.tkv.raft.linearizability.LinearizabilityChecker;
import io.tkv.raft.linearizability.Operation;
import io.tkv.raft.linearizability.RegisterModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three real stores; clients with no region configured route by key while region 1 is split into 16 regions under
 * load, whose leaders are then spread over the stores. A register workload over keys in several regions stays
 * linearizable; one writer's batches, batch gets, scans (forward and reverse, with limits) and delete-ranges across
 * regions always return what a single-region store would, checked against its own model; no client sees an error
 * (refusals for a region, and NOT_LEADER as leaders move, are retried inside the client).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RoutingSystemTest {
    private static final long ELECTION_WAIT_MS = 20_000;
    /** Split points (RawKV keys), in no order: 16 regions, each register reg-0..reg-7 in a region of its own. */
    private static final List<String> SPLITS = List.of("i", "reg-4", "c", "u", "reg-2", "f", "o", "x", "reg-6", "l",
        "reg-1", "s", "reg-3", "reg-5", "reg-7");
    /** Data keys: every letter but 'r' (the registers' prefix), so a scan over [a, r) or [s, end) sees data only. */
    private static final String LETTERS = "abcdefghijklmnopqstuvwxyz";

    @TempDir
    Path dir;

    @Test
    void shouldRouteByRegionWhileARegionSplitsIntoSixteenUnderLoad() throws Exception {
        try (StoreCluster cluster = StoreCluster.of(3).in(dir).start()) {
            cluster.awaitLeader(ELECTION_WAIT_MS, cluster.all());
            final List<Operation<RegisterModel.Op, Long>> history;
            final List<String> registerErrors;
            final BulkWriter bulk;
            try (RegisterWorkload workload = new RegisterWorkload(cluster.endpoints(), 3, 8, 7);
                 RawKvClient admin = client(cluster, "split-admin");
                 RawKvClient bulkClient = client(cluster, "bulk")) {
                bulk = new BulkWriter(bulkClient);
                workload.start();
                bulk.start();
                TimeUnit.MILLISECONDS.sleep(1_000);
                splitAll(admin);
                spreadLeaders(cluster);
                TimeUnit.MILLISECONDS.sleep(1_500);
                bulk.stop();
                history = workload.stop();
                registerErrors = workload.errors();
                System.out.println("ROUTING_HISTORY " + history.size() + " register operations, " + bulk.rounds()
                    + " bulk rounds");

                // After the load: the whole data set through scans that cross every region, and a delete-range.
                bulk.verifyAll();
            }
            assertEquals(List.of(), bulk.failures(), "the bulk writer saw errors or wrong answers");
            assertEquals(List.of(), registerErrors, "the register clients saw errors");
            assertTrue(bulk.rounds() >= 10, "the bulk writer got work done: " + bulk.rounds());
            assertTrue(history.size() > 100, "the register clients got work done: " + history.size());
            final LinearizabilityChecker.Result result = RegisterWorkload.check(history);
            assertTrue(result.ok(), "not linearizable: " + result);
        }
    }

    /** Splits region 1 at every split point in turn, each time in the region that holds the key, 300 ms apart. */
    private static void splitAll(final RawKvClient admin) throws InterruptedException {
        final List<RegionInfo> regions = new ArrayList<>();
        regions.add(new RegionInfo(1, new byte[0], new byte[0], 1, 1, 0, List.of()));
        long nextId = 2;
        for (final String split : SPLITS) {
            final byte[] stored = ("r" + split).getBytes(StandardCharsets.UTF_8);
            final RegionInfo parent = regions.stream().filter(r -> r.contains(stored)).findFirst().orElseThrow();
            final long id = nextId++;
            List<RegionInfo> halves;
            try {
                halves = admin.splitRegion(parent.regionId(), parent.confVer(), parent.version(), b(split), id,
                    id * 1000 + 1, id * 1000 + 2, id * 1000 + 3);
            } catch (final TkvException ex) {
                // A split the client sent again (after NOT_LEADER, say) may have applied the first time: the refusal
                // then carries both halves, the new one under the id we gave.
                halves = ex.code() == ErrorCode.EPOCH_NOT_MATCH ? appliedHalves(ex.regions(), parent.regionId(), id)
                    : List.of();
                // The refusal may carry only the parent: ask a store for its regions, until it applied the split.
                final long deadline = System.currentTimeMillis() + 5_000;
                while (halves.isEmpty() && ex.code() == ErrorCode.EPOCH_NOT_MATCH
                    && System.currentTimeMillis() < deadline) {
                    halves = appliedHalves(storeRegions(admin), parent.regionId(), id);
                    if (halves.isEmpty()) {
                        TimeUnit.MILLISECONDS.sleep(100);
                    }
                }
                if (halves.isEmpty()) {
                    throw ex;
                }
            }
            regions.remove(parent);
            regions.addAll(halves);
            TimeUnit.MILLISECONDS.sleep(300);
        }
        assertEquals(SPLITS.size() + 1, regions.size());
    }

    /** @return the regions the admin client's store holds, as RegionInfos (no peers). */
    private static List<RegionInfo> storeRegions(final RawKvClient admin) {
        return admin.storeStatus().regions().stream().map(r -> new RegionInfo(r.regionId(), r.startKey(), r.endKey(),
            r.confVer(), r.version(), r.leaderStoreId(), List.of())).toList();
    }

    /** @return the parent and the new region if the refusal's regions show the split applied, else empty. */
    private static List<RegionInfo> appliedHalves(final List<RegionInfo> regions, final long parentId,
        final long newId) {
        final RegionInfo parent = regions.stream().filter(r -> r.regionId() == parentId).findFirst().orElse(null);
        final RegionInfo created = regions.stream().filter(r -> r.regionId() == newId).findFirst().orElse(null);
        return parent != null && created != null && Arrays.equals(parent.endKey(), created.startKey())
            ? List.of(parent, created) : List.of();
    }

    /**
     * Hands each new region's leadership to store {@code id % 3 + 1} (the splits left them all on region 1's leader),
     * so the clients must follow a leader per region; returns once at least two stores lead regions.
     */
    private static void spreadLeaders(final StoreCluster cluster) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            final Map<Long, Long> leaders = leaders(cluster);
            for (final Map.Entry<Long, Long> region : leaders.entrySet()) {
                final long target = region.getKey() % 3 + 1;
                if (region.getKey() > 1 && region.getValue() > 0 && region.getValue() != target) {
                    try (RawKvClient leader = RawKvClient.connect(new ClientConfig()
                        .storeEndpoints(List.of(cluster.store(region.getValue()).endpoint()))
                        .secret(StoreCluster.ADMIN_SECRET).clientName("transfer").requestTimeoutMs(5_000)
                        .connectTimeoutMs(20_000))) {
                        leader.transferLeader(region.getKey(), target);
                    } catch (final TkvException ex) {
                        // The leadership moved meanwhile: the next round looks again.
                    }
                }
            }
            final long distinct = leaders(cluster).values().stream().filter(id -> id > 0).distinct().count();
            if (distinct >= 2) {
                System.out.println("ROUTING_LEADERS " + leaders(cluster));
                return;
            }
            assertTrue(System.currentTimeMillis() < deadline, "leaders never spread: " + leaders(cluster));
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** @return region id to the store leading it, as store 1 knows (0: unknown). */
    private static Map<Long, Long> leaders(final StoreCluster cluster) {
        try (RawKvClient one = RawKvClient.connect(new ClientConfig()
            .storeEndpoints(List.of(cluster.store(1).endpoint())).secret(StoreCluster.ADMIN_SECRET)
            .clientName("status").requestTimeoutMs(5_000).connectTimeoutMs(20_000))) {
            final Map<Long, Long> leaders = new TreeMap<>();
            for (final StoreStatus.Region region : one.storeStatus().regions()) {
                leaders.put(region.regionId(), region.leaderStoreId());
            }
            return leaders;
        }
    }

    private static RawKvClient client(final StoreCluster cluster, final String name) {
        return RawKvClient.connect(new ClientConfig().storeEndpoints(cluster.endpoints()).clientName(name)
            .secret(StoreCluster.ADMIN_SECRET).requestTimeoutMs(5_000).connectTimeoutMs(20_000));
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(final byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The only writer of the data keys, so its model is the truth: every answer must match it exactly, as one region
     * would answer.
     */
    private static final class BulkWriter {
        private final RawKvClient kv;
        private final NavigableMap<String, String> model = new TreeMap<>();
        private final List<String> failures = new ArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong rounds = new AtomicLong();
        private final AtomicReference<Throwable> crash = new AtomicReference<>();
        private final SplittableRandom random = new SplittableRandom(11);
        private Thread thread;

        BulkWriter(final RawKvClient kv) {
            this.kv = kv;
        }

        void start() {
            thread = new Thread(() -> {
                try {
                    while (running.get()) {
                        round(rounds.incrementAndGet());
                    }
                } catch (final Throwable ex) {
                    crash.set(ex);
                }
            }, "bulk-writer");
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
            if (crash.get() != null) {
                failures.add("crashed: " + crash.get());
            }
        }

        long rounds() {
            return rounds.get();
        }

        List<String> failures() {
            return failures;
        }

        private String randomKey() {
            return LETTERS.charAt(random.nextInt(LETTERS.length())) + "/" + random.nextInt(40);
        }

        private void round(final long round) {
            final List<KvPair> puts = new ArrayList<>();
            final TreeMap<String, String> batch = new TreeMap<>();
            for (int i = 0; i < 20; i++) {
                final String key = randomKey();
                if (batch.put(key, "v" + round + "-" + key) == null) {
                    puts.add(KvPair.of(key, "v" + round + "-" + key));
                }
            }
            kv.batchPut(puts);
            model.putAll(batch);

            final List<String> wanted = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                wanted.add(randomKey());
            }
            final List<String> expected = wanted.stream().filter(model::containsKey).toList();
            final List<KvPair> got = kv.batchGet(wanted.stream().map(RoutingSystemTest::b).toList());
            expect("batchGet " + wanted, expected.stream().map(k -> k + "=" + model.get(k)).toList(), got);

            final int limit = 1 + random.nextInt(150);
            final boolean reverse = random.nextBoolean();
            final boolean left = random.nextBoolean();
            scanAndCheck(left ? "a" : "s", left ? "r" : "", limit, reverse);

            if (round % 4 == 0) {
                final String from = randomKey();
                final String to = RegionsOf.after(from, random.nextInt(6));
                kv.deleteRange(b(from), b(to));
                model.subMap(from, true, to, false).clear();
            }
            if (round % 3 == 0) {
                final List<String> gone = List.of(randomKey(), randomKey(), randomKey());
                kv.batchDelete(gone.stream().map(RoutingSystemTest::b).toList());
                gone.forEach(model::remove);
            }
        }

        private void scanAndCheck(final String from, final String to, final int limit, final boolean reverse) {
            NavigableMap<String, String> range = to.isEmpty() ? model.tailMap(from, true) :
                model.subMap(from, true, to, false);
            if (reverse) {
                range = range.descendingMap();
            }
            final List<String> expected = range.entrySet().stream().limit(limit)
                .map(e -> e.getKey() + "=" + e.getValue()).toList();
            final List<KvPair> got = kv.scan(b(from), to.isEmpty() ? null : b(to), limit, reverse, false);
            expect("scan [" + from + ", " + to + ") limit " + limit + (reverse ? " reverse" : ""), expected, got);
        }

        /** After the load: whole-range scans both ways, and a delete-range over every region. */
        void verifyAll() {
            scanAndCheck("a", "r", 10_000, false);
            scanAndCheck("a", "r", 10_000, true);
            scanAndCheck("s", "", 10_000, false);
            scanAndCheck("s", "", 10_000, true);
            kv.deleteRange(b("b"), b("y"));
            model.subMap("b", true, "y", false).clear();
            scanAndCheck("a", "r", 10_000, false);
            scanAndCheck("s", "", 10_000, true);
        }

        private void expect(final String what, final List<String> expected, final List<KvPair> got) {
            final List<String> actual = got.stream().map(p -> s(p.key()) + "=" + s(p.value())).toList();
            if (!expected.equals(actual) && failures.size() < 20) {
                failures.add(what + ": expected " + expected + " got " + actual);
            }
        }
    }

    /** Key arithmetic for the bulk writer's ranges. */
    private static final class RegionsOf {
        /** @return an end key some letters after {@code key}, never past "r" from below it (the registers). */
        static String after(final String key, final int letters) {
            final int at = LETTERS.indexOf(key.charAt(0));
            final int to = Math.min(LETTERS.length() - 1, at + letters);
            final String end = to == at ? key + "~" : String.valueOf(LETTERS.charAt(to));
            return key.charAt(0) < 'r' && end.compareTo("r") > 0 ? "r" : end;
        }
    }
}
