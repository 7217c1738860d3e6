package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.RawKvClient;
import io.tkv.client.TkvException;
import io.tkv.codec.RaftRole;
import io.tkv.raft.linearizability.LinearizabilityChecker;
import io.tkv.raft.linearizability.Operation;
import io.tkv.raft.linearizability.RegisterModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partitions made by the kernel, not by tkv's fault hook: three stores, each in a network namespace of its own
 * ({@link NetnsLab}), with a register workload recorded from the test's namespace while the leader is cut off from
 * both peers and then a follower is. The minority commits nothing and serves no stale read; the history is checked
 * for linearizability; and the leader cut off while its region hibernates. Skipped where network namespaces cannot be
 * made (not root, no {@code ip netns}).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class NetnsPartitionSystemTest {
    private static final long WAIT_MS = 20_000;

    @TempDir
    Path dir;

    @Test
    void shouldCommitNothingAndServeNoStaleReadOnTheMinoritySideOfAKernelPartition() throws Exception {
        try (NetnsLab lab = NetnsLab.create(3);
             StoreCluster cluster = StoreCluster.of(3).in(dir).onHostsOf(lab).start();
             RawKvClient kv = client(cluster, cluster.endpoints(), 5_000)) {
            final long leader = cluster.awaitLeader(WAIT_MS, cluster.all());
            kv.put(bytes("fenced"), bytes("before"));
            final List<Operation<RegisterModel.Op, Long>> history;
            try (RegisterWorkload workload = new RegisterWorkload(cluster.endpoints(), cluster.clientHost(),
                cluster.clientSecret(), 3, 3, 7)) {
                workload.start();
                TimeUnit.SECONDS.sleep(2);

                // The leader alone on one side: the other two elect a leader and commit without it.
                lab.isolate((int)leader);
                final long[] majority = Arrays.stream(cluster.all()).filter(id -> id != leader).toArray();
                final long newLeader = cluster.awaitLeader(WAIT_MS, majority);
                kv.put(bytes("fenced"), bytes("after"));
                try (RawKvClient direct = client(cluster, List.of(cluster.store(leader).endpoint()), 2_000)) {
                    // It may refuse (no longer leader, or no quorum to confirm it is): but never answer "before".
                    final byte[] read = direct.get(bytes("fenced"));
                    assertArrayEquals(bytes("after"), read, "the cut-off old leader served a stale read");
                } catch (final TkvException refused) {
                    System.out.println("the cut-off old leader refused the read: " + refused.getMessage());
                }
                // Acks already on their way when the cut came may still count; after it stepped down, nothing does.
                final long minorityCommit = cluster.awaitStatus(leader, s -> s.role() != RaftRole.LEADER, WAIT_MS,
                    "stepped down (check quorum)").commit();
                TimeUnit.SECONDS.sleep(1);
                assertEquals(minorityCommit, cluster.status(leader).commit(), "the cut-off old leader committed");
                assertTrue(cluster.status(newLeader).commit() > minorityCommit, "the majority committed");
                lab.rejoin((int)leader);
                final long healed = cluster.awaitLeader(WAIT_MS, cluster.all());
                awaitCaughtUp(cluster, leader, healed);

                // A follower alone: the leader keeps committing, the follower commits nothing until it is back.
                final long lone = healed % 3 + 1;
                lab.isolate((int)lone);
                // Like the leader's, the follower's commit may move once more, by a message sent before the cut.
                TimeUnit.MILLISECONDS.sleep(200);
                final long loneCommit = cluster.status(lone).commit();
                for (int i = 0; i < 20; i++) {
                    kv.put(bytes("split-" + i), bytes("v" + i));
                }
                assertEquals(loneCommit, cluster.status(lone).commit(), "the cut-off follower committed");
                lab.rejoin((int)lone);
                awaitCaughtUp(cluster, lone, cluster.awaitLeader(WAIT_MS, cluster.all()));
                TimeUnit.SECONDS.sleep(1);
                history = workload.stop();
                System.out.println("NETNS_REGISTER_HISTORY " + history.size() + " operations, "
                    + workload.completedOperations() + " completed");
            }
            assertTrue(history.size() > 100, "the clients got work done: " + history.size());
            final LinearizabilityChecker.Result result = RegisterWorkload.check(history);
            assertTrue(result.ok(), "not linearizable: " + result);
            assertArrayEquals(bytes("after"), kv.get(bytes("fenced")));
            assertArrayEquals(bytes("v19"), kv.get(bytes("split-19")));
        }
    }

    /**
     * With no client traffic the region hibernates (the default), so nothing of the region's own tells anyone the
     * leader was cut off: the stores' heartbeats to each other do. The followers wake and elect, and the sleeping old
     * leader, woken by its followers' silence, steps down by itself (no client request wakes it first).
     */
    @Test
    void shouldElectAndStepTheOldLeaderDownWhenTheLeaderIsCutOffWhileTheRegionSleeps() throws Exception {
        try (NetnsLab lab = NetnsLab.create(3);
             StoreCluster cluster = StoreCluster.of(3).in(dir).onHostsOf(lab).start();
             RawKvClient kv = client(cluster, cluster.endpoints(), 5_000)) {
            for (int round = 0; round < 2; round++) {
                final long leader = cluster.awaitLeader(WAIT_MS, cluster.all());
                kv.put(bytes("sleepy"), bytes("before-" + round));
                // Settled for hibernate-idle-ticks (20 ticks of 20 ms), with room to spare.
                TimeUnit.MILLISECONDS.sleep(1_500);
                final long cutNs = System.nanoTime();
                lab.isolate((int)leader);
                final long[] majority = Arrays.stream(cluster.all()).filter(id -> id != leader).toArray();
                final long newLeader = cluster.awaitLeader(WAIT_MS, majority);
                final long electedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutNs);
                cluster.awaitStatus(leader, s -> s.role() != RaftRole.LEADER, WAIT_MS, "stepped down (check quorum)");
                final long steppedDownMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutNs);
                System.out.printf("sleeping region, leader %d cut off: store %d elected after %d ms, the old leader"
                    + " stepped down after %d ms%n", leader, newLeader, electedMs, steppedDownMs);
                // Store silence after an election timeout (0.4 s), a campaign within the next, check-quorum within
                // one more: far below these bounds.
                assertTrue(electedMs < 5_000, "elected " + electedMs + " ms after the cut");
                assertTrue(steppedDownMs < 5_000, "the old leader stepped down " + steppedDownMs + " ms after the cut");
                kv.put(bytes("sleepy"), bytes("after-" + round));
                lab.rejoin((int)leader);
                awaitCaughtUp(cluster, leader, cluster.awaitLeader(WAIT_MS, cluster.all()));
            }
            assertArrayEquals(bytes("after-1"), kv.get(bytes("sleepy")));
        }
    }

    private static void awaitCaughtUp(final StoreCluster cluster, final long storeId, final long leader) {
        final long commit = cluster.status(leader).commit();
        cluster.awaitStatus(storeId, s -> s.applied() >= commit, WAIT_MS, "caught up to " + commit);
    }

    private static RawKvClient client(final StoreCluster cluster, final List<String> endpoints, final long timeoutMs) {
        return RawKvClient.connect(new ClientConfig().storeEndpoints(endpoints).clientName("netns")
            .secret(cluster.clientSecret())
            .egressChannel("aeron:udp?endpoint=" + cluster.clientHost() + ":0")
            .requestTimeoutMs(timeoutMs).connectTimeoutMs(20_000));
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
