package io.tkv.server.config;

import io.tkv.txn.lockwait.DeadlockDetector;
import io.tkv.txn.lockwait.LockWaitConfig;

/**
 * Pessimistic lock waiting on the store (TOML section {@code [txn]}, TiKV's {@code [pessimistic-txn]}): at most
 * {@code maxLockWaiters} requests wait for locks at once (one more is answered SERVER_BUSY), none longer than
 * {@code maxWaitTimeoutMs} whatever it asks, and when a lock goes the oldest waiter runs at once and the others
 * {@code wakeUpDelayMs} later. Defaults are {@link LockWaitConfig#defaults()}'s.
 */
public final class TxnSettings {
    /** The longest wait a store may be configured to grant: a parked request holds a reply slot that long. */
    public static final long MAX_WAIT_TIMEOUT_LIMIT_MS = 60_000;
    private int maxLockWaiters = LockWaitConfig.DEFAULT_MAX_WAITERS;
    private long maxWaitTimeoutMs = LockWaitConfig.DEFAULT_MAX_WAIT_TIMEOUT_MS;
    private long wakeUpDelayMs = LockWaitConfig.DEFAULT_WAKE_UP_DELAY_MS;

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    void conclude() {
        require(maxLockWaiters > 0, "txn.max-lock-waiters must be > 0");
        require(maxWaitTimeoutMs > 0 && maxWaitTimeoutMs <= MAX_WAIT_TIMEOUT_LIMIT_MS,
            "txn.max-wait-timeout-ms must be > 0 and at most " + MAX_WAIT_TIMEOUT_LIMIT_MS);
        require(wakeUpDelayMs >= 0 && wakeUpDelayMs <= maxWaitTimeoutMs,
            "txn.wake-up-delay-ms must be >= 0 and at most txn.max-wait-timeout-ms");
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** @return the store's lock wait knobs, with a new local deadlock detector (its edges outlive any wait). */
    public LockWaitConfig lockWaitConfig() {
        final long detectorTtlMs = Math.max(LockWaitConfig.DEFAULT_DETECTOR_TTL_MS, 3 * maxWaitTimeoutMs);
        return new LockWaitConfig(maxLockWaiters, maxWaitTimeoutMs, wakeUpDelayMs,
            new DeadlockDetector(detectorTtlMs).localClient());
    }

    /** @return how many requests may wait for locks at once. */
    public int maxLockWaiters() {
        return maxLockWaiters;
    }

    /** @param maxLockWaiters how many requests may wait for locks at once. */
    public TxnSettings maxLockWaiters(final int maxLockWaiters) {
        this.maxLockWaiters = maxLockWaiters;
        return this;
    }

    /** @return the longest lock wait granted, in milliseconds. */
    public long maxWaitTimeoutMs() {
        return maxWaitTimeoutMs;
    }

    /** @param maxWaitTimeoutMs the longest lock wait granted, in milliseconds. */
    public TxnSettings maxWaitTimeoutMs(final long maxWaitTimeoutMs) {
        this.maxWaitTimeoutMs = maxWaitTimeoutMs;
        return this;
    }

    /** @return the delay before the other waiters of a released lock run, in milliseconds. */
    public long wakeUpDelayMs() {
        return wakeUpDelayMs;
    }

    /** @param wakeUpDelayMs the delay before the other waiters of a released lock run, in milliseconds. */
    public TxnSettings wakeUpDelayMs(final long wakeUpDelayMs) {
        this.wakeUpDelayMs = wakeUpDelayMs;
        return this;
    }
}
