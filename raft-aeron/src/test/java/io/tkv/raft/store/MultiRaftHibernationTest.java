package io.tkv.raft.store;

import io.tkv.raft.core.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hibernating regions on three stores over real Aeron (10 ms ticks, election timeout 10 ticks): an idle region's
 * stores exchange keep-alive frames only, a proposal wakes it, the followers of a region whose leader's store
 * stops while it sleeps still elect a leader, and a sleeping leader cut off from its followers steps down, both from
 * the store-to-store heartbeat.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MultiRaftHibernationTest {
    private static final int AFTER_TICKS = 5;

    @TempDir
    Path dir;

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean allAsleep(final ThreeStores three) {
        for (final StoreUnderTest store : three.stores) {
            if (store.raft != null && store.raft.awakeRegionCount() != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean committedEverywhere(final ThreeStores three, final long token, final String data) {
        for (final StoreUnderTest store : three.stores) {
            if (store.raft != null && store.sink.committed.stream().noneMatch(c -> data.equals(c.data()))) {
                return false;
            }
        }
        return true;
    }

    private static void idle(final ThreeStores three, final long millis) {
        final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        three.awaitTrue(() -> System.nanoTime() > until, millis + " ms of idle duty cycles");
    }

    @Test
    void shouldSendNoRaftMessageWhileHibernatedAndWakeOnAProposal() {
        try (ThreeStores three = new ThreeStores(dir, store -> store.withHibernation(AFTER_TICKS))) {
            final StoreUnderTest leader = three.awaitLeader();
            assertEquals(MultiRaft.Outcome.ACCEPTED, leader.raft.propose(StoreUnderTest.REGION, bytes("a"), 1));
            three.awaitTrue(() -> committedEverywhere(three, 1, "a"), "a committed on every store");
            three.awaitTrue(() -> allAsleep(three), "the region asleep on every store");

            final long[] messages = new long[3];
            final long[] frames = new long[3];
            for (int i = 0; i < 3; i++) {
                messages[i] = three.stores.get(i).counters().messagesSent().get();
                frames[i] = three.stores.get(i).counters().framesSent().get();
            }
            idle(three, 1_000);
            for (int i = 0; i < 3; i++) {
                final StoreUnderTest store = three.stores.get(i);
                assertEquals(messages[i], store.counters().messagesSent().get(), "store " + store.storeId
                    + " sent Raft messages while its region slept");
                assertTrue(store.counters().framesSent().get() > frames[i], "but keep-alives to the other stores");
                assertEquals(0, store.raft.awakeRegionCount());
            }
            assertTrue(leader.isLeader(), "the sleeping leader still leads");

            assertEquals(MultiRaft.Outcome.ACCEPTED, leader.raft.propose(StoreUnderTest.REGION, bytes("b"), 2));
            three.awaitTrue(() -> committedEverywhere(three, 2, "b"), "b committed on every store after waking");
            three.awaitTrue(() -> allAsleep(three), "and asleep again");
        }
    }

    @Test
    void shouldStepDownASleepingLeaderWhenItsFollowersStoresGoSilent() {
        try (ThreeStores three = new ThreeStores(dir, store -> store.withHibernation(AFTER_TICKS))) {
            final StoreUnderTest leader = three.awaitLeader();
            assertEquals(MultiRaft.Outcome.ACCEPTED, leader.raft.propose(StoreUnderTest.REGION, bytes("a"), 1));
            three.awaitTrue(() -> committedEverywhere(three, 1, "a"), "a committed on every store");
            three.awaitTrue(() -> allAsleep(three), "the region asleep on every store");
            idle(three, 300);

            // The leader's store cut off from both others: they elect, and the sleeping leader, woken by the silence
            // of its followers' stores, sees by check-quorum that it lost its quorum and steps down.
            three.faults.get(three.stores.indexOf(leader)).isolateAll(true);
            three.awaitTrue(() -> !leader.isLeader(), "the cut-off sleeping leader stepped down");
            final StoreUnderTest next = three.awaitLeader();
            assertNotSame(leader, next);
            assertEquals(0, leader.raft.leaderStoreId(StoreUnderTest.REGION), "it knows no leader, cut off");
        }
    }

    @Test
    void shouldElectANewLeaderWhenTheLeaderStoreStopsWhileTheRegionSleeps() {
        try (ThreeStores three = new ThreeStores(dir, store -> store.withHibernation(AFTER_TICKS))) {
            final StoreUnderTest leader = three.awaitLeader();
            assertEquals(MultiRaft.Outcome.ACCEPTED, leader.raft.propose(StoreUnderTest.REGION, bytes("a"), 1));
            three.awaitTrue(() -> committedEverywhere(three, 1, "a"), "a committed on every store");
            three.awaitTrue(() -> allAsleep(three), "the region asleep on every store");
            idle(three, 300);
            final long term = leader.raft.status(StoreUnderTest.REGION).term();

            final long stoppedNs = System.nanoTime();
            leader.close();
            final StoreUnderTest next = three.awaitLeader();
            final long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedNs);
            assertNotSame(leader, next);
            assertTrue(next.raft.status(StoreUnderTest.REGION).term() > term);
            assertEquals(Role.LEADER, next.raft.status(StoreUnderTest.REGION).role());
            assertTrue(next.sink.committed.stream().anyMatch(c -> "a".equals(c.data())), "nothing committed lost");
            // Silence noticed after an election timeout (100 ms), a campaign within the next: far below this bound.
            assertTrue(failoverMs < 5_000, "elected " + failoverMs + " ms after the leader's store stopped");
            System.out.printf("hibernated region: new leader %d ms after its leader's store stopped%n", failoverMs);
            assertEquals(MultiRaft.Outcome.ACCEPTED, next.raft.propose(StoreUnderTest.REGION, bytes("b"), 2));
            three.awaitTrue(() -> committedEverywhere(three, 2, "b"), "b committed on the two stores left");
        }
    }
}
