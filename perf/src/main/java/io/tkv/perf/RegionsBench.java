package io.tkv.perf;

import io.tkv.client.ClientConfig;
import io.tkv.client.RawKvClient;
import io.tkv.client.StoreStatus;
import io.tkv.client.TkvException;
import org.HdrHistogram.Histogram;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The steps of {@code perf/bin/bench-regions} that are not the load harness's:
 * <ul>
 *   <li>{@code spread}: splits region 1 of a running cluster into N regions at evenly spaced keys of the harness's
 *       key space ({@link KeySpace}: the load lands on every region), then moves the leaders round robin over the
 *       stores (admin TransferLeader, sent to each region's current leader) and waits until the stores say so;</li>
 *   <li>{@code miss}: what a region-cache miss costs a get: one client, one get at a time, alternating a get whose
 *       region is cached with a get after the client forgot every region (its region is located again, then the get
 *       goes to the leader); prints both as {@code RESULT} lines, p50/p99 in microseconds.</li>
 * </ul>
 * <pre>
 *   usage: RegionsBench spread ENDPOINTS ADMIN_SECRET_FILE REGIONS KEYS KEY_SIZE
 *          RegionsBench miss ENDPOINTS SAMPLES KEYS KEY_SIZE
 * </pre>
 */
public final class RegionsBench {
    private static final long SPREAD_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long RETRANSFER_NS = TimeUnit.SECONDS.toNanos(3);

    private RegionsBench() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length == 6 && "spread".equals(args[0])) {
            spread(List.of(args[1].split(",")), Files.readString(Path.of(args[2]), StandardCharsets.UTF_8).trim(),
                Integer.parseInt(args[3]), new KeySpace(Long.parseLong(args[4]), Integer.parseInt(args[5])));
        } else if (args.length == 5 && "miss".equals(args[0])) {
            miss(List.of(args[1].split(",")), Integer.parseInt(args[2]),
                new KeySpace(Long.parseLong(args[3]), Integer.parseInt(args[4])));
        } else {
            System.err.println("usage: RegionsBench spread ENDPOINTS ADMIN_SECRET_FILE REGIONS KEYS KEY_SIZE\n"
                + "       RegionsBench miss ENDPOINTS SAMPLES KEYS KEY_SIZE");
            System.exit(2);
        }
    }

    /** @return the split keys that cut the key space into {@code regions} equal parts. */
    static List<byte[]> splitKeys(final KeySpace keys, final int regions) {
        final List<byte[]> splitKeys = new ArrayList<>();
        for (int i = 1; i < regions; i++) {
            splitKeys.add(keys.encode(keys.keys() * i / regions, keys.newKeyBuffer()));
        }
        return splitKeys;
    }

    /** @return the store each region should be led by: the i-th region by start key on the (i mod n)-th store. */
    static Map<Long, Long> roundRobin(final List<Long> regionsByKey, final List<Long> storeIds) {
        final Map<Long, Long> wanted = new HashMap<>();
        for (int i = 0; i < regionsByKey.size(); i++) {
            wanted.put(regionsByKey.get(i), storeIds.get(i % storeIds.size()));
        }
        return wanted;
    }

    private static void spread(final List<String> endpoints, final String adminSecret, final int regions,
        final KeySpace keys) throws Exception {
        final long startNs = System.nanoTime();
        try (RawKvClient admin = connect(endpoints, adminSecret)) {
            SplitMany.splitAt(admin, endpoints.size(), splitKeys(keys, regions));
        }
        final long splitNs = System.nanoTime();
        final Map<Long, RawKvClient> byStore = new TreeMap<>();
        try {
            for (final String endpoint : endpoints) {
                final RawKvClient client = connect(List.of(endpoint), adminSecret);
                byStore.put(client.admin().storeStatus().storeId(), client);
            }
            final Map<Long, Long> wanted = roundRobin(regionsByKey(byStore.values().iterator().next(), regions),
                new ArrayList<>(byStore.keySet()));
            final Map<Long, Long> askedAtNs = new HashMap<>();
            Map<Long, Long> leaders = leaders(byStore);
            while (!leaders.equals(wanted)) {
                if (System.nanoTime() - startNs > SPREAD_TIMEOUT_NS) {
                    throw new IllegalStateException("leaders not spread in 60 s: " + leaders + ", wanted " + wanted);
                }
                for (final Map.Entry<Long, Long> region : wanted.entrySet()) {
                    final Long leader = leaders.get(region.getKey());
                    final Long asked = askedAtNs.get(region.getKey());
                    if (leader == null || leader.equals(region.getValue())
                        || asked != null && System.nanoTime() - asked < RETRANSFER_NS) {
                        continue;
                    }
                    try {
                        byStore.get(leader).admin().transferLeader(region.getKey(), region.getValue());
                    } catch (final TkvException ex) {
                        System.err.println("transfer of region " + region.getKey() + " refused, retried: " + ex);
                    }
                    askedAtNs.put(region.getKey(), System.nanoTime());
                }
                Thread.sleep(50);
                leaders = leaders(byStore);
            }
            final Map<Long, Integer> perStore = new TreeMap<>();
            leaders.values().forEach(store -> perStore.merge(store, 1, Integer::sum));
            System.out.printf(Locale.ROOT, "SPREAD regions=%d leaders_per_store=%s split_s=%.1f spread_s=%.1f%n",
                leaders.size(), perStore, (splitNs - startNs) / 1e9, (System.nanoTime() - splitNs) / 1e9);
        } finally {
            byStore.values().forEach(RawKvClient::close);
        }
    }

    /** @return the regions' ids by start key, as a store holding all of them lists them (waiting for all). */
    private static List<Long> regionsByKey(final RawKvClient store, final int regions) throws InterruptedException {
        final long deadline = System.nanoTime() + SPREAD_TIMEOUT_NS;
        while (true) {
            final List<StoreStatus.Region> held = new ArrayList<>(store.admin().storeStatus().regions());
            if (held.size() >= regions || System.nanoTime() > deadline) {
                held.sort((a, b) -> java.util.Arrays.compareUnsigned(a.startKey(), b.startKey()));
                return held.stream().map(StoreStatus.Region::regionId).toList();
            }
            Thread.sleep(50);
        }
    }

    /** @return each region's leader, by the stores' own word (a store says LEADER only of regions it leads). */
    private static Map<Long, Long> leaders(final Map<Long, RawKvClient> byStore) {
        final Map<Long, Long> leaders = new HashMap<>();
        for (final Map.Entry<Long, RawKvClient> store : byStore.entrySet()) {
            for (final StoreStatus.Region region : store.getValue().admin().storeStatus().regions()) {
                if ("LEADER".equals(region.role())) {
                    leaders.put(region.regionId(), store.getKey());
                }
            }
        }
        return leaders;
    }

    private static void miss(final List<String> endpoints, final int samples, final KeySpace keys) {
        final Histogram cached = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final Histogram missed = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final SplittableRandom random = new SplittableRandom(1);
        final byte[] key = keys.newKeyBuffer();
        try (RawKvClient client = connect(endpoints, "")) {
            for (int i = 0; i < Math.min(samples, 1_000); i++) {
                client.get(keys.encode(random.nextLong(keys.keys()), key));
            }
            final int regions = client.admin().cachedRegions();
            for (int i = 0; i < samples; i++) {
                keys.encode(random.nextLong(keys.keys()), key);
                long t0 = System.nanoTime();
                client.get(key);
                cached.recordValue(System.nanoTime() - t0);
                keys.encode(random.nextLong(keys.keys()), key);
                client.admin().forgetRegions();
                t0 = System.nanoTime();
                client.get(key);
                missed.recordValue(System.nanoTime() - t0);
            }
            print("get-cached", cached, regions);
            print("get-miss", missed, regions);
        }
    }

    private static void print(final String workload, final Histogram histogram, final int regions) {
        System.out.printf(Locale.ROOT, "RESULT workload=%s in_flight=1 cached_regions=%d ops=%d p50_us=%.1f "
            + "p99_us=%.1f max_us=%.1f%n", workload, regions, histogram.getTotalCount(),
            histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
            histogram.getMaxValue() / 1e3);
    }

    private static RawKvClient connect(final List<String> endpoints, final String secret) {
        return RawKvClient.connect(new ClientConfig().storeEndpoints(endpoints).secret(secret)
            .clientName("regions-bench-" + ProcessHandle.current().pid()).requestTimeoutMs(10_000)
            .connectTimeoutMs(30_000));
    }
}
