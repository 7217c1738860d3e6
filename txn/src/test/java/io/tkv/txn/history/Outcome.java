package io.tkv.txn.history;

/** How a transaction ended, as its client saw it. */
public enum Outcome {
    /** Committed; its reads are known. */
    OK,
    /** Definitely aborted: none of its effects may be visible. */
    FAIL,
    /** Unknown (a timeout, a lost connection): it may or may not have committed; its reads are unknown. */
    INFO
}
