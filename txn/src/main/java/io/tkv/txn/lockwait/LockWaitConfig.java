package io.tkv.txn.lockwait;

/**
 * The knobs of pessimistic lock waiting, checked here before any {@link WaiterManager} exists. Defaults follow TiKV's
 * {@code [pessimistic-txn]} section.
 *
 * @param maxWaiters       how many requests may wait for locks at once on the store; one more is refused with
 *                         SERVER_BUSY (the queue is bounded, as every queue of the store).
 * @param maxWaitTimeoutMs the longest wait a request gets, whatever it asks (TiKV's {@code wait-for-lock-timeout}).
 * @param wakeUpDelayMs    when a lock is released, the oldest waiter runs again at once and the others this much
 *                         later (TiKV's {@code wake-up-delay-duration}); 0 runs them all at once, in arrival order.
 * @param detector         the deadlock detector: {@link DeadlockDetector#localClient()} on one store, a remote client
 *                         to the cluster's detector later.
 */
public record LockWaitConfig(
    int maxWaiters, long maxWaitTimeoutMs, long wakeUpDelayMs, DeadlockDetector.Client detector) {
    /** Default {@link #maxWaiters}. */
    public static final int DEFAULT_MAX_WAITERS = 4096;
    /** Default {@link #maxWaitTimeoutMs}, TiKV's. */
    public static final long DEFAULT_MAX_WAIT_TIMEOUT_MS = 1_000;
    /** Default {@link #wakeUpDelayMs}, TiKV's. */
    public static final long DEFAULT_WAKE_UP_DELAY_MS = 20;
    /** Default ttl of a wait-for edge in the local detector, TiKV's; above the longest wait. */
    public static final long DEFAULT_DETECTOR_TTL_MS = 3_000;

    /** Checks the knobs. */
    public LockWaitConfig {
        if (maxWaiters <= 0 || maxWaitTimeoutMs <= 0 || wakeUpDelayMs < 0 || detector == null) {
            throw new IllegalArgumentException("lock wait: maxWaiters " + maxWaiters + " and maxWaitTimeoutMs " +
                maxWaitTimeoutMs + " must be positive, wakeUpDelayMs " + wakeUpDelayMs +
                " not negative, and a detector is required");
        }
    }

    /** @return the defaults, with a new local detector. */
    public static LockWaitConfig defaults() {
        return new LockWaitConfig(DEFAULT_MAX_WAITERS, DEFAULT_MAX_WAIT_TIMEOUT_MS, DEFAULT_WAKE_UP_DELAY_MS,
            new DeadlockDetector(DEFAULT_DETECTOR_TTL_MS).localClient());
    }
}
