package io.tkv.pd.cluster;

/** A store's state as PD sees it. */
public enum StoreState {
    /** Heartbeating and serving. */
    UP,
    /** Being drained by an operator's request: keeps its peers until they are moved away, receives no new ones. */
    OFFLINE,
    /** An UP store not heard from for {@code maxStoreDownTimeMs}: its peers are replaced. UP again on a heartbeat. */
    DOWN,
    /** Removed for good: its heartbeats are refused and its id is never reused. */
    TOMBSTONE
}
