package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.ErrorCode;
import io.tkv.client.OperatorStep;
import io.tkv.client.PdClient;
import io.tkv.client.PdOperator;
import io.tkv.client.PdRegion;
import io.tkv.client.PdStore;
import io.tkv.client.RegionHeartbeatReport;
import io.tkv.client.RegionInfo;
import io.tkv.client.SplitIds;
import io.tkv.client.StoreHeartbeatReport;
import io.tkv.client.TkvException;
import io.tkv.server.region.RegionListWriter;
import io.tkv.storage.RegionDescriptor;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code tkv-pd} serving stores, routes and operators on a real process over real Aeron, driven by {@link PdClient}
 * sessions that play the stores (they prove the cluster secret), an operator (admin secret) and a client: four stores
 * register, two adjacent regions report, routing by key and by id, scans and stores answer what was reported; a client
 * session may not heartbeat; a stale heartbeat changes nothing; an admin's leader transfer comes back in the region's
 * next heartbeat; a store that stops heartbeating for longer than max-store-down-time has its replica repaired on the
 * spare fourth store; and after a restart PD still knows every store (durable), while regions come back only with
 * their heartbeats. With three PD members, the leader killed (-9): the new leader knows every store and its address at
 * once (they are in PD's Raft log) and relearns the region from its next heartbeat.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PdRoutingSystemTest {
    private static final String CLUSTER_SECRET = "pd routing test cluster secret";
    private static final String ADMIN_SECRET = "pd routing test admin secret";
    private static final long GB = 1L << 30;
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] SPLIT_KEY = "rm".getBytes(StandardCharsets.UTF_8);
    private static final long WAIT_S = 10;

    @TempDir
    Path dir;

    private final List<PdProcess> processes = new ArrayList<>();
    private final List<PdClient> clients = new ArrayList<>();
    private final AtomicBoolean stopHeartbeats = new AtomicBoolean();
    private final AtomicLong silentStore = new AtomicLong();
    private Thread heartbeater;

    @AfterEach
    void tearDown() throws Exception {
        stopHeartbeats.set(true);
        if (heartbeater != null) {
            heartbeater.join(10_000);
        }
        for (final PdClient client : clients) {
            client.close();
        }
        for (final PdProcess process : processes) {
            process.close();
        }
    }

    @Test
    void pdRoutesByHeartbeatsRepairsReplicasRunsOperatorsAndKeepsStoresAcrossARestart() throws Exception {
        final int port = StoreProcess.freePort();
        final String[] args = {"--store-id", "1",
            "--cluster-secret-file", Files.writeString(dir.resolve("cluster.secret"), CLUSTER_SECRET).toString(),
            "--admin-secret-file", Files.writeString(dir.resolve("admin.secret"), ADMIN_SECRET).toString(),
            "--max-store-down-time-ms", "3000", "--schedule-interval-ms", "100",
            "--store-heartbeat-interval-ms", "500"};
        final PdProcess pd = new PdProcess(dir.resolve("pd"), port, args);
        processes.add(pd);
        pd.launch().awaitReady();
        final PdClient store = connect(pd, "stores", CLUSTER_SECRET);
        final PdClient admin = connect(pd, "admin", ADMIN_SECRET);
        final PdClient client = connect(pd, "client", "");

        // Balancing would move peers to the empty fourth store: only the replica checker runs here.
        admin.setScheduler("balance-leader", false);
        final Map<String, Boolean> schedulers = admin.setScheduler("balance-region", false);
        assertEquals(Map.of("balance-leader", false, "balance-region", false, "replica-checker", true), schedulers);
        assertCode(ErrorCode.MALFORMED, () -> admin.setScheduler("balance-everything", true));
        assertCode(ErrorCode.UNAUTHENTICATED, () -> client.setScheduler("replica-checker", false));

        // Four stores register (the fourth is the spare) and heartbeat.
        for (int id = 1; id <= 4; id++) {
            store.putStore(id, address(id), "zone=z" + id + ",host=h" + id).get(WAIT_S, TimeUnit.SECONDS);
            storeHeartbeat(store, id);
        }
        startHeartbeats(store, 1, 2, 3, 4);
        assertCode(ErrorCode.MALFORMED, () -> store.putStore(5, "no-port", "").get(WAIT_S, TimeUnit.SECONDS));
        assertCode(ErrorCode.MALFORMED, () -> store.putStore(5, address(5), "zone").get(WAIT_S, TimeUnit.SECONDS));
        assertCode(ErrorCode.MALFORMED, () -> store.storeHeartbeat(report(9)).get(WAIT_S, TimeUnit.SECONDS));
        assertCode(ErrorCode.UNAUTHENTICATED, () -> client.putStore(6, address(6), "").get(WAIT_S, TimeUnit.SECONDS));
        assertCode(ErrorCode.UNAUTHENTICATED, () -> client.storeHeartbeat(report(1)).get(WAIT_S, TimeUnit.SECONDS));

        // Two adjacent regions report from their leader on store 1.
        assertEquals(OperatorStep.Kind.NONE, heartbeat(store, 10, EMPTY, SPLIT_KEY, 2, 1, 5, 1000).kind());
        assertEquals(OperatorStep.Kind.NONE, heartbeat(store, 20, SPLIT_KEY, EMPTY, 2, 1, 5, 2000).kind());
        assertCode(ErrorCode.UNAUTHENTICATED, () -> client.regionHeartbeat(
            regionReport(10, EMPTY, SPLIT_KEY, 2, 1, 5, 1000)).get(WAIT_S, TimeUnit.SECONDS));

        final RegionInfo left = client.getRegion(stored("apple"));
        assertEquals(10, left.regionId());
        assertEquals(1, left.leaderStoreId());
        assertEquals(List.of(new RegionInfo.Peer(101, 1, false), new RegionInfo.Peer(102, 2, false),
            new RegionInfo.Peer(103, 3, false)), left.peers());
        assertArrayEquals(SPLIT_KEY, left.endKey());
        assertEquals(20, client.getRegion(stored("zebra")).regionId());
        assertEquals(20, client.getRegion(SPLIT_KEY).regionId(), "the split key is the right region's first");
        final RegionInfo right = client.getRegionById(20);
        assertArrayEquals(SPLIT_KEY, right.startKey());
        assertEquals(0, right.endKey().length);
        assertEquals(2, right.version());
        assertCode(ErrorCode.REGION_NOT_FOUND, () -> client.getRegionById(99));

        final List<PdRegion> all = client.scanRegions(EMPTY, EMPTY, 100);
        assertEquals(List.of(10L, 20L), all.stream().map(r -> r.region().regionId()).toList());
        assertEquals(List.of(1000L, 2000L), all.stream().map(PdRegion::approximateSize).toList());
        assertEquals(List.of(10L, 20L), all.stream().map(PdRegion::approximateKeys).toList());
        assertEquals(List.of(500L, 1000L), all.stream().map(PdRegion::writtenBytes).toList(),
            "written in the interval before each region's last heartbeat");
        assertEquals(List.of(5L, 10L), all.stream().map(PdRegion::writtenKeys).toList());
        assertEquals(List.of(10L), client.scanRegions(EMPTY, EMPTY, 1).stream().map(r -> r.region().regionId())
            .toList());
        assertEquals(List.of(20L), client.scanRegions(stored("n"), EMPTY, 10).stream()
            .map(r -> r.region().regionId()).toList());

        final List<PdStore> stores = client.stores();
        assertEquals(List.of(1L, 2L, 3L, 4L), stores.stream().map(PdStore::storeId).toList());
        for (final PdStore s : stores) {
            assertEquals("UP", s.state(), s.toString());
            assertEquals(address((int)s.storeId()), s.address());
            assertEquals("zone=z" + s.storeId() + ",host=h" + s.storeId(), s.labels());
            assertEquals(100 * GB, s.capacity());
            assertTrue(s.lastHeartbeatMs() > 0, s.toString());
        }
        assertEquals(List.of(2, 2, 2, 0), stores.stream().map(PdStore::regionCount).toList());
        assertEquals(List.of(2, 0, 0, 0), stores.stream().map(PdStore::leaderCount).toList());
        assertEquals(List.of(3L), client.store(3).stream().map(PdStore::storeId).toList());

        // A heartbeat from before PD's view (an older epoch, e.g. a deposed leader) changes nothing.
        assertCode(ErrorCode.EPOCH_NOT_MATCH, () -> heartbeat(store, 10, EMPTY, stored("z"), 1, 1, 4, 5));
        assertArrayEquals(SPLIT_KEY, client.getRegionById(10).endKey());
        assertEquals(2, client.getRegionById(10).version());

        // AskSplit: fresh ids, one per peer.
        final SplitIds ids = store.askSplit(10, 1, 2, 3).get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(ids.newRegionId() > 0);
        assertEquals(3, Arrays.stream(ids.newPeerIds()).distinct().filter(id -> id != ids.newRegionId()).count());
        assertCode(ErrorCode.MALFORMED, () -> store.askSplit(10, 1, 2, 0).get(WAIT_S, TimeUnit.SECONDS));

        // An operator's leader transfer is the answer to the region's next heartbeat, until the region shows it.
        assertCode(ErrorCode.UNAUTHENTICATED, () -> client.addOperator(20, OperatorStep.Kind.TRANSFER_LEADER, 2));
        assertCode(ErrorCode.MALFORMED, () -> admin.addOperator(20, OperatorStep.Kind.TRANSFER_LEADER, 4));
        assertCode(ErrorCode.REGION_NOT_FOUND, () -> admin.addOperator(99, OperatorStep.Kind.TRANSFER_LEADER, 2));
        final long operatorId = admin.addOperator(20, OperatorStep.Kind.TRANSFER_LEADER, 2);
        final List<PdOperator> running = admin.operators();
        assertEquals(1, running.size(), running.toString());
        assertEquals(new PdOperator(20, operatorId, OperatorStep.Kind.TRANSFER_LEADER, 2,
            running.get(0).description()), running.get(0));
        final OperatorStep transfer = heartbeat(store, 20, SPLIT_KEY, EMPTY, 2, 1, 5, 2000);
        assertEquals(new OperatorStep(20, 1, 2, operatorId, OperatorStep.Kind.TRANSFER_LEADER, 202, 2), transfer);
        assertEquals(OperatorStep.Kind.NONE, heartbeat(store, 20, SPLIT_KEY, EMPTY, 2, 2, 6, 2000).kind(),
            "store 2 leads now: the operator is done");
        assertEquals(List.of(), admin.operators());
        assertEquals(2, client.getRegion(SPLIT_KEY).leaderStoreId());

        // Store 3 goes silent; the others keep heartbeating. Once it is DOWN its replica moves to store 4.
        silentStore.set(3);
        OperatorStep repair = OperatorStep.none(10);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (repair.kind() == OperatorStep.Kind.NONE && System.nanoTime() < deadline) {
            Thread.sleep(200);
            repair = heartbeat(store, 10, EMPTY, SPLIT_KEY, 2, 1, 5, 1000);
        }
        assertEquals(OperatorStep.Kind.ADD_LEARNER, repair.kind(), "no replica repair within 20 s: " + repair);
        assertEquals(4, repair.storeId());
        assertTrue(repair.peerId() > 0);
        assertEquals("DOWN", client.store(3).get(0).state());
        final PdOperator repairing = admin.operators().stream().filter(op -> op.regionId() == 10).findFirst()
            .orElseThrow();
        assertEquals(repair.operatorId(), repairing.operatorId());
        assertTrue(repairing.description().contains("replica"), repairing.description());

        // Restarted, PD still knows every store from its Raft state; regions come back with their heartbeats.
        stopHeartbeats.set(true);
        heartbeater.join(10_000);
        for (final PdClient c : clients) {
            c.close();
        }
        clients.clear();
        assertTrue(pd.stop(), pd.output());
        processes.clear();
        final PdProcess restarted = new PdProcess(dir.resolve("pd"), port, args);
        processes.add(restarted);
        restarted.launch().awaitReady();
        final PdClient after = connect(restarted, "after-restart", CLUSTER_SECRET);
        final List<PdStore> known = after.stores();
        assertEquals(List.of(1L, 2L, 3L, 4L), known.stream().map(PdStore::storeId).toList());
        for (final PdStore s : known) {
            assertEquals(address((int)s.storeId()), s.address());
            assertEquals("zone=z" + s.storeId() + ",host=h" + s.storeId(), s.labels());
            assertEquals(0, s.lastHeartbeatMs(), "not heard from since the restart: " + s);
        }
        final TkvException notYet = assertCode(ErrorCode.REGION_NOT_FOUND, () -> after.getRegionById(10));
        assertTrue(notYet.getMessage().contains("heartbeats"), notYet.getMessage());
        assertEquals(OperatorStep.Kind.NONE, heartbeat(after, 10, EMPTY, SPLIT_KEY, 2, 1, 5, 1000).kind());
        assertEquals(10, after.getRegion(stored("apple")).regionId());
    }

    @Test
    void aNewPdLeaderKnowsEveryStoreAtOnceAndRelearnsRegionsFromHeartbeats() throws Exception {
        final int[] ports = {StoreProcess.freePort(), StoreProcess.freePort(), StoreProcess.freePort()};
        final String initialCluster = "1=127.0.0.1:" + ports[0] + ",2=127.0.0.1:" + ports[1] + ",3=127.0.0.1:"
            + ports[2];
        final Path secret = Files.writeString(dir.resolve("cluster.secret"), CLUSTER_SECRET);
        for (int i = 0; i < 3; i++) {
            processes.add(new PdProcess(dir.resolve("pd" + (i + 1)), ports[i], "--store-id", String.valueOf(i + 1),
                "--initial-cluster", initialCluster, "--cluster-secret-file", secret.toString()));
        }
        for (final PdProcess member : processes) {
            member.launch();
        }
        for (final PdProcess member : processes) {
            member.awaitReady();
        }
        final PdClient store = PdClient.connect(new ClientConfig()
            .storeEndpoints(processes.stream().map(PdProcess::endpoint).toList())
            .clientName("stores")
            .secret(CLUSTER_SECRET)
            .requestTimeoutMs(5_000)
            .connectTimeoutMs(20_000));
        clients.add(store);
        for (int id = 1; id <= 3; id++) {
            store.putStore(id, address(id), "zone=z" + id).get(WAIT_S, TimeUnit.SECONDS);
            storeHeartbeat(store, id);
        }
        assertEquals(OperatorStep.Kind.NONE, heartbeat(store, 10, EMPTY, EMPTY, 1, 1, 3, 100).kind());
        assertEquals(10, store.getRegion(stored("k")).regionId());

        final long leader = store.members().leaderId();
        processes.get((int)leader - 1).kill();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<PdStore> known = List.of();
        while (System.nanoTime() < deadline) {
            try {
                known = store.stores();
                break;
            } catch (final TkvException ex) {
                Thread.sleep(100);
            }
        }
        final long newLeader = store.members().leaderId();
        assertTrue(newLeader != leader && newLeader != 0, "new leader " + newLeader + " after " + leader);
        assertEquals(List.of(1L, 2L, 3L), known.stream().map(PdStore::storeId).toList());
        assertEquals(List.of(address(1), address(2), address(3)), known.stream().map(PdStore::address).toList());
        assertEquals(List.of("zone=z1", "zone=z2", "zone=z3"), known.stream().map(PdStore::labels).toList());
        assertCode(ErrorCode.REGION_NOT_FOUND, () -> store.getRegionById(10));
        assertEquals(OperatorStep.Kind.NONE, heartbeat(store, 10, EMPTY, EMPTY, 1, 1, 3, 100).kind());
        assertEquals(10, store.getRegion(stored("k")).regionId());
    }

    private void startHeartbeats(final PdClient store, final int... storeIds) {
        heartbeater = new Thread(() -> {
            while (!stopHeartbeats.get()) {
                try {
                    for (final int id : storeIds) {
                        if (id != silentStore.get()) {
                            storeHeartbeat(store, id);
                        }
                    }
                    Thread.sleep(300);
                } catch (final InterruptedException ex) {
                    return;
                } catch (final Exception ex) {
                    if (!stopHeartbeats.get()) {
                        System.out.println("PD_ROUTING_STORE_HEARTBEAT_FAILED " + ex);
                    }
                }
            }
        }, "store-heartbeats");
        heartbeater.start();
    }

    private static void storeHeartbeat(final PdClient store, final int storeId) throws Exception {
        store.storeHeartbeat(report(storeId)).get(WAIT_S, TimeUnit.SECONDS);
    }

    private static StoreHeartbeatReport report(final int storeId) {
        return new StoreHeartbeatReport(storeId, 100 * GB, 60 * GB, 40 * GB, 2, 1, 4096, 16);
    }

    /** A heartbeat of a region with peers id*10+1..3 on stores 1..3, led by the peer on {@code leaderStore}. */
    private static OperatorStep heartbeat(final PdClient store, final long regionId, final byte[] start,
        final byte[] end, final long version, final int leaderStore, final long term, final long size)
        throws Exception {
        return await(store.regionHeartbeat(regionReport(regionId, start, end, version, leaderStore, term, size)));
    }

    private static RegionHeartbeatReport regionReport(final long regionId, final byte[] start, final byte[] end,
        final long version, final int leaderStore, final long term, final long size) {
        final List<RegionDescriptor.Peer> peers = new ArrayList<>();
        for (int s = 1; s <= 3; s++) {
            peers.add(new RegionDescriptor.Peer(regionId * 10 + s, s, RegionDescriptor.Role.VOTER));
        }
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final int length = new RegionListWriter().write(
            List.of(new RegionDescriptor(regionId, start, end, 1, version, peers)), id -> leaderStore, buffer, 0);
        final byte[] regionList = new byte[length];
        buffer.getBytes(0, regionList);
        return new RegionHeartbeatReport(leaderStore, regionId * 10 + leaderStore, term, size, size / 100, size / 2,
            size / 200, new long[0], new long[0], new long[0], regionList);
    }

    private static <T> T await(final CompletableFuture<T> future) throws Exception {
        try {
            return future.get(WAIT_S, TimeUnit.SECONDS);
        } catch (final ExecutionException ex) {
            if (ex.getCause() instanceof TkvException tkv) {
                throw tkv;
            }
            throw ex;
        }
    }

    private static TkvException assertCode(final ErrorCode code, final Executable call) {
        try {
            call.execute();
        } catch (final TkvException ex) {
            assertEquals(code, ex.code(), ex.toString());
            return ex;
        } catch (final ExecutionException ex) {
            if (ex.getCause() instanceof TkvException tkv) {
                assertEquals(code, tkv.code(), tkv.toString());
                return tkv;
            }
            fail("expected " + code + ", got " + ex);
        } catch (final Throwable ex) {
            fail("expected " + code + ", got " + ex);
        }
        return fail("expected " + code + ", but the call succeeded");
    }

    private static byte[] stored(final String userKey) {
        return ("r" + userKey).getBytes(StandardCharsets.UTF_8);
    }

    private static String address(final int storeId) {
        return "127.0.0.1:" + (20160 + storeId);
    }

    private PdClient connect(final PdProcess pd, final String name, final String secret) {
        final PdClient client = PdClient.connect(new ClientConfig()
            .storeEndpoints(List.of(pd.endpoint()))
            .clientName(name)
            .secret(secret)
            .requestTimeoutMs(5_000)
            .connectTimeoutMs(20_000));
        clients.add(client);
        return client;
    }
}
