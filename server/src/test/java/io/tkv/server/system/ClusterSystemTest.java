package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.ErrorCode;
import io.tkv.client.RawKvClient;
import io.tkv.client.TkvException;
import io.tkv.codec.RaftRole;
import io.tkv.codec.Status;
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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three real {@code tkv-server} processes on 127.0.0.1 replicating region 1: leadership as each store reports it
 * (StoreStatus), partitions made through the transports' fault hook (InjectFault), and a leader transfer
 * (TransferLeader).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterSystemTest {
    private static final long ELECTION_WAIT_MS = 20_000;

    @TempDir
    Path dir;

    @Test
    void shouldElectOneLeaderEveryStoreAgreesOn() throws Exception {
        try (StoreCluster cluster = StoreCluster.of(3).in(dir).start()) {
            final long leader = cluster.awaitLeader(ELECTION_WAIT_MS, cluster.all());
            final AdminFrames.RegionStatus leaderStatus = cluster.status(leader);
            for (final long id : cluster.all()) {
                final AdminFrames.RegionStatus status = cluster.status(id);
                assertEquals(id == leader ? RaftRole.LEADER : RaftRole.FOLLOWER, status.role(), status.toString());
                assertEquals(leaderStatus.term(), status.term());
                assertEquals(leader, status.leaderStoreId());
            }
            assertTrue(leaderStatus.commit() > 5, "the leader committed its no-op past the founding index 5");
            assertEquals(Status.UNAUTHENTICATED, cluster.injectFault(leader, true),
                "fault injection is off unless the store was started with --fault-injection");
        }
    }

    @Test
    void shouldElectANewLeaderAwayFromAnIsolatedOneAndRejoinItAfterTheHeal() throws Exception {
        try (StoreCluster cluster = StoreCluster.of(3).in(dir).withFaultInjection().start()) {
            final long first = cluster.awaitLeader(ELECTION_WAIT_MS, cluster.all());
            final long firstTerm = cluster.status(first).term();
            final long[] others = Arrays.stream(cluster.all()).filter(id -> id != first).toArray();

            cluster.isolate(first);
            final long second = cluster.awaitLeader(ELECTION_WAIT_MS, others);
            assertNotEquals(first, second);
            final AdminFrames.RegionStatus secondStatus = cluster.status(second);
            assertTrue(secondStatus.term() > firstTerm, "a new term: " + secondStatus);
            // Check-quorum: the isolated leader hears no quorum and steps down; its term cannot move ahead of
            // the others' (pre-vote keeps an isolated store from bumping it).
            final AdminFrames.RegionStatus isolated = cluster.awaitStatus(first,
                status -> status.role() != RaftRole.LEADER, ELECTION_WAIT_MS, "stepped down");
            assertTrue(isolated.term() <= secondStatus.term(), "isolated term " + isolated);

            cluster.heal(first);
            final long afterHeal = cluster.awaitLeader(ELECTION_WAIT_MS, cluster.all());
            assertEquals(second, afterHeal, "the heal does not disturb the majority's leader");
            cluster.awaitStatus(first, status -> status.commit() >= secondStatus.commit(), ELECTION_WAIT_MS,
                "caught up with the new leader's commit index");
        }
    }

    @Test
    void shouldTransferLeadershipToTheStoreAskedForAndRefuseItAtAFollower() throws Exception {
        try (StoreCluster cluster = StoreCluster.of(3).in(dir).start()) {
            final long first = cluster.awaitLeader(ELECTION_WAIT_MS, cluster.all());
            final long target = first % 3 + 1;
            final long bystander = target % 3 + 1;
            try (RawKvClient follower = client(cluster.store(target).endpoint())) {
                final TkvException refused = assertThrows(TkvException.class, () -> follower.transferLeader(1, target));
                assertEquals(ErrorCode.NOT_LEADER, refused.code(), refused.getMessage());
                assertTrue(refused.getMessage().contains("leader: store " + first), refused.getMessage());
            }
            try (RawKvClient leader = client(cluster.store(first).endpoint())) {
                final TkvException unknown = assertThrows(TkvException.class, () -> leader.transferLeader(1, 9));
                assertEquals(ErrorCode.REGION_NOT_FOUND, unknown.code(), unknown.getMessage());
                leader.put("before-transfer".getBytes(StandardCharsets.UTF_8), new byte[] {1});
                leader.transferLeader(1, target);
            }
            final long deadline = System.currentTimeMillis() + ELECTION_WAIT_MS;
            long now = cluster.awaitLeader(ELECTION_WAIT_MS, cluster.all());
            while (now != target && System.currentTimeMillis() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
                now = cluster.awaitLeader(ELECTION_WAIT_MS, cluster.all());
            }
            assertEquals(target, now, "the leadership moved to the store asked for, not to store " + bystander);
            try (RawKvClient kv = RawKvClient.connect(new ClientConfig().storeEndpoints(cluster.endpoints())
                .clientName("after-transfer").requestTimeoutMs(5_000).connectTimeoutMs(20_000))) {
                assertArrayEquals(new byte[] {1}, kv.get("before-transfer".getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private static RawKvClient client(final String endpoint) {
        return RawKvClient.connect(new ClientConfig().storeEndpoints(List.of(endpoint)).clientName("transfer")
            .secret(StoreCluster.ADMIN_SECRET).requestTimeoutMs(5_000).connectTimeoutMs(20_000));
    }
}
