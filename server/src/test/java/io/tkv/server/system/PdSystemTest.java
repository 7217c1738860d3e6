package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.IdRange;
import io.tkv.client.PdClient;
import io.tkv.client.PdMembers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tkv-pd} on real processes: one member serving timestamps and ids to concurrent clients, and three members
 * whose leader is killed (-9) under TSO load, twice (the second time after the first one restarted, so the new
 * quorum needs the restarted member). Every successful call is recorded with when it began and ended, and the
 * history is checked: every timestamp is above every one handed out by a call that completed before it began.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PdSystemTest {
    private static final String CLUSTER_SECRET = "pd system test cluster secret";
    private static final String ADMIN_SECRET = "pd system test admin secret";
    private static final int CLIENTS = 4;
    private static final int CALLERS_PER_CLIENT = 4;

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
    void onePdMemberServesStrictlyIncreasingTimestampsAndUniqueIdsToConcurrentClients() throws Exception {
        final int port = StoreProcess.freePort();
        final PdProcess pd = new PdProcess(dir.resolve("pd1"), port, "--store-id", "1",
            "--admin-secret-file", Files.writeString(dir.resolve("admin.secret"), ADMIN_SECRET).toString());
        members.add(pd);
        pd.launch().awaitReady();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(connect(List.of(pd.endpoint()), "tso-" + i, ""));
        }

        final TimestampHistory history = new TimestampHistory();
        final AtomicLong errors = new AtomicLong();
        final List<Thread> callers = startCallers(history, errors, new AtomicBoolean(), 2_000);
        for (final Thread caller : callers) {
            caller.join();
        }
        assertEquals(0, errors.get(), "failed calls");
        assertEquals(CLIENTS * CALLERS_PER_CLIENT * 2_000, history.size());
        assertNull(history.violation());
        long batches = 0;
        for (final PdClient client : clients) {
            batches += client.tsoBatches();
        }
        System.out.println("PD_TSO_ONE_MEMBER timestamps=" + history.size() + " tso_requests=" + batches);
        assertTrue(batches < history.size(), "concurrent callers of a client share round trips");

        final Set<Long> ids = new HashSet<>();
        for (final PdClient client : clients) {
            final IdRange range = client.allocIds(700);
            assertTrue(range.first() > 1000, "PD handed out " + range.first() + ", an id of the static band 1..1000");
            for (long id = range.first(); id <= range.last(); id++) {
                assertTrue(ids.add(id), "id " + id + " handed out twice");
            }
            assertTrue(ids.add(client.allocId()));
        }
        final PdMembers view = clients.get(0).members();
        assertEquals(1, view.leaderId());
        assertEquals(pd.endpoint(), view.leaderEndpoint());

        assertEquals(0, clients.get(0).bootstrappedClusterId());
        try (PdClient admin = connect(List.of(pd.endpoint()), "admin", ADMIN_SECRET)) {
            assertFalse(admin.bootstrap(1));
            assertTrue(admin.bootstrap(1));
        }
        assertEquals(1, clients.get(0).bootstrappedClusterId());

        // A restart keeps what was durable: timestamps go on above, ids do not repeat.
        final long before = clients.get(0).getTimestamp();
        assertTrue(pd.stop(), pd.output());
        members.clear();
        for (final PdClient client : clients) {
            client.close();
        }
        clients.clear();
        final PdProcess restarted = new PdProcess(dir.resolve("pd1"), port, "--store-id", "1");
        members.add(restarted);
        restarted.launch().awaitReady();
        try (PdClient client = connect(List.of(restarted.endpoint()), "after-restart", "")) {
            assertTrue(client.getTimestamp() > before);
            assertFalse(ids.contains(client.allocId()));
            assertEquals(1, client.bootstrappedClusterId());
        }
    }

    @Test
    void timestampsStayIncreasingWhenThePdLeaderIsKilledAndTheRestartedMemberCatchesUp() throws Exception {
        final int[] ports = {StoreProcess.freePort(), StoreProcess.freePort(), StoreProcess.freePort()};
        final String initialCluster = "1=127.0.0.1:" + ports[0] + ",2=127.0.0.1:" + ports[1] + ",3=127.0.0.1:"
            + ports[2];
        final Path secret = Files.writeString(dir.resolve("cluster.secret"), CLUSTER_SECRET);
        for (int i = 0; i < 3; i++) {
            members.add(member(i, ports[i], initialCluster, secret));
        }
        for (final PdProcess member : members) {
            member.launch();
        }
        for (final PdProcess member : members) {
            member.awaitReady();
        }
        final List<String> endpoints = members.stream().map(PdProcess::endpoint).toList();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(connect(endpoints, "load-" + i, ""));
        }

        final TimestampHistory history = new TimestampHistory();
        final AtomicLong errors = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> callers = startCallers(history, errors, stop, Integer.MAX_VALUE);
        try {
            Thread.sleep(1_500);
            final int first = killLeader(history);
            Thread.sleep(3_000);

            // The killed member comes back and catches up: it learns the leader, and then the second kill leaves a
            // quorum that needs it.
            final PdProcess restarted = member(first, ports[first], initialCluster, secret);
            members.set(first, restarted);
            restarted.launch().awaitReady();
            try (PdClient probe = connect(List.of(restarted.endpoint()), "probe", "")) {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (probe.members().leaderId() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertNotEquals(0, probe.members().leaderId(), "the restarted member knows no leader");
            }
            Thread.sleep(1_000);
            final int second = killLeader(history);
            assertNotEquals(first, second);
            Thread.sleep(3_000);
        } finally {
            stop.set(true);
            for (final Thread caller : callers) {
                caller.join();
            }
        }
        System.out.println("PD_TSO_FAILOVER timestamps=" + history.size() + " failed_calls=" + errors.get());
        assertTrue(history.size() > 1000, "too few timestamps: " + history.size());
        assertNull(history.violation());
    }

    /**
     * Kills the member the clients follow and waits for timestamps to flow again; reports the longest time without any
     * call completing, from the kill until a call that began after the kill completed (calls answered by the dying
     * leader just before its death do not hide the gap).
     */
    private int killLeader(final TimestampHistory history) throws Exception {
        final PdMembers view = clients.get(0).members();
        assertNotEquals(0, view.leaderId(), "no PD leader");
        final int index = (int)view.leaderId() - 1;
        // From the moment the process is gone (kill waits for it): calls it answered while dying are not a gap.
        members.get(index).kill();
        final long killedNs = System.nanoTime();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long resumedNs = 0;
        while (resumedNs == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            resumedNs = history.firstCompletionOfCallBegunAfter(killedNs);
        }
        assertNotEquals(0, resumedNs, "TSO did not resume within 20 s after the leader was killed");
        long gapNs = 0;
        long previous = killedNs;
        for (final long completed : history.completions()) {
            if (completed > killedNs && completed <= resumedNs) {
                gapNs = Math.max(gapNs, completed - previous);
                previous = completed;
            }
        }
        System.out.println("PD_TSO_GAP_MS=" + TimeUnit.NANOSECONDS.toMillis(gapNs) + " (member " + view.leaderId()
            + " killed -9 under load from " + CLIENTS * CALLERS_PER_CLIENT + " callers; longest time without a "
            + "timestamp)");
        return index;
    }

    private List<Thread> startCallers(
        final TimestampHistory history, final AtomicLong errors, final AtomicBoolean stop, final int calls) {
        final List<Thread> callers = new ArrayList<>();
        for (final PdClient client : clients) {
            for (int i = 0; i < CALLERS_PER_CLIENT; i++) {
                final Thread caller = new Thread(() -> {
                    long last = 0;
                    for (int n = 0; n < calls && !stop.get(); n++) {
                        final long invoked = System.nanoTime();
                        try {
                            final long ts = client.getTimestamp();
                            history.record(invoked, System.nanoTime(), ts);
                            if (ts <= last) {
                                errors.incrementAndGet();
                            }
                            last = ts;
                        } catch (final RuntimeException ex) {
                            if (errors.incrementAndGet() <= 3) {
                                System.out.println("PD_TSO_CALL_FAILED " + ex);
                            }
                        }
                    }
                }, "tso-caller");
                caller.start();
                callers.add(caller);
            }
        }
        return callers;
    }

    private PdProcess member(final int index, final int port, final String initialCluster, final Path secret) {
        return new PdProcess(dir.resolve("pd" + (index + 1)), port, "--store-id", String.valueOf(index + 1),
            "--initial-cluster", initialCluster, "--cluster-secret-file", secret.toString());
    }

    private static PdClient connect(final List<String> endpoints, final String name, final String secret) {
        return PdClient.connect(new ClientConfig()
            .storeEndpoints(endpoints)
            .clientName(name)
            .secret(secret)
            .requestTimeoutMs(5_000)
            .connectTimeoutMs(20_000));
    }
}
