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
     * Below the client's low-water mark and no longer recorded: the client has seen its outcome, so this is a
     * delayed copy. Apply nothing; no reply is needed (the client no longer waits for one).
     */
    STALE
}
