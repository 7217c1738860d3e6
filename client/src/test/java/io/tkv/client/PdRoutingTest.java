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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.tkv.client.StoreFixture.bytes;
import static io.tkv.client.StoreFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client routing by PD against three fake stores holding three regions, each led by its own store, configured
 * with the first store only: PD names each key's region and leader and the stores' addresses, so every request goes
 * straight to its leader, stores it did not know included; when PD knows no region (a new PD leader) the stores are
 * asked instead.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PdRoutingTest {
    private static ClusterFixture cluster;
    private ExecutorService pdThread;
    private FakeRegions regions;
    private FakePd pd;
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
    void setUp() {
        cluster.reset();
        regions = new FakeRegions(1, 1, 2, 3);
        regions.split("g", 2);
        regions.split("p", 3);
        regions.leader(2, 2);
        regions.leader(3, 3);
        for (int i = 0; i < 3; i++) {
            cluster.store(i).regionMap(regions);
        }
        pdThread = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "fake-pd"));
        pd = new FakePd(regions, pdThread);
        for (int i = 0; i < 3; i++) {
            pd.store(i + 1, cluster.store(i).endpoint());
        }
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        CloseHelper.close(client);
        pdThread.shutdownNow();
        pdThread.awaitTermination(5, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, cluster.store(i).malformedFrames());
        }
    }

    @Test
    void shouldSendEachKeyStraightToItsLeaderAsPdNamesIt() {
        client = connect(pd.stores());
        final int[] puts = counts(RawPutDecoder.TEMPLATE_ID);
        client.put(bytes("a"), bytes("1"));
        client.put(bytes("h"), bytes("2"));
        client.put(bytes("q"), bytes("3"));
        final int[] after = counts(RawPutDecoder.TEMPLATE_ID);
        for (int i = 0; i < 3; i++) {
            assertEquals(1, after[i] - puts[i], "store " + (i + 1) + " got its region's put, at the first try");
        }
        assertEquals(3, pd.regionAsks(), "one GetRegion per region");
        assertEquals(0, counts(LocateRegionDecoder.TEMPLATE_ID)[0], "the stores were not asked");
        assertEquals("2", text(client.get(bytes("h"))));
        assertEquals(3, pd.regionAsks(), "cached from then on");
        assertEquals(3, client.admin().cachedRegions());
    }

    @Test
    void shouldAskPdForAStoreItDidNotListAtConnect() {
        client = connect(pd.stores().stream().filter(store -> store.storeId() != 3).toList());
        client.put(bytes("q"), bytes("3"));
        assertEquals(1, pd.storeAsks(), "region 3's leader is on store 3, which the client asked PD about");
        assertEquals(1, cluster.store(2).received(RawPutDecoder.TEMPLATE_ID));
        assertEquals("3", text(client.get(bytes("q"))));
    }

    @Test
    void shouldAskTheStoresWhenPdKnowsNoRegion() {
        client = connect(pd.stores());
        pd.knowsNoRegion(true);
        client.put(bytes("h"), bytes("2"));
        assertEquals(1, counts(LocateRegionDecoder.TEMPLATE_ID)[0], "store 1 located the key instead");
        assertEquals(1, cluster.store(1).received(RawPutDecoder.TEMPLATE_ID), "and the put went to the leader");

        pd.knowsNoRegion(false);
        client.admin().forgetRegions();
        assertEquals("2", text(client.get(bytes("h"))));
        assertEquals(2, pd.regionAsks(), "a forgotten region is asked of PD again");
    }

    @Test
    void shouldAskPdAgainWhenAStoreNoLongerKnowsTheRegion() {
        client = connect(pd.stores());
        client.put(bytes("h"), bytes("1"));
        assertEquals(1, pd.regionAsks());
        cluster.store(1).failNextWithError(Status.REGION_NOT_FOUND);
        client.put(bytes("h"), bytes("2"));
        assertEquals(2, pd.regionAsks(), "the refusal dropped the entry and PD was asked for the region again");
        assertEquals(0, counts(LocateRegionDecoder.TEMPLATE_ID)[0]);
        assertEquals("2", text(client.get(bytes("h"))));
    }

    private RawKvClient connect(final List<PdStore> listed) {
        final ClientConfig ctx = cluster.context().storeEndpoint(cluster.store(0).endpoint())
            .pdEndpoints("127.0.0.1:2379");
        final RawKvClient connected = RawKvClient.connect(ctx, pd, listed);
        Await.until("a session with store 1", () -> connected.openSessions() == 1, 5_000);
        return connected;
    }

    private static int[] counts(final int templateId) {
        final int[] counts = new int[3];
        for (int i = 0; i < 3; i++) {
            counts[i] = cluster.store(i).received(templateId);
        }
        return counts;
    }
}
