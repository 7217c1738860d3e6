package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.ErrorCode;
import io.tkv.client.RawKvClient;
import io.tkv.client.RegionInfo;
import io.tkv.client.TkvException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real store checks each request against its region registry: an unknown region is REGION_NOT_FOUND; a request
 * naming another epoch version is refused EPOCH_NOT_MATCH with the region as the store has it (range, epoch, peers,
 * leader), which the client library hands to the caller; a request that names another conf version only is served,
 * as TiKV serves it (membership does not move keys).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegionErrorSystemTest {
    private static final long ELECTION_WAIT_MS = 20_000;
    private static final byte[] KEY = "region-error-key".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void shouldRefuseAStaleEpochWithTheRegionAsTheStoreHasIt() throws Exception {
        try (StoreCluster cluster = StoreCluster.of(1).in(dir).start()) {
            cluster.awaitLeader(ELECTION_WAIT_MS, cluster.all());
            final String endpoint = cluster.store(1).endpoint();
            try (RawKvClient stale = client(endpoint, 1, 1, 9)) {
                final TkvException refused = assertThrows(TkvException.class, () -> stale.put(KEY, KEY));
                assertEquals(ErrorCode.EPOCH_NOT_MATCH, refused.code(), refused.getMessage());
                final List<RegionInfo> regions = refused.regions();
                assertEquals(1, regions.size(), regions.toString());
                final RegionInfo region = regions.get(0);
                assertEquals(1, region.regionId());
                assertEquals(1, region.confVer());
                assertEquals(1, region.version());
                assertEquals(1, region.leaderStoreId());
                assertArrayEquals(new byte[0], region.startKey());
                assertArrayEquals(new byte[0], region.endKey());
                assertEquals(List.of(new RegionInfo.Peer(1, 1, false)), region.peers());
            }
            try (RawKvClient otherConfVer = client(endpoint, 1, 4, 1)) {
                otherConfVer.put(KEY, KEY);
                assertArrayEquals(KEY, otherConfVer.get(KEY));
            }
            try (RawKvClient unknown = client(endpoint, 7, 1, 1)) {
                final TkvException refused = assertThrows(TkvException.class, () -> unknown.get(KEY));
                assertEquals(ErrorCode.REGION_NOT_FOUND, refused.code(), refused.getMessage());
                assertTrue(refused.regions().isEmpty());
            }
        }
    }

    private static RawKvClient client(final String endpoint, final long regionId, final long confVer,
        final long version) {
        return RawKvClient.connect(new ClientConfig().storeEndpoints(List.of(endpoint)).clientName("epochs")
            .secret(StoreCluster.ADMIN_SECRET).region(regionId, confVer, version).requestTimeoutMs(5_000)
            .connectTimeoutMs(20_000));
    }
}
