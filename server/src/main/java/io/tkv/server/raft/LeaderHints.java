package io.tkv.server.raft;

import io.tkv.server.config.RaftSettings;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.List;

/** Where clients reach each store of the cluster: the endpoint a NOT_LEADER reply names for the leader. */
public final class LeaderHints {
    private final Long2ObjectHashMap<String> endpoints = new Long2ObjectHashMap<>();

    /** @param stores every store of the cluster. */
    public LeaderHints(final List<RaftSettings.StoreAddress> stores) {
        for (final RaftSettings.StoreAddress store : stores) {
            endpoints.put(store.storeId(), store.endpoint());
        }
    }

    /** A store learned while running (from PD), or one that moved. */
    void put(final long storeId, final String endpoint) {
        endpoints.put(storeId, endpoint);
    }

    /** @return the store's client endpoint, or "" when the store is 0 or unknown. */
    public String endpointOf(final long storeId) {
        final String endpoint = endpoints.get(storeId);
        return endpoint == null ? "" : endpoint;
    }
}
