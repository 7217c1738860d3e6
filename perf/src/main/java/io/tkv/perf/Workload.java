package io.tkv.perf;

/**
 * What a run does.
 */
public enum Workload {
    /** Only puts of fresh values over the key space. */
    PUT,
    /** Only point gets of preloaded keys. */
    GET,
    /** Gets and puts, the share of gets set by the read ratio. */
    MIXED,
    /** Only forward scans of a few pairs from a preloaded key. */
    SCAN;

    /**
     * @return whether the key space must be filled before the run.
     */
    public boolean needsPreload() {
        return this != PUT;
    }
}
