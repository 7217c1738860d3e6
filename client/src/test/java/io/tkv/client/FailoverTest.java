package io.tkv.client;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.tkv.client.StoreFixture.bytes;
import static io.tkv.client.StoreFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Losing the leader: stopped (its Aeron resources close, so its egress image goes) or frozen (a kill -9 or SIGSTOP
 * whose network stays up: nothing comes from it at all). Requests in flight at the switch are resent to the new
 * leader under their own correlation ids and complete once; a late reply from the old leader is ignored.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FailoverTest {
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
        s1.notLeader(s0.storeId(), s0.endpoint());
        s2.notLeader(s0.storeId(), s0.endpoint());
    }

    @Test
    void shouldResendRequestsInFlightToTheNextLeaderWhenTheLeaderStops() {
        // Silence alone would take longer than the requests' timeout: only the loss of the image can save them.
        try (RawKvClient client = cluster.connect(cluster.context().storeSilenceTimeoutMs(60_000), 0)) {
            client.put(bytes("warm"), bytes("up"));
            s0.requestIds().clear();
            s0.dropRequests(true);
            final List<CompletableFuture<Void>> puts = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                puts.add(client.putAsync(bytes("k" + i), bytes("v" + i)));
            }
            Await.until("the old leader received every put", () -> s0.requestIds().size() == 20, 5_000);
            final List<Long> inFlightAtTheSwitch = new ArrayList<>(s0.requestIds());

            s1.serve();
            s2.notLeader(s1.storeId(), s1.endpoint());
            s0.stop();
            CompletableFuture.allOf(puts.toArray(new CompletableFuture<?>[0])).join();

            for (final long id : inFlightAtTheSwitch) {
                assertEquals(1, Collections.frequency(s1.requestIds(), id),
                    "request " + id + " in flight at the switch was resent to the new leader under its own id, once: " +
                    s1.requestIds());
            }
            assertEquals(s1.endpoint(), client.leaderEndpoint());
            for (int i = 0; i < 20; i++) {
                assertEquals("v" + i, text(client.get(bytes("k" + i))));
            }
            assertEquals(21, s1.applied(), "each write applied once");
        } finally {
            s0.resume();
        }
    }

    @Test
    void shouldFailOverFromAFrozenLeaderAfterTheSilenceTimeout() {
        try (RawKvClient client = cluster.connect(cluster.context(), 0)) {
            client.put(bytes("warm"), bytes("up"));
            s0.requestIds().clear();
            s0.freeze(true);
            s2.serve();
            s1.notLeader(s2.storeId(), s2.endpoint());
            final long start = System.nanoTime();
            client.put(bytes("k"), bytes("v"));
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMs >= 290, "waited out the silence timeout first: " + tookMs + " ms");
            assertEquals(s0.requestIds().get(0), s2.requestIds().get(0), "the same request, resent");
            assertEquals(s2.endpoint(), client.leaderEndpoint());
            assertEquals("v", text(client.get(bytes("k"))));
        }
    }

    @Test
    void shouldNotWaitForAStoreThatStaysDownWhenAFollowerStillNamesIt() {
        try (RawKvClient client = cluster.connect(cluster.context(), 0)) {
            client.put(bytes("warm"), bytes("up"));
            s0.freeze(true);
            s2.serve();
            // s1 has not heard of the election yet: it still hints the frozen store.
            client.put(bytes("k"), bytes("v"));
            assertEquals(s2.endpoint(), client.leaderEndpoint());
            assertTrue(s1.requestIds().size() >= 1, "asked the stale follower on the way");
            assertEquals(2, s2.applied(), "warm-up and k, each once");
        }
    }

    @Test
    void shouldIgnoreALateReplyFromTheStoreARequestLeft() {
        try (ClusterFixture apart = new ClusterFixture(2, false)) {
            final FakeStore a = apart.store(0);
            final FakeStore b = apart.store(1);
            a.fakeData().write(bytes("k"), bytes("from-a"), 0);
            b.fakeData().write(bytes("k"), bytes("from-b"), 0);
            // A longer silence timeout: b holds its reply too, and must not be taken for lost meanwhile.
            try (RawKvClient client = apart.connect(apart.context().storeSilenceTimeoutMs(1_000), 0)) {
                a.holdReplies(true);
                b.holdReplies(true);
                final CompletableFuture<byte[]> read = client.getAsync(bytes("k"));
                Await.until("the get resent to b after a fell silent", () -> b.heldReplies() == 1, 5_000);
                a.releaseHeldReplies();
                Await.until("a's late reply ignored", () -> client.ignoredReplies() == 1, 5_000);
                assertFalse(read.isDone(), "the answer of a store the request left does not complete it");
                b.releaseHeldReplies();
                assertEquals("from-b", text(read.join()));
                assertEquals(b.endpoint(), client.leaderEndpoint());
            }
        }
    }
}
