package io.tkv.server.storepd;

import io.tkv.client.OperatorStep;
import io.tkv.client.PdStore;
import io.tkv.client.RegionHeartbeatReport;
import io.tkv.client.SplitIds;
import io.tkv.client.StoreHeartbeatReport;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a store asks of PD, behind an interface cheap to fake in tests (as TiKV's pd_client is): the store's side of
 * {@link io.tkv.client.PdClient}. Every call returns at once; its future completes on the client's thread.
 */
public interface StorePd {
    /** Registers the store, or updates its address and labels. */
    CompletableFuture<Void> putStore(long storeId, String address, String labels);

    /** A store heartbeat. */
    CompletableFuture<Void> storeHeartbeat(StoreHeartbeatReport report);

    /** A region heartbeat from its leader; completes with PD's step for the region (kind NONE: none). */
    CompletableFuture<OperatorStep> regionHeartbeat(RegionHeartbeatReport report);

    /** Ids for a split: the new region's and one new peer per peer. */
    CompletableFuture<SplitIds> askSplit(long regionId, long confVer, long version, int peerCount);

    /** @param storeId a store, or 0 for every store PD knows. */
    CompletableFuture<List<PdStore>> stores(long storeId);

    /** A TSO timestamp, handed out after this call began (to sync a new leader's max ts). */
    default CompletableFuture<Long> timestamp() {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("no TSO"));
    }
}
