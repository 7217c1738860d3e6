package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.ErrorCode;
import io.tkv.client.PdClient;
import io.tkv.client.PdGcSafePoint;
import io.tkv.client.PdGcSafePointUpdate;
import io.tkv.client.TkvException;
import io.tkv.codec.keys.Timestamps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PD's GC safe point on real {@code tkv-pd} processes: set by an admin, never backwards, refused above the TSO, read
 * back after a restart and after the leader is killed; and advanced by the leader itself by its GC lifetime.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GcSafePointSystemTest {
    private static final String ADMIN_SECRET = "gc system test admin secret";
    private static final String CLUSTER_SECRET = "gc system test cluster secret";

    @TempDir
    Path dir;

    private final List<PdProcess> members = new ArrayList<>();
    private final List<PdClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (final PdClient client : clients) {
            client.close();
        }
        for (final PdProcess member : members) {
            member.close();
        }
    }

    @Test
    void theSafePointIsMonotonicRefusedAboveTheTsoAndSurvivesARestart() throws Exception {
        final int port = StoreProcess.freePort();
        final String adminFile = Files.writeString(dir.resolve("admin.secret"), ADMIN_SECRET).toString();
        final PdProcess pd = new PdProcess(dir.resolve("pd1"), port, "--store-id", "1", "--admin-secret-file",
            adminFile, "--gc-life-time-ms", "0");
        members.add(pd);
        pd.launch().awaitReady();
        final PdClient client = connect(List.of(pd.endpoint()), "reader", "");
        final PdClient admin = connect(List.of(pd.endpoint()), "admin", ADMIN_SECRET);

        assertEquals(new PdGcSafePoint(0, 0), client.gcSafePoint(), "none yet; manual only");
        final long ts = client.getTimestamp();
        final TkvException notAdmin = assertThrows(TkvException.class, () -> client.updateGcSafePoint(ts - 1));
        assertEquals(ErrorCode.UNAUTHENTICATED, notAdmin.code());

        final long safePoint = ts - 100;
        assertEquals(new PdGcSafePointUpdate(safePoint, true), admin.updateGcSafePoint(safePoint));
        assertEquals(safePoint, client.gcSafePoint().safePoint());
        // Never backwards: a lower one changes nothing and is answered with the current one.
        assertEquals(new PdGcSafePointUpdate(safePoint, false), admin.updateGcSafePoint(safePoint - 1));
        assertEquals(new PdGcSafePointUpdate(safePoint, false), admin.updateGcSafePoint(safePoint));
        // Never above the TSO: a minute ahead of any timestamp handed out is refused.
        final long ahead = Timestamps.compose(Timestamps.physicalMs(client.getTimestamp()) + 60_000, 0);
        final TkvException above = assertThrows(TkvException.class, () -> admin.updateGcSafePoint(ahead));
        assertEquals(ErrorCode.MALFORMED, above.code());
        assertTrue(above.getMessage().contains("above the TSO"), above.getMessage());
        assertEquals(safePoint, client.gcSafePoint().safePoint());
        // Up to a timestamp just handed out is fine.
        final long latest = client.getTimestamp();
        assertEquals(new PdGcSafePointUpdate(latest, true), admin.updateGcSafePoint(latest));

        closeClients();
        assertTrue(pd.stop(), pd.output());
        members.clear();
        final PdProcess restarted = new PdProcess(dir.resolve("pd1"), port, "--store-id", "1", "--gc-life-time-ms",
            "0");
        members.add(restarted);
        restarted.launch().awaitReady();
        final PdClient after = connect(List.of(restarted.endpoint()), "after-restart", "");
        assertEquals(new PdGcSafePoint(latest, 0), after.gcSafePoint());
    }

    @Test
    void theLeaderAdvancesTheSafePointByItsLifetime() throws Exception {
        final int port = StoreProcess.freePort();
        final long lifeTimeMs = 2_000;
        final PdProcess pd = new PdProcess(dir.resolve("pd1"), port, "--store-id", "1", "--gc-life-time-ms",
            String.valueOf(lifeTimeMs));
        members.add(pd);
        pd.launch().awaitReady();
        final PdClient client = connect(List.of(pd.endpoint()), "reader", "");

        final long first = awaitSafePointAbove(client, 0);
        final long firstAtMs = System.currentTimeMillis();
        assertEquals(lifeTimeMs, client.gcSafePoint().gcLifeTimeMs());
        assertTrue(Timestamps.physicalMs(first) <= firstAtMs - lifeTimeMs,
            "safe point " + Timestamps.physicalMs(first) + " ms is within the lifetime of " + firstAtMs);
        assertTrue(Timestamps.physicalMs(first) > firstAtMs - lifeTimeMs - 10_000, "safe point far behind");
        assertTrue(first < client.getTimestamp());
        // It keeps trailing the clock: a step (1 s for this lifetime) later it moved on.
        final long second = awaitSafePointAbove(client, first);
        assertTrue(Timestamps.physicalMs(second) - Timestamps.physicalMs(first) >= 1_000,
            "advanced by less than a step: " + first + " -> " + second);
        assertTrue(Timestamps.physicalMs(second) <= System.currentTimeMillis() - lifeTimeMs);
    }

    @Test
    void theSafePointSurvivesTheLeadersDeath() throws Exception {
        final int[] ports = {StoreProcess.freePort(), StoreProcess.freePort(), StoreProcess.freePort()};
        final String initialCluster = "1=127.0.0.1:" + ports[0] + ",2=127.0.0.1:" + ports[1] + ",3=127.0.0.1:"
            + ports[2];
        final Path clusterSecret = Files.writeString(dir.resolve("cluster.secret"), CLUSTER_SECRET);
        final Path adminSecret = Files.writeString(dir.resolve("admin.secret"), ADMIN_SECRET);
        for (int i = 0; i < 3; i++) {
            members.add(new PdProcess(dir.resolve("pd" + (i + 1)), ports[i], "--store-id", String.valueOf(i + 1),
                "--initial-cluster", initialCluster, "--cluster-secret-file", clusterSecret.toString(),
                "--admin-secret-file", adminSecret.toString(), "--gc-life-time-ms", "0"));
        }
        for (final PdProcess member : members) {
            member.launch();
        }
        for (final PdProcess member : members) {
            member.awaitReady();
        }
        final List<String> endpoints = members.stream().map(PdProcess::endpoint).toList();
        final PdClient admin = connect(endpoints, "admin", ADMIN_SECRET);
        final long safePoint = admin.getTimestamp();
        assertTrue(admin.updateGcSafePoint(safePoint).updated());

        final long leaderId = admin.members().leaderId();
        assertNotEquals(0, leaderId);
        members.get((int)leaderId - 1).kill();
        final PdClient client = connect(endpoints, "after-kill", "");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        PdGcSafePoint seen = null;
        while (seen == null && System.nanoTime() < deadline) {
            try {
                seen = client.gcSafePoint();
            } catch (final TkvException retry) {
                Thread.sleep(100);
            }
        }
        assertEquals(new PdGcSafePoint(safePoint, 0), seen);
        assertNotEquals(leaderId, client.members().leaderId());
        assertFalse(admin.updateGcSafePoint(safePoint - 1).updated());
    }

    private static long awaitSafePointAbove(final PdClient client, final long floor) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            final long safePoint = client.gcSafePoint().safePoint();
            if (safePoint > floor) {
                return safePoint;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the GC safe point did not pass " + floor + " within 20 s");
    }

    private void closeClients() {
        for (final PdClient client : clients) {
            client.close();
        }
        clients.clear();
    }

    private PdClient connect(final List<String> endpoints, final String name, final String secret) {
        final PdClient client = PdClient.connect(new ClientConfig()
            .storeEndpoints(endpoints)
            .clientName(name)
            .secret(secret)
            .requestTimeoutMs(5_000)
            .connectTimeoutMs(20_000));
        clients.add(client);
        return client;
    }
}
