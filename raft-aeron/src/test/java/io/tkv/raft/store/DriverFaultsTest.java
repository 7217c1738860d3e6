package io.tkv.raft.store;

import io.tkv.log.RaftLogHooks;
import io.tkv.raft.core.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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

    /** Store 1 syncs on its log's own thread (StoreUnderTest: odd stores pipelined): a failed sync there stops it. */
    @Test
    void shouldFailStopAStoreWhoseSyncThreadFailsAndLetTheOthersCommit() {
        final AtomicBoolean failSyncs = new AtomicBoolean();
        final RaftLogHooks failing = new RaftLogHooks() {
            @Override
            public void beforeSync() throws IOException {
                if (failSyncs.get()) {
                    throw new IOException("injected fdatasync failure");
                }
            }
        };
        try (ThreeStores three = new ThreeStores(dir, store -> {
            if (store.storeId == 1) {
                store.withLogHooks(failing);
            }
        })) {
            final StoreUnderTest failingStore = three.stores.get(0);
            assertEquals(1, failingStore.storeId);
            three.awaitLeader();
            failSyncs.set(true);
            for (int i = 1; i <= 20 && failingStore.raft.failure() == null; i++) {
                final StoreUnderTest leader = three.awaitLeader();
                leader.raft.propose(StoreUnderTest.REGION, ("w" + i).getBytes(StandardCharsets.UTF_8), i);
                final int wrote = i;
                three.awaitTrue(() -> failingStore.raft.failure() != null
                    || three.stores.stream().filter(s -> s != failingStore)
                        .allMatch(s -> s.sink.commands().contains("w" + wrote)), "w" + wrote + " or the failure");
            }
            assertTrue(failingStore.raft.failure() != null, "the store whose sync failed stopped");
            assertTrue(failingStore.raft.failure().contains("injected fdatasync failure"), failingStore.raft.failure());
            assertEquals(MultiRaft.Outcome.FAILED,
                failingStore.raft.propose(StoreUnderTest.REGION, "more".getBytes(StandardCharsets.UTF_8), 100));
            final int appliedThere = failingStore.sink.commands().size();

            final StoreUnderTest next = three.awaitLeader();
            assertNotEquals(1, next.storeId, "a store whose log works leads");
            assertEquals(MultiRaft.Outcome.ACCEPTED,
                next.raft.propose(StoreUnderTest.REGION, "after".getBytes(StandardCharsets.UTF_8), 101));
            three.awaitTrue(() -> three.stores.stream().filter(s -> s != failingStore)
                .allMatch(s -> s.sink.commands().contains("after")), "the others commit without it");
            assertEquals(appliedThere, failingStore.sink.commands().size(), "the stopped store applies nothing more");
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
