package io.tkv.raft.store;

import io.tkv.raft.core.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the driver does when a region cannot go on as it is: an entry that no frame can carry (the leader steps down,
 * a peer without it leads and overwrites it, the region commits again), and a failure while stepping or handing
 * entries to the state machine (the store fails stop, says why, stops leading; the others carry on).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DriverFaultsTest {
    @TempDir
    Path dir;

    @Test
    void shouldStepDownWhenAnUncommittedEntryCanNeverBeSentAndLetALeaderWithoutItCommit() {
        try (ThreeStores three = new ThreeStores(dir)) {
            final StoreUnderTest first = three.awaitLeader();
            // Larger than the stores' 64 KiB frames: as if a store with a larger term length had proposed it.
            final byte[] huge = new byte[100_000];
            Arrays.fill(huge, (byte)'h');
            assertEquals(MultiRaft.Outcome.ACCEPTED, first.raft.propose(StoreUnderTest.REGION, huge, 7));
            three.awaitTrue(() -> first.sink.droppedProposals.contains(7L), "the huge proposal was dropped");
            final StoreUnderTest next = three.awaitLeader();
            assertNotEquals(first.storeId, next.storeId, "a store without the entry leads");

            assertEquals(MultiRaft.Outcome.ACCEPTED,
                next.raft.propose(StoreUnderTest.REGION, "after".getBytes(StandardCharsets.UTF_8), 8));
            three.awaitTrue(() -> three.stores.stream().allMatch(s -> s.sink.commands().contains("after")),
                "a write after it committed on every store");
            for (final StoreUnderTest store : three.stores) {
                assertTrue(store.sink.commands().stream().noneMatch(c -> c.length() == huge.length),
                    "the entry no frame carries never committed on store " + store.storeId);
            }
        }
    }

    @Test
    void shouldFailStopAStoreWhoseStateMachineThrowsAndLetTheOthersLead() {
        try (ThreeStores three = new ThreeStores(dir)) {
            final StoreUnderTest first = three.awaitLeader();
            first.sink.failure = new IllegalStateException("the state machine broke");
            assertEquals(MultiRaft.Outcome.ACCEPTED,
                first.raft.propose(StoreUnderTest.REGION, "boom".getBytes(StandardCharsets.UTF_8), 1));
            three.awaitTrue(() -> first.raft.failure() != null, "the store failed stop");
            assertTrue(first.raft.failure().contains("the state machine broke"), first.raft.failure());
            assertEquals(Role.FOLLOWER, first.raft.status(StoreUnderTest.REGION).role(), "it stopped leading");
            assertEquals(MultiRaft.Outcome.FAILED,
                first.raft.propose(StoreUnderTest.REGION, "more".getBytes(StandardCharsets.UTF_8), 2));
            assertEquals(MultiRaft.Outcome.FAILED, first.raft.read(StoreUnderTest.REGION, 3));

            final StoreUnderTest next = three.awaitLeader();
            assertNotEquals(first.storeId, next.storeId);
            assertEquals(MultiRaft.Outcome.ACCEPTED,
                next.raft.propose(StoreUnderTest.REGION, "after".getBytes(StandardCharsets.UTF_8), 4));
            three.awaitTrue(() -> next.sink.commands().contains("after"), "the others commit without it");
        }
    }

    @Test
    void shouldRefuseAProposalLargerThanTheEntryLimit() {
        try (ThreeStores three = new ThreeStores(dir, store -> store.withMaxEntryBytes(1000))) {
            final StoreUnderTest leader = three.awaitLeader();
            assertEquals(MultiRaft.Outcome.TOO_LARGE, leader.raft.propose(StoreUnderTest.REGION, new byte[1001], 1));
            assertEquals(MultiRaft.Outcome.ACCEPTED, leader.raft.propose(StoreUnderTest.REGION, new byte[1000], 2));
            three.awaitTrue(() -> leader.sink.committed.stream().anyMatch(c -> c.token() == 2), "the 1000 bytes");
        }
    }
}
