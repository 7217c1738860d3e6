package io.tkv.client;

/**
 * A store as PD knows it (GetStores).
 *
 * @param storeId         the store.
 * @param state           UP, DISCONNECTED (no heartbeat for a while), DOWN (none for longer than PD's
 *                        max-store-down-time: its replicas are being repaired elsewhere), OFFLINE or TOMBSTONE.
 * @param capacity        bytes of the store's disk, from its last heartbeat.
 * @param available       bytes still free.
 * @param regionCount     regions it holds a peer of.
 * @param leaderCount     regions it leads.
 * @param lastHeartbeatMs PD's wall clock at the store's last heartbeat (0: none yet).
 * @param address         the endpoint ({@code host:port}) clients and other stores reach it at.
 * @param labels          its location labels, {@code zone=z1,rack=r1,host=h1} (empty: none).
 */
public record PdStore(long storeId, String state, long capacity, long available, int regionCount, int leaderCount,
    long lastHeartbeatMs, String address, String labels) {
}
