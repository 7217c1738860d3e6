package io.tkv.pd.cluster;

import java.util.Map;

/**
 * One store as PD knows it: identity and location (from registration), state, and the last heartbeat's stats.
 * Immutable: every change makes a new one, so a scheduler can hold a consistent view.
 *
 * @param id              the store id (from PD's id allocator), never reused.
 * @param address         where the store listens.
 * @param labels          location labels, e.g. {@code zone=z1, rack=r2, host=h3}.
 * @param state           the state.
 * @param lastHeartbeatMs when the last heartbeat arrived (PD's clock), or when it registered.
 * @param stats           the last heartbeat's stats.
 */
public record StoreInfo(long id, String address, Map<String, String> labels, StoreState state, long lastHeartbeatMs,
    StoreStats stats) {
    /** Copies the labels: the record stays immutable. */
    public StoreInfo {
        labels = Map.copyOf(labels);
    }

    /**
     * @param id      the store id.
     * @param address where it listens.
     * @param labels  its location labels.
     * @param nowMs   registration time: counts as the first heartbeat.
     * @return a new UP store with no stats yet.
     */
    public static StoreInfo register(final long id, final String address, final Map<String, String> labels,
        final long nowMs) {
        return new StoreInfo(id, address, labels, StoreState.UP, nowMs, StoreStats.EMPTY);
    }

    /** @return the value of a location label, or null. */
    public String label(final String key) {
        return labels.get(key);
    }

    /** @return this store in another state. */
    public StoreInfo withState(final StoreState newState) {
        return new StoreInfo(id, address, labels, newState, lastHeartbeatMs, stats);
    }

    /** @return this store after a heartbeat at {@code nowMs} with these stats. */
    public StoreInfo withHeartbeat(final StoreStats newStats, final long nowMs) {
        return new StoreInfo(id, address, labels, state, nowMs, newStats);
    }

    /** @return whether new peers may be placed here. */
    public boolean acceptsPeers() {
        return state == StoreState.UP;
    }
}
