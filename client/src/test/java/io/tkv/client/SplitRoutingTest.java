package io.tkv.client;

import io.tkv.codec.LocateRegionDecoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.Status;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.tkv.client.StoreFixture.bytes;
import static io.tkv.client.StoreFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routing where the client's first source is wrong or partial, against four fake stores each holding only its
 * regions' replicas: a store asked to locate a key of a region it does not hold says REGION_NOT_FOUND, so the others
 * are asked; and PD, which learns a region a split made only from that region's leader, answers the parent as it
 * was (or nothing) while the stores already refuse with the current regions, whose new region's leader they do not
 * list yet.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SplitRoutingTest {
    private static ClusterFixture cluster;
    private ExecutorService pdThread;
    private RawKvClient client;

    @BeforeAll
    static void startCluster() {
        cluster = new ClusterFixture(4, true);
    }

    @AfterAll
    static void stopCluster() {
        CloseHelper.close(cluster);
    }

    @BeforeEach
    void setUp() {
        cluster.reset();
        pdThread = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "fake-pd"));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        CloseHelper.close(client);
        pdThread.shutdownNow();
        pdThread.awaitTermination(5, TimeUnit.SECONDS);
        for (int i = 0; i < 4; i++) {
            assertEquals(0, cluster.store(i).malformedFrames());
        }
    }

    @Test
    void shouldAskTheOtherStoresWhenTheDefaultStoreHoldsNoReplicaOfTheKeysRegion() {
        final FakeRegions regions = new FakeRegions(1, 1, 2, 3);
        regions.split("m", 2);
        regions.place(2, 4, 2, 3, 4);
        regions.place(1, 1, 1, 2, 3);
        mapOnEveryStore(regions);
        client = cluster.connect(cluster.context(), 0);

        client.put(bytes("q"), bytes("1"));
        assertEquals(1, cluster.store(3).received(RawPutDecoder.TEMPLATE_ID), "the put went to region 2's leader");
        assertEquals(1, cluster.store(0).received(LocateRegionDecoder.TEMPLATE_ID), "store 1 was asked first");
        assertTrue(cluster.store(1).received(LocateRegionDecoder.TEMPLATE_ID)
            + cluster.store(2).received(LocateRegionDecoder.TEMPLATE_ID)
            + cluster.store(3).received(LocateRegionDecoder.TEMPLATE_ID) >= 1, "then the others");
        assertEquals("1", text(client.get(bytes("q"))));
        client.put(bytes("a"), bytes("2"));
        assertEquals("2", text(client.get(bytes("a"))));
    }

    @Test
    void shouldAskTheStoresPdNamedWhenTheConfiguredOneHoldsNoReplica() {
        final FakeRegions regions = new FakeRegions(1, 1, 2, 3);
        regions.split("m", 2);
        regions.place(2, 4, 2, 3, 4);
        mapOnEveryStore(regions);
        final FakePd pd = new FakePd(regions, pdThread);
        for (int i = 0; i < 4; i++) {
            pd.store(i + 1, cluster.store(i).endpoint());
        }
        pd.knowsNoRegion(true);
        client = connectByPd(pd, pd.stores(), 0);

        client.put(bytes("q"), bytes("1"));
        assertEquals(1, cluster.store(3).received(RawPutDecoder.TEMPLATE_ID), "the put went to region 2's leader");
        // The stores known from PD only are asked at once; the first answer holding the key ends the locate, so a
        // store whose session was still opening may never be asked.
        int asked = 0;
        for (int i = 1; i < 4; i++) {
            final long received = cluster.store(i).received(LocateRegionDecoder.TEMPLATE_ID);
            assertTrue(received <= 1, "store " + (i + 1) + " was asked at most once: " + received);
            asked += (int)received;
        }
        assertTrue(asked >= 1, "a store known from PD only was asked");
        assertEquals("1", text(client.get(bytes("q"))));
    }

    /**
     * The split made region 4 of region 1, led by store 1 as its parent; store 3 (listed first) has not applied it yet
     * and still holds region 1 as it was. PD still has region 1 as it was.
     */
    @Test
    void shouldWriteToARegionASplitJustMadeThatPdDoesNotKnow() {
        final FakeRegions pdView = new FakeRegions(1, 3, 1, 2);
        final FakeRegions current = new FakeRegions(1, 3, 1, 2);
        current.split("m", 4);
        current.leaderUnlisted(4);
        final FakeRegions lagging = new FakeRegions(1, 3, 1, 2);
        cluster.store(0).regionMap(current);
        cluster.store(1).regionMap(current);
        cluster.store(2).regionMap(lagging);
        cluster.store(3).regionMap(current);
        final FakePd pd = new FakePd(pdView, pdThread);
        for (int i = 0; i < 4; i++) {
            pd.store(i + 1, cluster.store(i).endpoint());
        }
        client = connectByPd(pd, pd.stores(), 2, 0, 1);

        client.put(bytes("a"), bytes("1"));
        client.put(bytes("q"), bytes("2"));
        assertEquals("2", text(client.get(bytes("q"))));
        assertEquals(0, cluster.store(2).received(RawPutDecoder.TEMPLATE_ID),
            "region 4, listed without a leader, was tried first on the store that refused with it, its leader");

        // Region 4 dropped (store 1 no longer knows it, say), then located again while PD still has the old view.
        cluster.store(0).failNextWithError(Status.REGION_NOT_FOUND);
        client.put(bytes("r"), bytes("3"));
        assertEquals("3", text(client.get(bytes("r"))));
        client.admin().forgetRegions();
        assertEquals("2", text(client.get(bytes("q"))));
        assertEquals(0, cluster.store(2).received(RawPutDecoder.TEMPLATE_ID), "the lagging store took no write");
    }

    @Test
    void shouldResendAfterABackoffWhenNoStoreCanLocateTheRegionForAMoment() {
        final FakeRegions regions = new FakeRegions(1, 1, 2, 3);
        regions.split("g", 2);
        regions.split("p", 3);
        regions.leader(2, 2);
        regions.leader(3, 3);
        mapOnEveryStore(regions);
        client = cluster.connect(cluster.context(), 0);
        client.put(bytes("q"), bytes("1"));

        // Region 3's leader refuses once; then every store fails the LocateRegion asked of it.
        cluster.store(2).failNextWithError(Status.REGION_NOT_FOUND, 2);
        cluster.store(0).failNextWithError(Status.REGION_NOT_FOUND);
        cluster.store(1).failNextWithError(Status.REGION_NOT_FOUND);
        cluster.store(3).failNextWithError(Status.REGION_NOT_FOUND);
        final int puts = cluster.store(2).received(RawPutDecoder.TEMPLATE_ID);
        final int[] locates = new int[4];
        for (int i = 0; i < 4; i++) {
            locates[i] = cluster.store(i).received(LocateRegionDecoder.TEMPLATE_ID);
        }
        client.put(bytes("q"), bytes("2"));
        assertEquals(puts + 2, cluster.store(2).received(RawPutDecoder.TEMPLATE_ID),
            "refused, then resent as it was once no store could locate its region");
        for (int i = 0; i < 4; i++) {
            assertEquals(locates[i] + 1, cluster.store(i).received(LocateRegionDecoder.TEMPLATE_ID),
                "store " + (i + 1) + " was asked to locate the key once");
        }
        assertEquals("2", text(client.get(bytes("q"))));
    }

    @Test
    void shouldWriteToARegionASplitJustMadeWhenPdKnowsNoRegionThere() {
        final FakeRegions current = new FakeRegions(1, 3, 1, 2);
        current.split("m", 4);
        current.leaderUnlisted(4);
        final FakeRegions lagging = new FakeRegions(1, 3, 1, 2);
        cluster.store(0).regionMap(current);
        cluster.store(1).regionMap(current);
        cluster.store(2).regionMap(lagging);
        cluster.store(3).regionMap(current);
        final FakePd pd = new FakePd(current, pdThread);
        for (int i = 0; i < 4; i++) {
            pd.store(i + 1, cluster.store(i).endpoint());
        }
        client = connectByPd(pd, pd.stores(), 2, 0, 1);
        client.put(bytes("a"), bytes("1"));
        pd.knowsNoRegion(true);
        final List<CompletableFuture<Void>> puts = List.of(client.putAsync(bytes("q"), bytes("2")),
            client.putAsync(bytes("x"), bytes("3")));
        puts.forEach(CompletableFuture::join);
        assertEquals("2", text(client.get(bytes("q"))));
        assertEquals("3", text(client.get(bytes("x"))));
    }

    private static void mapOnEveryStore(final FakeRegions regions) {
        for (int i = 0; i < 4; i++) {
            cluster.store(i).regionMap(regions);
        }
    }

    private static RawKvClient connectByPd(final FakePd pd, final List<PdStore> listed, final int... configured) {
        ClientConfig ctx = cluster.context().pdEndpoints("127.0.0.1:2379");
        final String[] endpoints = new String[configured.length];
        for (int i = 0; i < configured.length; i++) {
            endpoints[i] = cluster.store(configured[i]).endpoint();
        }
        ctx = ctx.storeEndpoints(endpoints);
        final RawKvClient connected = RawKvClient.connect(ctx, pd, listed);
        Await.until("sessions with the configured stores", () -> connected.openSessions() == configured.length,
            5_000);
        return connected;
    }
}
