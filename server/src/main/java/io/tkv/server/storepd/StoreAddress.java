package io.tkv.server.storepd;

/**
 * A store's address as PD knows it, for the raft agent to make the store reachable (its Raft and snapshot streams).
 *
 * @param storeId  the store.
 * @param endpoint its listen endpoint, {@code host:port}.
 */
public record StoreAddress(long storeId, String endpoint) {
}
