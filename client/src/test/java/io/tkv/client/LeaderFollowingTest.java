package io.tkv.client;

import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.Status;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tkv.client.StoreFixture.bytes;
import static io.tkv.client.StoreFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routing among the stores of a region: NOT_LEADER with and without a hint, a hint to a store not configured, a
 * hint by store id, SERVER_BUSY, a cluster that never finds a leader, and many threads while the leader moves.
 * Three fake stores, each on its own media driver, share their data as a replicated region would.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LeaderFollowingTest {
    private static ClusterFixture cluster;
    private static FakeStore s0;
    private static FakeStore s1;
    private static FakeStore s2;

    @BeforeAll
    static void startCluster() {
        cluster = new ClusterFixture(3, true);
        s0 = cluster.store(0);
        s1 = cluster.store(1);
        s2 = cluster.store(2);
    }

    @AfterAll
    static void stopCluster() {
        CloseHelper.close(cluster);
    }

    @BeforeEach
    void reset() {
        cluster.reset();
    }

    @Test
    void shouldFollowAHintToTheLeaderAndStayThere() {
        s0.notLeader(s1.storeId(), s1.endpoint());
        s2.notLeader(s1.storeId(), s1.endpoint());
        // Store order s0, s2, s1: trying the next store would ask s2 first; the hint says s1.
        try (RawKvClient client = cluster.connect(cluster.context()
            .storeEndpoints(s0.endpoint(), s2.endpoint(), s1.endpoint()), 0)) {
            assertEquals(s0.endpoint(), client.leaderEndpoint(), "the first store is the first guess");
            client.put(bytes("k"), bytes("v"));
            assertEquals(s1.endpoint(), client.leaderEndpoint());
            final long id = single(s0.requestIds());
            assertEquals(List.of(id), s1.requestIds(), "resent to the hinted store under the same correlation id");
            assertTrue(s2.requestIds().isEmpty(), "the hint was followed, not the store order");

            for (int i = 0; i < 20; i++) {
                assertEquals("v", text(client.get(bytes("k"))));
            }
            assertEquals(1, s0.requestIds().size(), "once the leader is known, requests go straight to it");
            assertEquals(21, s1.requestIds().size());
            assertEquals(1, s1.applied());
        }
    }

    @Test
    void shouldFollowAHintToAStoreThatIsNotConfigured() {
        s0.notLeader(0, s2.endpoint());
        final int connectsBefore = s2.connects();
        try (RawKvClient client = cluster.connect(cluster.context().storeEndpoint(s0.endpoint()), 0)) {
            assertEquals(connectsBefore, s2.connects(), "no session with an unlisted store before a hint names it");
            client.put(bytes("k"), bytes("v"));
            assertEquals(s2.endpoint(), client.leaderEndpoint());
            assertEquals(connectsBefore + 1, s2.connects());
            assertEquals(s0.requestIds(), s2.requestIds(), "the same request, resent once the session was open");
            assertEquals("v", text(client.get(bytes("k"))));
            assertEquals("v", text(s2.data().get(bytes("k"))));
        }
    }

    @Test
    void shouldFollowAHintThatNamesOnlyTheStoreId() {
        s0.notLeader(s2.storeId(), "");
        s1.notLeader(s2.storeId(), "");
        try (RawKvClient client = cluster.connect(cluster.context(), 0)) {
            client.put(bytes("k"), bytes("v"));
            assertEquals(s2.endpoint(), client.leaderEndpoint(), "the store id a session reported names the store");
            assertEquals(s0.requestIds(), s2.requestIds());
            assertTrue(s1.requestIds().isEmpty());
        }
    }

    @Test
    void shouldTryTheNextStoreWhenNotLeaderComesWithoutAHint() {
        s0.notLeader(0, "");
        s1.notLeader(0, "");
        try (RawKvClient client = cluster.connect(cluster.context(), 0)) {
            client.put(bytes("k"), bytes("v"));
            assertEquals(s2.endpoint(), client.leaderEndpoint());
            final long id = single(s0.requestIds());
            assertEquals(List.of(id), s1.requestIds(), "next in order");
            assertEquals(List.of(id), s2.requestIds(), "and the next, which serves");
            assertEquals(1, s2.applied());
        }
    }

    @Test
    void shouldRetryTheOnlyStoreWhenItSaysNotLeaderWithoutAHint() {
        s0.failNextWithError(Status.NOT_LEADER, 2);
        try (RawKvClient client = cluster.connect(cluster.context().storeEndpoint(s0.endpoint()), 0)) {
            client.put(bytes("k"), bytes("v"));
            final long id = s0.requestIds().get(0);
            assertEquals(List.of(id, id, id), s0.requestIds(), "an election ends: the same request, three times");
            assertEquals(1, s0.applied());
        }
    }

    @Test
    void shouldResendAfterABackoffWhenTheStoreIsBusy() {
        try (RawKvClient client = cluster.connect(cluster.context(), 0)) {
            client.put(bytes("warm"), bytes("up"));
            s0.requestIds().clear();
            s0.failNextWithError(Status.SERVER_BUSY, 3);
            final long start = System.nanoTime();
            client.put(bytes("k"), bytes("v"));
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            final long id = s0.requestIds().get(0);
            assertEquals(List.of(id, id, id, id), s0.requestIds(), "resent to the same store, same id");
            assertTrue(tookMs >= 10 + 20 + 40 - 5, "backed off 10, 20 and 40 ms, took " + tookMs + " ms");
            assertEquals(s0.endpoint(), client.leaderEndpoint(), "a busy leader is still the leader");
            assertEquals(2, s0.applied());
        }
    }

    @Test
    void shouldTimeOutAtTheDeadlineWhileEveryStoreSaysNotLeader() {
        s0.notLeader(0, "");
        s1.notLeader(0, "");
        s2.notLeader(0, "");
        try (RawKvClient client = cluster.connect(cluster.context().requestTimeoutMs(600), 0)) {
            final long start = System.nanoTime();
            final TkvTimeoutException ex = assertThrows(TkvTimeoutException.class,
                () -> client.put(bytes("k"), bytes("v")));
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMs >= 590 && tookMs < 3_000, "failed at its deadline, after " + tookMs + " ms");
            assertTrue(ex.getMessage().contains("NOT_LEADER"), ex.getMessage());
            final int attempts = s0.requestIds().size() + s1.requestIds().size() + s2.requestIds().size();
            assertTrue(attempts >= 4 && attempts <= 15, "backed off between attempts, made " + attempts);
            assertEquals(0, client.inFlightCount());
            assertEquals(0, s0.applied());
        }
    }

    @Test
    void shouldNotPingPongBetweenStoresThatHintEachOther() {
        s0.notLeader(s1.storeId(), s1.endpoint());
        s1.notLeader(s0.storeId(), s0.endpoint());
        try (RawKvClient client = cluster.connect(cluster.context().storeEndpoints(s0.endpoint(), s1.endpoint())
            .requestTimeoutMs(500), 0)) {
            assertThrows(TkvTimeoutException.class, () -> client.put(bytes("k"), bytes("v")));
            final int attempts = s0.requestIds().size() + s1.requestIds().size();
            assertTrue(attempts >= 3 && attempts <= 15, "only the first hint is followed at once: " + attempts);
        }
    }

    @Test
    void shouldServeManyThreadsWhileTheLeaderMoves() throws Exception {
        s1.notLeader(s0.storeId(), s0.endpoint());
        s2.notLeader(s0.storeId(), s0.endpoint());
        final int threads = 6;
        final int perThread = 150;
        final AtomicInteger done = new AtomicInteger();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (RawKvClient client = cluster.connect(cluster.context().maxInFlight(64), 0)) {
            final CountDownLatch start = new CountDownLatch(1);
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                final Thread worker = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            final String key = "t" + id + "-" + i;
                            client.put(bytes(key), bytes("v" + key));
                            final String read = text(client.get(bytes(key)));
                            if (!("v" + key).equals(read)) {
                                throw new AssertionError(key + " read " + read);
                            }
                            done.incrementAndGet();
                        }
                    } catch (final Throwable ex) {
                        failures.add(ex);
                    }
                }, "worker-" + t);
                workers.add(worker);
                worker.start();
            }
            start.countDown();
            Await.until("a third of the work done on the first leader", () -> done.get() >= threads * perThread / 3,
                60_000);
            s0.notLeader(s1.storeId(), s1.endpoint());
            s2.notLeader(s1.storeId(), s1.endpoint());
            s1.serve();
            for (final Thread worker : workers) {
                worker.join(TimeUnit.SECONDS.toMillis(60));
                assertFalse(worker.isAlive(), worker.getName() + " finished");
            }
            assertTrue(failures.isEmpty(), () -> "failures: " + failures);
            assertEquals(threads * perThread, s1.data().size());
            assertEquals(s1.endpoint(), client.leaderEndpoint());
            assertTrue(s1.received(RawPutDecoder.TEMPLATE_ID) > 0, "the new leader served writes");
            assertEquals(0, client.inFlightCount());
        }
        assertEquals(0, s0.malformedFrames() + s1.malformedFrames() + s2.malformedFrames());
    }

    private static long single(final List<Long> ids) {
        assertEquals(1, ids.size(), "one request: " + ids);
        return ids.get(0);
    }
}
