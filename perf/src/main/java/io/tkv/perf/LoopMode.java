package io.tkv.perf;

/**
 * How requests are issued.
 */
public enum LoopMode {
    /** A fixed number of requests outstanding; a new one leaves when one completes. Measures capacity. */
    CLOSED,
    /**
     * Requests leave at a fixed rate whatever the responses do; latency counts from each request's scheduled send
     * time. Measures latency at a load, free of coordinated omission.
     */
    OPEN
}
