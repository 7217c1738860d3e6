package io.tkv.server.storepd;

import io.tkv.client.OperatorStep;
import io.tkv.client.PdStore;
import io.tkv.client.RegionHeartbeatReport;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.RegionListDecoder;
import io.tkv.server.config.StorePdSettings;
import io.tkv.server.config.SplitCheckSettings;
import io.tkv.server.region.RegionRegistry;
import io.tkv.server.region.RegionWriteStats;
import io.tkv.storage.RegionDescriptor;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PdWorkerTest {
    private static final long STORE = 1;
    private static final long STORE_MS = 300;
    private static final long CHECK_MS = 500;

    private final CachedEpochClock clock = new CachedEpochClock();
    private final FakeStorePd pd = new FakeStorePd();
    private final PdLink link = new PdLink();
    private final RegionRegistry regions = new RegionRegistry();
    private final long[] written = new long[2];
    private final RegionWriteStats writes = new RegionWriteStats();
    private long[] approximate = {0, 0};
    private byte[] splitKey;
    private PdWorker worker;

    @BeforeEach
    void setUp() {
        clock.update(1_000_000);
        final StorePdSettings settings = new StorePdSettings().endpoints(List.of("127.0.0.1:2379"))
            .labels("zone=z1,host=h1")
            .storeHeartbeatIntervalMs(STORE_MS).regionHeartbeatIntervalMs(1000);
        final SplitCheckSettings split = new SplitCheckSettings().regionMaxSizeBytes(1000).regionSplitSizeBytes(600)
            .regionMaxKeys(100).regionSplitKeys(60).splitCheckIntervalMs(CHECK_MS);
        final StoreStats stats = new StoreStats() {
            @Override
            public long capacityBytes() {
                return 1000;
            }

            @Override
            public long availableBytes() {
                return 400;
            }

            @Override
            public long usedBytes() {
                return 123;
            }

            @Override
            public int regionCount() {
                return regions.size();
            }

            @Override
            public long bytesWritten() {
                return written[0];
            }

            @Override
            public long keysWritten() {
                return written[1];
            }
        };
        final RegionData data = new RegionData() {
            @Override
            public long[] approximateSize(final RegionDescriptor region) {
                return approximate.clone();
            }

            @Override
            public byte[] splitKey(final RegionDescriptor region, final long splitBytes, final long splitKeys) {
                return splitKey;
            }

            @Override
            public byte[] halfSplitKey(final RegionDescriptor region) {
                return "rm".getBytes(StandardCharsets.UTF_8);
            }
        };
        worker = new PdWorker(STORE, "127.0.0.1:20160", settings, split, pd, link, regions, stats, data, writes,
            Map.of(1L, "127.0.0.1:20160", 2L, "127.0.0.1:20161"), clock);
        regions.publish(region(7, 1, 1, 1, 2));
    }

    private static RegionDescriptor region(final long id, final long confVer, final long version,
        final long... stores) {
        final List<RegionDescriptor.Peer> peers = new ArrayList<>();
        for (final long store : stores) {
            peers.add(new RegionDescriptor.Peer(store * 10, store, RegionDescriptor.Role.VOTER));
        }
        return new RegionDescriptor(id, new byte[0], new byte[0], confVer, version, peers);
    }

    private void work(final int cycles) {
        for (int i = 0; i < cycles; i++) {
            worker.doWork();
        }
    }

    private List<Object> drainToRaft() {
        final List<Object> items = new ArrayList<>();
        link.drainCommands(items::add, 1000);
        return items;
    }

    private RegionReport report(final RegionDescriptor region) {
        return new RegionReport(region, 10, 3, new long[] {20}, new long[] {4}, new long[0]);
    }

    @Test
    void shouldRegisterUntilPdTakesItAndSendNothingElseBefore() {
        pd.putFailuresLeft = 2;
        link.offerReport(report(regions.get(7)));
        work(3);
        assertEquals(List.of("1 127.0.0.1:20160 zone=z1,host=h1"), pd.puts);
        assertFalse(worker.registered());
        clock.advance(999);
        work(3);
        assertEquals(1, pd.puts.size(), "retried after a second, not before");
        clock.advance(1);
        work(3);
        assertEquals(2, pd.puts.size());
        clock.advance(1000);
        work(3);
        assertEquals(3, pd.puts.size());
        assertTrue(worker.registered());
        assertTrue(pd.storeHeartbeats.size() >= 1);
        assertEquals(1, pd.regionHeartbeats.size(), "the report waited for the registration");
    }

    @Test
    void shouldHeartbeatTheStoreEveryIntervalWithWhatWasWrittenSinceTheLastOne() {
        written[0] = 500;
        written[1] = 5;
        work(3);
        assertEquals(1, pd.storeHeartbeats.size());
        assertEquals(500, pd.storeHeartbeats.get(0).bytesWritten());
        assertEquals(1000, pd.storeHeartbeats.get(0).capacity());
        assertEquals(400, pd.storeHeartbeats.get(0).available());
        assertEquals(123, pd.storeHeartbeats.get(0).usedSize());
        assertEquals(1, pd.storeHeartbeats.get(0).regionCount());
        written[0] = 800;
        written[1] = 9;
        link.publishLedRegions(new long[] {7});
        clock.advance(STORE_MS - 1);
        work(3);
        assertEquals(1, pd.storeHeartbeats.size());
        clock.advance(1);
        work(3);
        assertEquals(2, pd.storeHeartbeats.size());
        assertEquals(300, pd.storeHeartbeats.get(1).bytesWritten());
        assertEquals(4, pd.storeHeartbeats.get(1).keysWritten());
        assertEquals(1, pd.storeHeartbeats.get(1).leaderCount());
    }

    @Test
    void shouldSendEachReportAsARegionHeartbeatWithItsSizeAndTheRegionLedHere() {
        approximate = new long[] {4096, 40};
        work(2);
        link.offerReport(report(regions.get(7)));
        work(1);
        assertEquals(1, pd.regionHeartbeats.size());
        final RegionHeartbeatReport sent = pd.regionHeartbeats.get(0);
        assertEquals(STORE, sent.storeId());
        assertEquals(10, sent.leaderPeerId());
        assertEquals(3, sent.term());
        assertEquals(4096, sent.approximateSize());
        assertEquals(40, sent.approximateKeys());
        assertArrayEquals(new long[] {20}, sent.downPeerIds());
        assertArrayEquals(new long[] {4}, sent.downSeconds());
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(new UnsafeBuffer(sent.regionList()), 0);
        assertEquals(RegionListDecoder.TEMPLATE_ID, header.templateId());
        final RegionListDecoder listed = new RegionListDecoder().wrap(new UnsafeBuffer(sent.regionList()),
            MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        final RegionListDecoder.RegionsDecoder group = listed.regions();
        assertEquals(1, group.count());
        group.next();
        assertEquals(7, group.regionId());
        assertEquals(STORE, group.leaderStoreId());
        assertEquals(2, group.peers().count());
    }

    @Test
    void shouldSendWhatWasWrittenToTheRegionSinceItsPreviousHeartbeat() {
        work(2);
        final RegionWriteStats.Counter counter = writes.add(7);
        counter.publish(1_000, 10);
        link.offerReport(report(regions.get(7)));
        work(1);
        counter.publish(1_600, 13);
        link.offerReport(report(regions.get(7)));
        work(1);
        link.offerReport(report(regions.get(7)));
        work(1);
        assertEquals(3, pd.regionHeartbeats.size());
        assertWritten(1_000, 10, pd.regionHeartbeats.get(0), "since the region came to the store");
        assertWritten(600, 3, pd.regionHeartbeats.get(1), "since the previous heartbeat");
        assertWritten(0, 0, pd.regionHeartbeats.get(2), "nothing written since");

        // A heartbeat PD does not take still counts as sent: two in flight never carry the same write twice.
        pd.answerRegionHeartbeats = false;
        counter.publish(1_700, 14);
        link.offerReport(report(regions.get(7)));
        link.offerReport(report(regions.get(7)));
        work(1);
        pd.regionAnswers.get(3).completeExceptionally(new IllegalStateException("lost"));
        work(1);
        assertWritten(100, 1, pd.regionHeartbeats.get(3), "the first of two in flight");
        assertWritten(0, 0, pd.regionHeartbeats.get(4), "the second");

        // The region left the store and came back (a new counter): it reports from 0, never a negative delta.
        writes.remove(7);
        link.offerReport(report(regions.get(7)));
        work(1);
        writes.add(7).publish(50, 1);
        link.offerReport(report(regions.get(7)));
        work(1);
        assertWritten(0, 0, pd.regionHeartbeats.get(5), "no counter: nothing written here");
        assertWritten(50, 1, pd.regionHeartbeats.get(6), "the new counter from 0");
    }

    private static void assertWritten(final long bytes, final long keys, final RegionHeartbeatReport sent,
        final String why) {
        assertEquals(bytes, sent.bytesWritten(), why);
        assertEquals(keys, sent.keysWritten(), why);
    }

    @Test
    void shouldKeepAtMostEightRegionHeartbeatsInFlight() {
        pd.answerRegionHeartbeats = false;
        work(2);
        for (int i = 0; i < 20; i++) {
            assertTrue(link.offerReport(report(regions.get(7))));
        }
        work(5);
        assertEquals(RegionHeartbeats.MAX_IN_FLIGHT, pd.regionHeartbeats.size());
        pd.regionAnswers.get(0).complete(OperatorStep.none(7));
        pd.regionAnswers.get(1).completeExceptionally(new IllegalStateException("lost"));
        work(2);
        assertEquals(RegionHeartbeats.MAX_IN_FLIGHT + 2, pd.regionHeartbeats.size());
    }

    @Test
    void shouldHandStepsToTheRaftAgentAndLearnAnUnknownStoreBeforeAddingAPeerOnIt() {
        work(2);
        drainToRaft();
        pd.nextStep = new OperatorStep(7, 1, 1, 55, OperatorStep.Kind.TRANSFER_LEADER, 0, 2);
        link.offerReport(report(regions.get(7)));
        work(2);
        assertEquals(List.of(new OperatorStep(7, 1, 1, 55, OperatorStep.Kind.TRANSFER_LEADER, 0, 2)), drainToRaft());

        // A learner on store 4, which the initial cluster did not name: its address first, then the step.
        final OperatorStep addLearner = new OperatorStep(7, 1, 1, 56, OperatorStep.Kind.ADD_LEARNER, 40, 4);
        pd.nextStep = addLearner;
        link.offerReport(report(regions.get(7)));
        work(1);
        assertTrue(drainToRaft().isEmpty(), "not before store 4 is known");
        pd.stores.add(new PdStore(4, "UP", 0, 0, 0, 0, 0, "127.0.0.1:20163", ""));
        pd.stores.add(new PdStore(5, "TOMBSTONE", 0, 0, 0, 0, 0, "127.0.0.1:20164", ""));
        clock.advance(250);
        work(3);
        assertEquals(List.of(new StoreAddress(4, "127.0.0.1:20163"), addLearner), drainToRaft());
    }

    @Test
    void shouldLearnAStoreARegionNamesThatTheInitialClusterDidNot() {
        work(2);
        final int lists = pd.storeLists;
        drainToRaft();
        clock.advance(250);
        work(2);
        assertEquals(lists, pd.storeLists, "nothing unknown: no refresh before the interval");
        pd.stores.add(new PdStore(3, "UP", 0, 0, 0, 0, 0, "127.0.0.1:20162", "zone=z2"));
        regions.publish(region(7, 2, 1, 1, 2, 3));
        clock.advance(250);
        work(2);
        assertEquals(List.of(new StoreAddress(3, "127.0.0.1:20162")), drainToRaft());
        clock.advance(250);
        work(2);
        assertTrue(drainToRaft().isEmpty(), "taught once");
    }

    @Test
    void shouldSplitARegionLedHerePastTheMaximumOnceForItsEpoch() {
        work(2);
        link.publishLedRegions(new long[] {7});
        approximate = new long[] {999, 10};
        clock.advance(CHECK_MS);
        work(2);
        assertTrue(pd.askSplits.isEmpty(), "not past the maximum");
        approximate = new long[] {5000, 10};
        splitKey = "rk".getBytes(StandardCharsets.UTF_8);
        clock.advance(CHECK_MS);
        work(2);
        assertEquals(1, pd.askSplits.size());
        assertArrayEquals(new long[] {7, 1, 1, 2}, pd.askSplits.get(0));
        final List<Object> toRaft = drainToRaft();
        assertEquals(1, toRaft.size());
        final SplitProposal split = assertInstanceOf(SplitProposal.class, toRaft.get(0));
        assertEquals(7, split.regionId());
        assertEquals(1, split.version());
        assertArrayEquals(splitKey, split.splitKey());
        assertEquals(1000, split.newRegionId());
        assertArrayEquals(new long[] {1001, 1002}, split.newPeerIds());

        clock.advance(CHECK_MS);
        work(2);
        assertEquals(1, pd.askSplits.size(), "asked once at this epoch");
        regions.publish(new RegionDescriptor(7, new byte[0], splitKey, 1, 2, regions.get(7).peers()));
        clock.advance(CHECK_MS);
        work(2);
        assertEquals(2, pd.askSplits.size(), "asked again once the region moved on (still too big)");
    }

    @Test
    void shouldHalveARegionAtOnceWhenPdAsksAndIgnoreAnAskForAnotherEpoch() {
        work(2);
        drainToRaft();
        pd.nextStep = new OperatorStep(7, 1, 9, 57, OperatorStep.Kind.SPLIT, 0, 0);
        link.offerReport(report(regions.get(7)));
        work(2);
        assertTrue(pd.askSplits.isEmpty(), "a step for another epoch is ignored");
        pd.nextStep = new OperatorStep(7, 1, 1, 58, OperatorStep.Kind.SPLIT, 0, 0);
        link.offerReport(report(regions.get(7)));
        work(2);
        assertEquals(1, pd.askSplits.size());
        final SplitProposal split = assertInstanceOf(SplitProposal.class, drainToRaft().get(0));
        assertEquals("rm", new String(split.splitKey(), StandardCharsets.UTF_8));
        assertNull(pd.nextStep);
    }
}
