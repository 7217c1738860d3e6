package io.tkv.client.txn;

/**
 * The transactional client's knobs, each with its default and unit in its name; {@link #conclude()} checks them.
 * Set before the client is created; not changed afterwards.
 */
public final class TxnConfig {
    private boolean asyncCommit = true;
    private boolean onePc = true;
    private int asyncCommitMaxKeys = 256;
    private long lockTtlMs = 3_000;
    private long heartbeatIntervalMs = 1_000;
    private long ttlRefreshedTxnBytes = 32L * 1024 * 1024;
    private long backoffBaseMs = 2;
    private long backoffMaxMs = 500;
    private long lockWaitTimeoutMs = 10_000;
    private long requestTimeoutMs = 10_000;
    private long maxCommitTsLagMs = 2_000;
    private int scanBatchSize = 256;
    private int resolvedCacheSize = 2_048;

    /** @return whether async commit is used for transactions of at most {@link #asyncCommitMaxKeys()} keys. */
    public boolean asyncCommit() {
        return asyncCommit;
    }

    /** @param on use async commit where it is safe (default on). */
    public TxnConfig asyncCommit(final boolean on) {
        this.asyncCommit = on;
        return this;
    }

    /** @return whether a transaction whose keys are all in one region commits in one phase. */
    public boolean onePc() {
        return onePc;
    }

    /** @param on use 1PC where it applies (default on). */
    public TxnConfig onePc(final boolean on) {
        this.onePc = on;
        return this;
    }

    /** @return the most keys a transaction may have to use async commit (they are listed in the primary's lock). */
    public int asyncCommitMaxKeys() {
        return asyncCommitMaxKeys;
    }

    /** @param keys the most keys of an async-commit transaction (default 256). */
    public TxnConfig asyncCommitMaxKeys(final int keys) {
        this.asyncCommitMaxKeys = keys;
        return this;
    }

    /** @return the ttl of a transaction's locks in milliseconds, extended by heartbeats while it is open. */
    public long lockTtlMs() {
        return lockTtlMs;
    }

    /** @param ms the locks' ttl (default 3000). */
    public TxnConfig lockTtlMs(final long ms) {
        this.lockTtlMs = ms;
        return this;
    }

    /** @return how often an open transaction's primary lock is heart-beaten; 0 turns heartbeats off. */
    public long heartbeatIntervalMs() {
        return heartbeatIntervalMs;
    }

    /** @param ms the heartbeat interval (default 1000; 0: none). */
    public TxnConfig heartbeatIntervalMs(final long ms) {
        this.heartbeatIntervalMs = ms;
        return this;
    }

    /**
     * @return the size (keys and values, in bytes) from which an optimistic transaction's primary lock is
     *         heart-beaten during its commit, as TiKV's {@code TTLRefreshedTxnSize}. A pessimistic transaction's is
     *         heart-beaten from its first lock whatever its size. Small optimistic transactions go without, so that
     *         two of them whose prewrites wait on each other's locks are freed when one's locks expire.
     */
    public long ttlRefreshedTxnBytes() {
        return ttlRefreshedTxnBytes;
    }

    /** @param bytes the size from which an optimistic commit heart-beats (default 32 MiB; 0: always). */
    public TxnConfig ttlRefreshedTxnBytes(final long bytes) {
        this.ttlRefreshedTxnBytes = bytes;
        return this;
    }

    /** @return the first wait when a live lock blocks a request, doubled on each retry. */
    public long backoffBaseMs() {
        return backoffBaseMs;
    }

    /** @param ms the first backoff (default 2). */
    public TxnConfig backoffBaseMs(final long ms) {
        this.backoffBaseMs = ms;
        return this;
    }

    /** @return the longest single wait of a backoff. */
    public long backoffMaxMs() {
        return backoffMaxMs;
    }

    /** @param ms the longest backoff (default 500). */
    public TxnConfig backoffMaxMs(final long ms) {
        this.backoffMaxMs = ms;
        return this;
    }

