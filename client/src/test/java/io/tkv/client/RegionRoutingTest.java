package io.tkv.client;

import io.tkv.codec.RawBatchPutDecoder;
import io.tkv.codec.RawGetDecoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.RawScanDecoder;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tkv.client.StoreFixture.bytes;
import static io.tkv.client.StoreFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client with no region configured against three fake stores holding several regions, each led by its own store:
 * keys go to their region's leader, batches split by region and merge in request order, scans and delete-range walk
 * the regions, and splits and leader moves during use are followed through refusals.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegionRoutingTest {
    private static ClusterFixture cluster;
    private FakeRegions regions;
    private RawKvClient client;

    @BeforeAll
    static void startCluster() {
        cluster = new ClusterFixture(3, true);
    }

    @AfterAll
    static void stopCluster() {
        CloseHelper.close(cluster);
    }

    @BeforeEach
    void connect() {
        cluster.reset();
        regions = new FakeRegions(1, 1, 2, 3);
        regions.split("g", 2);
        regions.split("p", 3);
        regions.leader(2, 2);
        regions.leader(3, 3);
        for (int i = 0; i < 3; i++) {
            cluster.store(i).regionMap(regions);
        }
        client = cluster.connect(cluster.context(), 0);
    }

    @AfterEach
    void close() {
        CloseHelper.close(client);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, cluster.store(i).malformedFrames());
        }
    }

    @Test
    void shouldSendEachKeyToItsRegionsLeader() {
        client.put(bytes("a"), bytes("1"));
        client.put(bytes("h"), bytes("2"));
        client.put(bytes("q"), bytes("3"));
        final int[] before = counts(RawGetDecoder.TEMPLATE_ID);
        for (int i = 0; i < 10; i++) {
            assertEquals("1", text(client.get(bytes("a"))));
            assertEquals("2", text(client.get(bytes("h"))));
            assertEquals("3", text(client.get(bytes("q"))));
        }
        final int[] after = counts(RawGetDecoder.TEMPLATE_ID);
        for (int i = 0; i < 3; i++) {
            assertEquals(10, after[i] - before[i], "store " + (i + 1) + " served its region's gets, and only those");
        }
        assertEquals(3, cluster.store(0).applied(), "each put applied once");
    }

    @Test
    void shouldSplitABatchByRegionAndMergeInRequestOrder() {
        final List<KvPair> pairs = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            pairs.add(KvPair.of(String.valueOf(c), "v" + c));
        }
        client.batchPut(pairs);
        final int[] batches = counts(RawBatchPutDecoder.TEMPLATE_ID);
        for (int i = 0; i < 3; i++) {
            assertTrue(batches[i] >= 1, "store " + (i + 1) + " took its region's part");
        }
        final List<byte[]> keys = List.of(bytes("z"), bytes("absent"), bytes("b"), bytes("h"), bytes("q"),
            bytes("a"), bytes("z"));
        final List<KvPair> found = client.batchGet(keys);
        assertEquals(List.of("z", "b", "h", "q", "a", "z"), found.stream().map(p -> text(p.key())).toList());
        assertEquals("vh", text(found.get(2).value()));

        client.batchDelete(List.of(bytes("a"), bytes("h"), bytes("q")));
        assertNull(client.get(bytes("a")));
        assertNull(client.get(bytes("h")));
        assertNull(client.get(bytes("q")));
        assertEquals("vb", text(client.get(bytes("b"))));
    }

    @Test
    void shouldScanAcrossRegionsForwardAndReverse() {
        final List<KvPair> pairs = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            pairs.add(KvPair.of(String.valueOf(c), "v" + c));
        }
        client.batchPut(pairs);
        cluster.store(0).scanPageSize(2);
        cluster.store(1).scanPageSize(3);
        assertEquals(letters('a', 'z'), keys(client.scan(null, null, 100)));
        assertEquals(letters('c', 'r'), keys(client.scan(bytes("c"), bytes("s"), 16)));
        assertEquals(letters('e', 'i'), keys(client.scan(bytes("e"), null, 5)), "the limit stops the walk");
        final List<String> reverse = keys(client.scan(null, null, 100, true, false));
        assertEquals(reversed(letters('a', 'z')), reverse);
        assertEquals(List.of("r", "q", "p", "o", "n", "m"), keys(client.scan(bytes("b"), bytes("s"), 6, true, false)));
        assertEquals(reversed(letters('b', 'h')), keys(client.scan(bytes("b"), bytes("i"), 100, true, true)));
        assertTrue(cluster.store(2).received(RawScanDecoder.TEMPLATE_ID) > 0);
    }

    @Test
    void shouldDeleteARangeInEveryRegionItCrosses() {
        final List<KvPair> pairs = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            pairs.add(KvPair.of(String.valueOf(c), "v" + c));
        }
        client.batchPut(pairs);
        client.deleteRange(bytes("c"), bytes("x"));
        assertEquals(List.of("a", "b", "x", "y", "z"), keys(client.scan(null, null, 100)));
        client.deleteRange(null, null);
        assertEquals(List.of(), keys(client.scan(null, null, 100)));
    }

    @Test
    void shouldFollowASplitUnderTheSameCorrelationId() {
        client.put(bytes("t"), bytes("1"));
        regions.split("u", 4);
        regions.leader(4, 1);
        final int before = cluster.store(2).requestIds().size();
        client.put(bytes("w"), bytes("2"));
        final List<Long> refused = cluster.store(2).requestIds().subList(before, cluster.store(2).requestIds().size());
        assertEquals(1, refused.size(), "store 3 refused the put (EPOCH_NOT_MATCH): " + refused);
        assertTrue(cluster.store(0).requestIds().contains(refused.get(0)),
            "resent to the new region's leader under the same correlation id");
        assertEquals("2", text(client.get(bytes("w"))));
        assertEquals("1", text(client.get(bytes("t"))));
        client.compareAndSwap(bytes("w"), bytes("2"), bytes("3"));
        assertEquals("3", text(client.get(bytes("w"))));
        assertEquals(List.of("t", "w"),
            keys(client.scan(bytes("s"), null, 10)));
    }

    @Test
    void shouldSplitABatchAndAScanAgainWhenTheirRegionSplitsUnderThem() {
        client.batchPut(List.of(KvPair.of("q", "1"), KvPair.of("v", "2")));
        assertEquals(List.of("q", "v"), keys(client.scan(bytes("p"), null, 10)));
        regions.split("u", 4);
        final int before = cluster.store(2).received(RawBatchPutDecoder.TEMPLATE_ID);
        client.batchPut(List.of(KvPair.of("q", "3"), KvPair.of("v", "4"), KvPair.of("w", "5")));
        assertEquals(before + 3, cluster.store(2).received(RawBatchPutDecoder.TEMPLATE_ID),
            "refused once as one part, then sent as two: " + regions.lastRefusal());
        final List<KvPair> found = client.batchGet(List.of(bytes("w"), bytes("q"), bytes("v")));
        assertEquals(List.of("w=5", "q=3", "v=4"), found.stream().map(p -> text(p.key()) + "=" + text(p.value()))
            .toList());
        regions.split("w", 5);
        assertEquals(List.of("q", "v", "w"), keys(client.scan(bytes("p"), null, 10)));
        regions.split("r", 6);
        assertEquals(List.of("w", "v", "q"), keys(client.scan(bytes("p"), null, 10, true, false)));
    }

    @Test
    void shouldFollowARegionsLeaderWhenItMoves() {
        client.put(bytes("h"), bytes("1"));
        regions.leader(2, 3);
        final int before = cluster.store(2).received(RawPutDecoder.TEMPLATE_ID);
        client.put(bytes("i"), bytes("2"));
        assertEquals(before + 1, cluster.store(2).received(RawPutDecoder.TEMPLATE_ID));
        final int[] gets = counts(RawGetDecoder.TEMPLATE_ID);
        assertEquals("2", text(client.get(bytes("i"))));
        assertEquals(gets[2] + 1, counts(RawGetDecoder.TEMPLATE_ID)[2], "straight to the new leader");
    }

    private static int[] counts(final int templateId) {
        final int[] counts = new int[3];
        for (int i = 0; i < 3; i++) {
            counts[i] = cluster.store(i).received(templateId);
        }
        return counts;
    }

    private static List<String> keys(final List<KvPair> pairs) {
        return pairs.stream().map(pair -> text(pair.key())).toList();
    }

    private static List<String> letters(final char from, final char to) {
        final List<String> letters = new ArrayList<>();
        for (char c = from; c <= to; c++) {
            letters.add(String.valueOf(c));
        }
        return letters;
    }

    private static List<String> reversed(final List<String> list) {
        final List<String> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
