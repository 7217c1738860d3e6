package io.tkv.server.system;

import io.tkv.codec.RaftRole;
import io.tkv.codec.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three real {@code tkv-server} processes on 127.0.0.1 replicating region 1: leadership as each store reports it
 * (StoreStatus), and partitions made through the transports' fault hook (InjectFault).
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
}