    /** @return how long a request waits for live locks before it fails with {@link KeyLockedException}. */
    public long lockWaitTimeoutMs() {
        return lockWaitTimeoutMs;
    }

    /** @param ms the lock-wait deadline (default 10000). */
    public TxnConfig lockWaitTimeoutMs(final long ms) {
        this.lockWaitTimeoutMs = ms;
        return this;
    }

    /** @return how long the client waits for one transport request before it counts as a transport failure. */
    public long requestTimeoutMs() {
        return requestTimeoutMs;
    }

    /** @param ms the request timeout (default 10000). */
    public TxnConfig requestTimeoutMs(final long ms) {
        this.requestTimeoutMs = ms;
        return this;
    }

    /** @return async commit and 1PC: how far past the ts at commit start the commit ts may be. */
    public long maxCommitTsLagMs() {
        return maxCommitTsLagMs;
    }

    /** @param ms the max commit ts lag (default 2000). */
    public TxnConfig maxCommitTsLagMs(final long ms) {
        this.maxCommitTsLagMs = ms;
        return this;
    }

    /** @return the most pairs one scan request asks for. */
    public int scanBatchSize() {
        return scanBatchSize;
    }

    /** @param pairs pairs per scan request (default 256). */
    public TxnConfig scanBatchSize(final int pairs) {
        this.scanBatchSize = pairs;
        return this;
    }

    /** @return how many resolved transactions' outcomes the lock resolver remembers. */
    public int resolvedCacheSize() {
        return resolvedCacheSize;
    }

    /** @param entries the resolved-outcome cache's size (default 2048). */
    public TxnConfig resolvedCacheSize(final int entries) {
        this.resolvedCacheSize = entries;
        return this;
    }

    /**
     * Checks the knobs.
     *
     * @return this.
     * @throws IllegalArgumentException on a value out of range.
     */
    public TxnConfig conclude() {
        positive("lockTtlMs", lockTtlMs);
        positive("backoffBaseMs", backoffBaseMs);
        positive("requestTimeoutMs", requestTimeoutMs);
        positive("maxCommitTsLagMs", maxCommitTsLagMs);
        positive("scanBatchSize", scanBatchSize);
        positive("resolvedCacheSize", resolvedCacheSize);
        positive("asyncCommitMaxKeys", asyncCommitMaxKeys);
        if (backoffMaxMs < backoffBaseMs) {
            throw new IllegalArgumentException("backoffMaxMs " + backoffMaxMs + " < backoffBaseMs " + backoffBaseMs);
        }
        if (lockWaitTimeoutMs < 0 || heartbeatIntervalMs < 0 || ttlRefreshedTxnBytes < 0) {
            throw new IllegalArgumentException(
                "lockWaitTimeoutMs, heartbeatIntervalMs and ttlRefreshedTxnBytes must not be negative");
        }
        if (heartbeatIntervalMs >= lockTtlMs) {
            throw new IllegalArgumentException("heartbeatIntervalMs " + heartbeatIntervalMs +
                " must be below lockTtlMs " + lockTtlMs + " or the locks expire between beats");
        }
        return this;
    }

    private static void positive(final String name, final long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    @Override
    public String toString() {
        return "TxnConfig{asyncCommit=" + asyncCommit + ", onePc=" + onePc + ", asyncCommitMaxKeys=" +
            asyncCommitMaxKeys + ", lockTtlMs=" + lockTtlMs + ", heartbeatIntervalMs=" + heartbeatIntervalMs +
            ", backoffBaseMs=" + backoffBaseMs + ", backoffMaxMs=" + backoffMaxMs + ", lockWaitTimeoutMs=" +
            lockWaitTimeoutMs + ", requestTimeoutMs=" + requestTimeoutMs + ", maxCommitTsLagMs=" + maxCommitTsLagMs +
            '}';
    }
}
