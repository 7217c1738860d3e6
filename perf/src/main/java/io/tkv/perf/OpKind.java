package io.tkv.perf;

/**
 * One request kind a workload issues.
 */
public enum OpKind {
    /** Point read. */
    GET,
    /** Write of one pair. */
    PUT,
    /** Forward range read of a few pairs. */
    SCAN;

    /**
     * @return whether the operation writes, and so waits for the WAL sync under the SYNC policy.
     */
    public boolean isWrite() {
        return this == PUT;
    }
}
