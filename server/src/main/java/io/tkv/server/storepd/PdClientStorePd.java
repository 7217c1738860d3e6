package io.tkv.server.storepd;

import io.tkv.client.OperatorStep;
import io.tkv.client.PdClient;
import io.tkv.client.PdStore;
import io.tkv.client.RegionHeartbeatReport;
import io.tkv.client.SplitIds;
import io.tkv.client.StoreHeartbeatReport;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@link StorePd} over a {@link PdClient} whose session proved the cluster secret (a store session). */
public final class PdClientStorePd implements StorePd {
    private final PdClient client;

    public PdClientStorePd(final PdClient client) {
        this.client = client;
    }

    @Override
    public CompletableFuture<Void> putStore(final long storeId, final String address, final String labels) {
        return client.putStore(storeId, address, labels);
    }

    @Override
    public CompletableFuture<Void> storeHeartbeat(final StoreHeartbeatReport report) {
        return client.storeHeartbeat(report);
    }

    @Override
    public CompletableFuture<OperatorStep> regionHeartbeat(final RegionHeartbeatReport report) {
        return client.regionHeartbeat(report);
    }

    @Override
    public CompletableFuture<SplitIds> askSplit(final long regionId, final long confVer, final long version,
        final int peerCount) {
        return client.askSplit(regionId, confVer, version, peerCount);
    }

    @Override
    public CompletableFuture<List<PdStore>> stores(final long storeId) {
        return client.storeAsync(storeId);
    }

    @Override
    public CompletableFuture<Long> timestamp() {
        return client.getTimestampAsync();
    }
}
