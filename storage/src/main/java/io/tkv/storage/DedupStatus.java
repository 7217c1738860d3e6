package io.tkv.storage;

/**
 * What {@link ApplyBatch#checkRequest} found about a write, by the rules of {@link DedupTable}.
 */
public enum DedupStatus {
    /** Apply it, then record its reply with {@link ApplyBatch#recordReply}. Also every write of a client id 0. */
    NEW,
    /** Applied before: apply nothing and answer with {@link ApplyBatch#duplicateReply()}. */
    DUPLICATE,
    /**
     * Below the client's low-water mark and no longer recorded: apply nothing. Either the client has seen its outcome
     * (a delayed copy: nobody waits for an answer), or its record was evicted to keep the table bounded, and then
     * whether an earlier copy applied can no longer be told: answer that the request expired, never apply it again.
     */
    STALE,
    /**
     * A client the region does not know, and the region already remembers as many clients as it may, each seen
     * too recently to be forgotten: apply nothing, record nothing, and answer that the store is busy (the client
     * retries after a backoff, and gets in once a client has been idle long enough to make room).
     */
    REFUSED
}
