package io.tkv.client;

/**
 * What a store tells PD in a store heartbeat.
 *
 * @param storeId      the store.
 * @param capacity     bytes of its disk.
 * @param available    bytes free.
 * @param usedSize     bytes its data takes.
 * @param regionCount  regions it holds a peer of.
 * @param leaderCount  regions it leads.
 * @param bytesWritten bytes written since its last heartbeat.
 * @param keysWritten  keys written since its last heartbeat.
 */
public record StoreHeartbeatReport(long storeId, long capacity, long available, long usedSize, int regionCount,
    int leaderCount, long bytesWritten, long keysWritten) {
}
