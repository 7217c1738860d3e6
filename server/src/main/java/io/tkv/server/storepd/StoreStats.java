package io.tkv.server.storepd;

/** What a store heartbeat reports of the store as a whole. Cheap to fake. */
public interface StoreStats {
    /** @return bytes of the data dir's disk. */
    long capacityBytes();

    /** @return bytes of it still free. */
    long availableBytes();

    /** @return bytes the store's data takes. */
    long usedBytes();

    /** @return regions the store holds a peer of. */
    int regionCount();

    /** @return keys and values applied since the store started (a running total). */
    long bytesWritten();

    /** @return keys written since the store started (a running total). */
    long keysWritten();
}
