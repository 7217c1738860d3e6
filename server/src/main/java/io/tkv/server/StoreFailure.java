package io.tkv.server;

/**
 * Why this store stopped serving, set once by whichever agent finds it can no longer follow the Raft log (the
 * apply agent after a RocksDB failure) and read by the raft agent each duty cycle, which then fail-stops the Raft
 * driver: a store that cannot apply must stop leading, so the other stores take over, instead of acknowledging
 * nothing while it keeps its leadership. Written by one thread, read by another: a volatile reference.
 */
public final class StoreFailure {
    private volatile String reason;

    /** Records the first failure; later ones are ignored. Any thread. */
    public void fail(final String why) {
        if (reason == null) {
            reason = why;
        }
    }

    /** @return why the store failed, or null while it serves. Any thread. */
    public String reason() {
        return reason;
    }
}
