package io.tkv.raft.store;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tkv.raft.core.Role;
import io.tkv.raft.transport.PartitionFaults;
import io.tkv.raft.transport.TransportCounters;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three stores' Raft sides in one JVM, each with its own Chronicle log, over a real media driver and UDP on
 * 127.0.0.1: election, replication to every store in order, reads, fail-over after a store stops, a restarted
 * store catching up from its log, and no lease read by a leader resumed after a stall. The test thread drives every
 * store's duty cycle itself; the stall test drives the stores' Raft clocks too.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MultiRaftTest {
    /** StoreUnderTest's tick interval. */
    private static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int MAX_TEST_TICKS = 500;
    private static final int QUIET_ROUNDS = 5;

    @TempDir
    Path dir;

    private File aeronDir;
    private MediaDriver driver;
    private Aeron aeron;
    private final Map<Long, String> cluster = new LinkedHashMap<>();
    private final Map<Long, PartitionFaults> faults = new LinkedHashMap<>();
    private final List<StoreUnderTest> stores = new ArrayList<>();

    @BeforeEach
    void start() {
        aeronDir = new File("/dev/shm/tkv-multiraft-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir.getPath())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .publicationTermBufferLength(1 << 20)
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir.getPath()));
        for (long id = 1; id <= 3; id++) {
            cluster.put(id, "127.0.0.1:" + freeUdpPort());
        }
        for (long id = 1; id <= 3; id++) {
            final PartitionFaults storeFaults = new PartitionFaults();
            faults.put(id, storeFaults);
            stores.add(new StoreUnderTest(aeron, id, cluster, dir.resolve("store-" + id), storeFaults, counters())
                .start(0));
        }
    }

    @AfterEach
    void stop() {
        CloseHelper.closeAll(stores);
        CloseHelper.closeAll(aeron, driver);
        IoUtil.delete(aeronDir, true);
    }

    @Test
    void shouldElectOneLeaderAndReplicateEveryProposalToEveryStoreInOrder() {
        final StoreUnderTest leader = awaitLeader(stores);
        for (int i = 1; i <= 200; i++) {
            assertEquals(MultiRaft.Outcome.ACCEPTED, leader.raft.propose(StoreUnderTest.REGION, bytes("cmd-" + i), i));
            if (i % 20 == 0) {
                pump(stores, 1);
            }
        }
        awaitTrue(() -> stores.stream().allMatch(s -> s.sink.commands().size() == 200), "200 commands everywhere");
        final List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            expected.add("cmd-" + i);
        }
        for (final StoreUnderTest store : stores) {
            assertEquals(expected, store.sink.commands(), "store " + store.storeId);
        }
        final long tokens = leader.sink.committed.stream().filter(c -> c.token() != ApplySink.NO_TOKEN).count();
        assertEquals(200, tokens, "the leader's sink got every proposal's token");
        for (final StoreUnderTest store : stores) {
            if (store != leader) {
                assertTrue(store.sink.committed.stream().allMatch(c -> c.token() == ApplySink.NO_TOKEN));
            }
        }
    }

    @Test
    void shouldServeAReadOnlyAfterEveryEntryCommittedBeforeIt() {
        final StoreUnderTest leader = awaitLeader(stores);
        for (int i = 1; i <= 10; i++) {
            leader.raft.propose(StoreUnderTest.REGION, bytes("w" + i), i);
        }
        awaitTrue(() -> leader.sink.commands().size() == 10, "w1..w10 committed on the leader");
        final long w10 = leader.sink.committed.stream().filter(c -> c.token() == 10).findFirst().orElseThrow()
            .index();
        for (int i = 11; i <= 20; i++) {
            leader.raft.propose(StoreUnderTest.REGION, bytes("w" + i), i);
        }
        assertEquals(MultiRaft.Outcome.ACCEPTED, leader.raft.read(StoreUnderTest.REGION, 1000));
        awaitTrue(() -> leader.sink.reads.contains(1000L), "the read was served");
        final long servedAfter = leader.sink.readsAfterIndex.get(leader.sink.reads.indexOf(1000L));
        assertTrue(servedAfter >= w10, "read served after index " + servedAfter + ", before w10 at " + w10);

        final StoreUnderTest follower = stores.stream().filter(s -> s != leader).findFirst().orElseThrow();
        assertEquals(MultiRaft.Outcome.NOT_LEADER, follower.raft.read(StoreUnderTest.REGION, 2000));
        assertEquals(MultiRaft.Outcome.NOT_LEADER, follower.raft.propose(StoreUnderTest.REGION, bytes("x"), 3000));
        assertEquals(leader.storeId, follower.raft.leaderStoreId(StoreUnderTest.REGION));
    }

    @Test
    void shouldHoldCommittedEntriesWhileTheSinkIsFullAndDeliverThemInOrderLater() {
        final StoreUnderTest leader = awaitLeader(stores);
        leader.sink.room = 3;
        for (int i = 1; i <= 20; i++) {
            leader.raft.propose(StoreUnderTest.REGION, bytes("q" + i), i);
        }
        final StoreUnderTest follower = stores.stream().filter(s -> s != leader).findFirst().orElseThrow();
        awaitTrue(() -> follower.sink.commands().size() == 20, "committed on a follower");
        assertTrue(leader.sink.commands().size() < 20, "the full sink took only what it had room for");
        leader.sink.room = Integer.MAX_VALUE;
        awaitTrue(() -> leader.sink.commands().size() == 20, "the rest delivered once there is room");
        assertEquals(follower.sink.commands(), leader.sink.commands());
    }

    @Test
    void shouldFailOverWhenTheLeaderStopsAndCatchUpAfterItRestarts() {
        final StoreUnderTest first = awaitLeader(stores);
        for (int i = 1; i <= 50; i++) {
            first.raft.propose(StoreUnderTest.REGION, bytes("a" + i), i);
        }
        awaitTrue(() -> stores.stream().allMatch(s -> s.sink.commands().size() == 50), "50 commands everywhere");
        final long appliedBeforeStop = first.sink.lastIndex();
        first.close();
        final List<StoreUnderTest> survivors = new ArrayList<>(stores);
        survivors.remove(first);

        final StoreUnderTest second = awaitLeader(survivors);
        for (int i = 1; i <= 50; i++) {
            assertEquals(MultiRaft.Outcome.ACCEPTED, second.raft.propose(StoreUnderTest.REGION, bytes("b" + i), i));
        }
        awaitTrue(() -> survivors.stream().allMatch(s -> s.sink.commands().size() == 100), "b1..b50 committed");

        first.start(appliedBeforeStop);
        awaitTrue(() -> first.sink.commands().size() == 100, "the restarted store applied what it missed");
        assertEquals(second.sink.commands(), first.sink.commands());
        assertEquals(Role.FOLLOWER, first.raft.status(StoreUnderTest.REGION).role());
    }

    @Test
    void shouldNotCommitInAMinorityPartition() {
        final StoreUnderTest leader = awaitLeader(stores);
        faults.get(leader.storeId).isolateAll(true);
        for (int i = 1; i <= 5; i++) {
            leader.raft.propose(StoreUnderTest.REGION, bytes("lost" + i), i);
        }
        final List<StoreUnderTest> majority = new ArrayList<>(stores);
        majority.remove(leader);
        final StoreUnderTest newLeader = awaitLeader(majority);
        newLeader.raft.propose(StoreUnderTest.REGION, bytes("kept"), 99);
        awaitTrue(() -> majority.stream().allMatch(s -> s.sink.commands().contains("kept")), "kept committed");
        assertTrue(leader.sink.commands().stream().noneMatch(c -> c.startsWith("lost")),
            "the isolated leader committed nothing");

        faults.get(leader.storeId).heal();
        awaitTrue(() -> leader.sink.commands().contains("kept"), "the old leader caught up after the heal");
        assertTrue(stores.stream().allMatch(s -> s.sink.commands().stream().noneMatch(c -> c.startsWith("lost"))),
            "the minority's proposals never committed anywhere");
        assertEquals(5, leader.sink.droppedProposals.size(), "and were reported dropped");
    }

    /**
     * A stall (GC, SIGSTOP) of the leader, on clocks the test moves: the others elect a leader and commit a write
     * meanwhile; then the old leader's clock jumps to theirs and a read reaches it before its next duty cycle (as the
     * ingress or an invoker-mode media driver can hand one over). Its tick count from before the stall still says
     * "lease", but the clock says the lease ran out long ago: the read must not be served under it.
     */
    @Test
    void shouldServeNoLeaseReadAfterAStallBeforeTheRaftClockCaughtUp() {
        CloseHelper.closeAll(stores);
        stores.clear();
        final Map<Long, CachedNanoClock> clocks = new LinkedHashMap<>();
        for (long id = 1; id <= 3; id++) {
            final CachedNanoClock clock = new CachedNanoClock();
            clocks.put(id, clock);
            stores.add(new StoreUnderTest(aeron, id, cluster, dir.resolve("stalled-" + id), faults.get(id),
                counters()).withClock(clock).start(0));
        }
        final StoreUnderTest leader = awaitLeaderByTicks(stores, clocks);
        // The lease holds: a read is served at once, without a round (the premise of the stale read).
        final long[] probe = {0};
        tickUntil(stores, clocks, () -> {
            probe[0]++;
            assertEquals(MultiRaft.Outcome.ACCEPTED, leader.raft.read(StoreUnderTest.REGION, 9000 + probe[0]));
            return leader.sink.reads.contains(9000 + probe[0]);
        }, "a read served at once under the lease");

        // The stall: from here the leader neither runs nor sees its clock move.
        final List<StoreUnderTest> others = new ArrayList<>(stores);
        others.remove(leader);
        final StoreUnderTest newLeader = awaitLeaderByTicks(others, clocks);
        assertEquals(MultiRaft.Outcome.ACCEPTED,
            newLeader.raft.propose(StoreUnderTest.REGION, bytes("after-stall"), 77));
        tickUntil(others, clocks, () -> others.stream().allMatch(s -> s.sink.commands().contains("after-stall")),
            "the new leader's write committed");
        final long written = newLeader.sink.committed.stream().filter(c -> c.token() == 77).findFirst()
            .orElseThrow().index();

        // It resumes: its clock is the others' again, and a read arrives before its driver ran a cycle.
        clocks.get(leader.storeId).update(clocks.get(newLeader.storeId).nanoTime());
        final MultiRaft.Outcome outcome = leader.raft.read(StoreUnderTest.REGION, 4242);
        assertFalse(leader.sink.reads.contains(4242L),
            "served at once under a lease that ran out by the clock (write at " + written + " not seen)");
        assertTrue(outcome == MultiRaft.Outcome.ACCEPTED || outcome == MultiRaft.Outcome.NOT_LEADER, outcome::name);
        if (outcome == MultiRaft.Outcome.ACCEPTED) {
            tickUntil(stores, clocks,
                () -> leader.sink.rejectedReads.contains(4242L) || leader.sink.reads.contains(4242L),
                "the read rejected or served");
            if (leader.sink.reads.contains(4242L)) {
                final long servedAfter = leader.sink.readsAfterIndex.get(leader.sink.reads.indexOf(4242L));
                assertTrue(servedAfter >= written, "served after index " + servedAfter + ", before " + written);
            }
        }
    }

    @Test
    void shouldCatchUpAFollowerStoppedWhileTheLeaderCompactedPastItBySnapshot() {
        CloseHelper.closeAll(stores);
        stores.clear();
        for (long id = 1; id <= 3; id++) {
            stores.add(new StoreUnderTest(aeron, id, cluster, dir.resolve("compacting-" + id), faults.get(id),
                counters()).withSnapshots(40, 10, 1024).start(0));
        }
        final StoreUnderTest leader = awaitLeader(stores);
        for (int i = 1; i <= 30; i++) {
            leader.raft.propose(StoreUnderTest.REGION, bytes("a" + i), i);
        }
        awaitTrue(() -> stores.stream().allMatch(s -> s.sink.commands().size() == 30), "30 commands everywhere");
        final StoreUnderTest lagging = stores.stream().filter(s -> s != leader).findFirst().orElseThrow();
        final long laggingLast = lagging.log.lastIndex(StoreUnderTest.REGION);
        lagging.close();
        final List<StoreUnderTest> running = new ArrayList<>(stores);
        running.remove(lagging);

        final String padding = "-".repeat(60);
        for (int i = 1; i <= 400; i++) {
            assertEquals(MultiRaft.Outcome.ACCEPTED,
                leader.raft.propose(StoreUnderTest.REGION, bytes("b" + i + padding), 100 + i));
            if (i % 20 == 0) {
                awaitTrue(() -> leader.raft.status(StoreUnderTest.REGION).commit()
                    == leader.raft.status(StoreUnderTest.REGION).lastIndex(), "the batch committed");
            }
        }
        awaitTrue(() -> running.stream().allMatch(s -> s.sink.commands().size() == 430)
            && leader.log.firstIndex(StoreUnderTest.REGION) > laggingLast + 1, "the leader compacted past it");
        assertTrue(leader.log.stats().cyclesDeleted() > 0, "cycle files no region needs were deleted");

        lagging.start(lagging.sink.lastIndex());
        awaitTrue(() -> lagging.sink.commands().size() == 430, "the restarted store caught up");
        assertEquals(leader.sink.commands(), lagging.sink.commands());
        assertEquals(1, lagging.sink.installedSnapshots.size(), "it caught up by one snapshot");
        assertTrue(lagging.sink.installedSnapshots.get(0) > laggingLast + 1);
        assertTrue(lagging.snapshotAgent.transfersCompleted() >= 1);
        assertTrue(lagging.log.firstIndex(StoreUnderTest.REGION) > laggingLast + 1,
            "its log restarted after the snapshot");
        awaitTrue(() -> stores.stream().allMatch(s -> s.snapshotAgent == null
            || !java.nio.file.Files.exists(s.snapshotRoot()) || receiveDirs(s).isEmpty()),
            "no received snapshot directory is left behind");
    }

    private static List<Path> receiveDirs(final StoreUnderTest store) {
        try (java.util.stream.Stream<Path> dirs = java.nio.file.Files.list(store.snapshotRoot())) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("recv-")).toList();
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private StoreUnderTest awaitLeader(final List<StoreUnderTest> candidates) {
        final StoreUnderTest[] found = new StoreUnderTest[1];
        awaitTrue(() -> (found[0] = servingLeader(candidates)) != null, "a leader among " + candidates.size());
        return found[0];
    }

    private static StoreUnderTest awaitLeaderByTicks(
        final List<StoreUnderTest> candidates, final Map<Long, CachedNanoClock> clocks) {
        final StoreUnderTest[] found = new StoreUnderTest[1];
        tickUntil(candidates, clocks, () -> (found[0] = servingLeader(candidates)) != null,
            "a leader among " + candidates.size());
        return found[0];
    }

    /** @return the leader among them that has applied an entry of its own term (its no-op), or null. */
    private static StoreUnderTest servingLeader(final List<StoreUnderTest> candidates) {
        StoreUnderTest leader = null;
        for (final StoreUnderTest store : candidates) {
            if (store.isLeader()) {
                leader = store;
            }
        }
        // Only such a leader accepts proposals and reads.
        return leader != null && !leader.sink.committed.isEmpty()
            && leader.sink.committed.get(leader.sink.committed.size() - 1).term()
            == leader.raft.status(StoreUnderTest.REGION).term() ? leader : null;
    }

    /**
     * Moves the clocks of the running stores one Raft tick at a time, and runs them until the messages of that tick
     * settled, until the condition holds. Raft time is the test's: a slow network only looks like a slow network.
     */
    private static void tickUntil(
        final List<StoreUnderTest> running, final Map<Long, CachedNanoClock> clocks, final BooleanSupplier condition,
        final String what) {
        for (int tick = 0; tick < MAX_TEST_TICKS; tick++) {
            if (condition.getAsBoolean()) {
                return;
            }
            for (final StoreUnderTest store : running) {
                clocks.get(store.storeId).advance(TICK_NS);
            }
            settle(running);
        }
        fail("no " + what + " within " + MAX_TEST_TICKS + " ticks");
    }

    /** Runs the stores until a few idle rounds in a row: what was sent has arrived and been handled. */
    private static void settle(final List<StoreUnderTest> running) {
        final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        int quiet = 0;
        for (int round = 0; round < 1000 && quiet < QUIET_ROUNDS; round++) {
            final int work = pump(running, 1);
            quiet = work == 0 ? quiet + 1 : 0;
            idle.idle(work);
        }
    }

    private void awaitTrue(final BooleanSupplier condition, final String what) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            if (pump(stores, 1) == 0) {
                try {
                    Thread.sleep(1);
                } catch (final InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    fail("interrupted");
                }
            }
        }
    }

    private static int pump(final List<StoreUnderTest> all, final int rounds) {
        int work = 0;
        for (int r = 0; r < rounds; r++) {
            for (final StoreUnderTest store : all) {
                if (store.raft != null) {
                    work += store.pump();
                }
            }
        }
        return work;
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static TransportCounters counters() {
        final CountersManager manager = new CountersManager(new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(8 * 1024)));
        return new TransportCounters((typeId, label) -> manager.newCounter(label, typeId));
    }

    private static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
