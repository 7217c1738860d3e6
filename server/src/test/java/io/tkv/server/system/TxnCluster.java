package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.ErrorCode;
import io.tkv.client.RawKvClient;
import io.tkv.client.RegionInfo;
import io.tkv.client.TkvException;
import io.tkv.client.TxnRpc;
import io.tkv.client.txn.TxnConfig;
import io.tkv.client.txn.TxnKv;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real PD and three real stores that sync their max ts from it (so 1PC and async commit run), with region 1
 * pre-split at transactional user keys, for the {@link io.tkv.client.txn.TxnKvClient} system tests. Closing it kills
 * every process and removes their Aeron and native dirs (the data lives in the test's temp dir).
 */
final class TxnCluster implements AutoCloseable {
    static final long WAIT_MS = 20_000;
    /** New regions' ids, far above what PD hands out in these short tests. */
    private static final long FIRST_NEW_REGION_ID = 5_000;

    private final PdProcess pd;
    private final StoreCluster stores;
    private final List<RegionInfo> regions = new ArrayList<>();

    private TxnCluster(final PdProcess pd, final StoreCluster stores) {
        this.pd = pd;
        this.stores = stores;
    }

    /** Starts PD and the stores and waits for region 1's leader; on failure kills what started. */
    static TxnCluster start(final Path dir) throws IOException, InterruptedException {
        return start(dir, new String[0]);
    }

    /** As {@link #start(Path)}, each store started with {@code storeArgs} too. */
    static TxnCluster start(final Path dir, final String... storeArgs) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        final Path clusterSecret = Files.writeString(dir.resolve("pd-cluster.secret"), StoreCluster.CLUSTER_SECRET);
        final Path adminSecret = Files.writeString(dir.resolve("pd-admin.secret"), StoreCluster.ADMIN_SECRET);
        final PdProcess pd = new PdProcess(dir.resolve("pd"), StoreProcess.freePort(), "--store-id", "1",
            "--cluster-secret-file", clusterSecret.toString(), "--admin-secret-file", adminSecret.toString());
        StoreCluster stores = null;
        try {
            pd.launch().awaitReady();
            final String[] args = Arrays.copyOf(new String[] {"--pd", pd.endpoint()}, 2 + storeArgs.length);
            System.arraycopy(storeArgs, 0, args, 2, storeArgs.length);
            stores = StoreCluster.of(3).in(dir.resolve("stores")).withArgs(args).start();
            stores.awaitLeader(WAIT_MS, stores.all());
            return new TxnCluster(pd, stores);
        } catch (final IOException | InterruptedException | RuntimeException ex) {
            if (stores != null) {
                stores.close();
            }
            pd.close();
            throw ex;
        }
    }

    StoreCluster stores() {
        return stores;
    }

    /** @return PD's client endpoint (its admin secret is {@link StoreCluster#ADMIN_SECRET}). */
    String pdEndpoint() {
        return pd.endpoint();
    }

    /** @return a transactional client of the stores and PD; close it. */
    TxnKv connect(final String name, final TxnConfig config) {
        return connect(name, config, 5_000);
    }

    /** As {@link #connect(String, TxnConfig)}, a store request failing after {@code requestTimeoutMs}. */
    TxnKv connect(final String name, final TxnConfig config, final long requestTimeoutMs) {
        return TxnKv.connect(
            new ClientConfig().storeEndpoints(stores.endpoints()).clientName(name).secret(StoreCluster.ADMIN_SECRET)
                .requestTimeoutMs(requestTimeoutMs).connectTimeoutMs(20_000),
            new ClientConfig().storeEndpoints(pd.endpoint()).clientName(name + "-tso").requestTimeoutMs(5_000)
                .connectTimeoutMs(20_000),
            config);
    }

    /**
     * Splits region 1 at each user key, highest first, so that region 1 (whose leader is established) is the one split
     * each time; the new regions get ids from {@link #FIRST_NEW_REGION_ID}.
     *
     * @return the regions, region 1 first.
     */
    List<RegionInfo> split(final TxnRpc admin, final String... userKeys) throws InterruptedException {
        final String[] highestFirst = userKeys.clone();
        Arrays.sort(highestFirst, (a, b) -> b.compareTo(a));
        RegionInfo parent = new RegionInfo(1, new byte[0], new byte[0], 1, 1, 0, List.of());
        long nextId = FIRST_NEW_REGION_ID;
        for (final String key : highestFirst) {
            final long id = nextId++;
            final List<RegionInfo> halves = splitOnce(admin, parent, key, id);
            parent = halves.stream().filter(r -> r.regionId() == 1).findFirst().orElseThrow();
            regions.add(halves.stream().filter(r -> r.regionId() == id).findFirst().orElseThrow());
        }
        regions.add(0, parent);
        return List.copyOf(regions);
    }

    /**
     * Moves a region's leadership to the next store: asks each store in turn (an admin request is not forwarded to
     * the leader), and the one that leads it hands it on.
     *
     * @return the new leader, or 0 if no store took the request (an election in the way).
     */
    long transferLeaderOnward(final long regionId) {
        for (final long storeId : stores.all()) {
            final long target = storeId % stores.size() + 1;
            try (RawKvClient admin = RawKvClient.connect(new ClientConfig()
                .storeEndpoints(stores.store(storeId).endpoint()).clientName("transfer-" + regionId)
                .secret(StoreCluster.ADMIN_SECRET).requestTimeoutMs(2_000).connectTimeoutMs(5_000))) {
                admin.transferLeader(regionId, target);
                return target;
            } catch (final TkvException ex) {
                if (ex.code() != ErrorCode.NOT_LEADER) {
                    System.out.println("transfer of region " + regionId + " via store " + storeId + ": " + ex);
                }
            }
        }
        return 0;
    }

    /** @return the regions made by {@link #split}, region 1 first. */
    List<RegionInfo> regions() {
        return List.copyOf(regions);
    }

    private static List<RegionInfo> splitOnce(final TxnRpc admin, final RegionInfo parent, final String key,
        final long id) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        while (true) {
            try {
                return admin.splitRegion(parent.regionId(), parent.confVer(), parent.version(),
                    key.getBytes(StandardCharsets.UTF_8), id, id * 10 + 1, id * 10 + 2, id * 10 + 3)
                    .get(WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (final ExecutionException | CompletionException ex) {
                // A split resent after NOT_LEADER may have applied the first time: the refusal carries both halves.
                final Throwable cause = ex.getCause();
                if (cause instanceof TkvException tkv && tkv.code() == ErrorCode.EPOCH_NOT_MATCH) {
                    final List<RegionInfo> applied = tkv.regions().stream()
                        .filter(r -> r.regionId() == parent.regionId() || r.regionId() == id).toList();
                    if (applied.size() == 2) {
                        return applied;
                    }
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("split of region " + parent.regionId() + " at " + key, cause);
                }
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (final java.util.concurrent.TimeoutException ex) {
                throw new IllegalStateException("split of region " + parent.regionId() + " at " + key + " hung", ex);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stores.close();
        } finally {
            pd.close();
        }
    }
}
