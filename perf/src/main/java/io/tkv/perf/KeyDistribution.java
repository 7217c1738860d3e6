package io.tkv.perf;

/**
 * How the keys of a workload are chosen.
 */
public enum KeyDistribution {
    /** Every key equally likely. */
    UNIFORM,
    /** YCSB's scrambled Zipfian (theta 0.99): a few hot keys, spread over the key space. */
    ZIPFIAN
}
