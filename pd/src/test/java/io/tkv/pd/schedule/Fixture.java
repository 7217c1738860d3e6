package io.tkv.pd.schedule;

import io.tkv.pd.cluster.Cluster;
import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import io.tkv.pd.cluster.StoreInfo;
import io.tkv.pd.cluster.StoreStats;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A cluster for scheduler unit tests: stores with labels, regions with voters on given stores. */
final class Fixture {
    final Cluster cluster = new Cluster();
    private long nextPeerId = 1000;
    private long nextRegionId = 1;

    Fixture store(final long id, final Map<String, String> labels) {
        cluster.putStore(StoreInfo.register(id, "s" + id, labels, 0));
        return this;
    }

    Fixture stores(final long... ids) {
        for (final long id : ids) {
            store(id, Map.of());
        }
        return this;
    }

    long peerId() {
        return nextPeerId++;
    }

    /** A region of voters on these stores, the leader on the first; ranges follow one another. */
    RegionInfo region(final long... storeIds) {
        final long id = nextRegionId++;
        final List<Peer> peers = new ArrayList<>();
        for (final long s : storeIds) {
            peers.add(Peer.voter(peerId(), s));
        }
        final RegionInfo r = RegionInfo.builder(id).range(key(id), key(id + 1)).peers(peers).leader(peers.get(0))
            .approximate(1 << 20, 100).build();
        cluster.regionHeartbeat(r);
        return r;
    }

    static byte[] key(final long k) {
        return ByteBuffer.allocate(8).putLong(k).array();
    }

    /** Every store heartbeats at {@code nowMs}. */
    void heartbeatAll(final long nowMs) {
        for (final StoreInfo s : cluster.stores()) {
            cluster.storeHeartbeat(s.id(), StoreStats.EMPTY, nowMs);
        }
    }

    ScheduleContext context(final ScheduleConfig config, final OperatorController ops, final long nowMs) {
        config.conclude();
        final Placement placement = new Placement(config.locationLabels(),
            config.brokenRule() == ScheduleConfig.BrokenRule.IGNORE_LOCATION_LABELS);
        return new ScheduleContext(cluster, config, ops, placement, this::peerId, nowMs);
    }

    static Map<String, String> zoneHost(final String zone, final String host) {
        return Map.of("zone", zone, "host", host);
    }
}
