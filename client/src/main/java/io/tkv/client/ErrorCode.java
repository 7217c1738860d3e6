package io.tkv.client;

/**
 * Why a tkv request failed. The first group mirrors the store's wire status (so a caller can react to, say,
 * {@link #SERVER_BUSY} by backing off); the second group is raised by the client itself.
 */
public enum ErrorCode {
    /**
     * The store is not the leader of the region. The client follows the leader itself (an ErrorResponse NOT_LEADER
     * is retried, not surfaced); a caller sees this only in a response of the request's own type.
     */
    NOT_LEADER(true),
    /** The region's epoch (conf version or version) changed since the client learned it. */
    EPOCH_NOT_MATCH(true),
    /** The store holds no such region. */
    REGION_NOT_FOUND(true),
    /** The key lies outside the region's range. */
    KEY_NOT_IN_REGION(true),
    /**
     * The store is overloaded. An ErrorResponse SERVER_BUSY (rejected before it ran) is resent by the client after a
     * backoff, not surfaced; a caller sees this only in a response of the request's own type.
     */
    SERVER_BUSY(true),
    /** A transactional lock holds the key. */
    KEY_LOCKED(true),
    /** A transaction conflicted with a newer write. */
    WRITE_CONFLICT(false),
    /** The transaction is unknown to the store. */
    TXN_NOT_FOUND(false),
    /** The store could not parse the request, or the client could not parse the reply. */
    MALFORMED(false),
    /** A key, value, batch or scan over the session's limits (checked before sending where possible). */
    TOO_LARGE(false),
    /** The secret was refused, or the session was lost and could not be re-established for the request. */
    UNAUTHENTICATED(false),
    /** The store failed while running the request. */
    INTERNAL_ERROR(false),
    /**
     * A write the store no longer remembers the outcome of (its record was evicted to keep the store's dedup table
     * bounded): it was not applied now and will not be, but an earlier copy may have applied, so its effect is
     * unknown, as after a {@link #TIMEOUT}. Seen only for a write retried long after many later writes of the client.
     */
    REQUEST_EXPIRED(false),
    /**
     * A transactional read below the GC safe point (or a prewrite or pessimistic lock at or below it): versions it
     * would need may be collected already, so the store refused it. Not retryable at the same timestamp: start a new
     * transaction (TiDB's "GC life time is shorter than transaction duration").
     */
    GC_SAFE_POINT_EXCEEDED(false),
    /** The store answered with a status this client version does not know. */
    UNKNOWN_STATUS(false),

    /**
     * No reply within the request (or connect) timeout, however many stores were tried; the request's effect is
     * unknown.
     */
    TIMEOUT(true),
    /**
     * The client cannot reach any store (its Aeron client or media driver is gone); a request in flight has an
     * unknown effect. A lost store on its own does not fail requests: they are resent elsewhere.
     */
    NOT_CONNECTED(true),
    /** More requests in flight than {@code maxInFlight}, from a thread that must not wait (the poller's). */
    CLIENT_BUSY(true),
    /** The calling thread was interrupted while it waited; the request may still take effect. */
    INTERRUPTED(false),
    /** The client was closed. */
    CLOSED(false);

    private final boolean retryable;

    ErrorCode(final boolean retryable) {
        this.retryable = retryable;
    }

    /**
     * @return whether trying again later (possibly elsewhere) can succeed. For writes that failed with an
     *     unknown effect ({@link #TIMEOUT}, {@link #NOT_CONNECTED}) a retry is only safe if the write is idempotent.
     */
    public boolean isRetryable() {
        return retryable;
    }
}
