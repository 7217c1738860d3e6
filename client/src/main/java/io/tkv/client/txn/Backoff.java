package io.tkv.client.txn;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waiting for a live lock, as client-go's {@code Backoffer}: exponential from a base to a cap, never past a deadline,
 * never longer than the lock is known to live. One per waiting request; not shared between threads.
 */
final class Backoff {
    private final long maxMs;
    private final long deadlineNs;
    private long nextMs;

    /**
     * @param baseMs     the first wait.
     * @param maxMs      the longest wait.
     * @param timeoutMs  how long from now the waiting may last.
     */
    Backoff(final long baseMs, final long maxMs, final long timeoutMs) {
        this.nextMs = baseMs;
        this.maxMs = maxMs;
        this.deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    static Backoff forLocks(final TxnConfig config) {
        return new Backoff(config.backoffBaseMs(), config.backoffMaxMs(), config.lockWaitTimeoutMs());
    }

    /**
     * Waits before the next attempt.
     *
     * @param liveForMs how long the lock that blocks is known to live; the wait is not longer (at least 1 ms).
     * @return false, without waiting, if the deadline has passed: the caller gives up.
     */
    boolean pause(final long liveForMs) {
        final long leftNs = deadlineNs - System.nanoTime();
        if (leftNs <= 0) {
            return false;
        }
        final long waitMs = Math.max(1, Math.min(nextMs, liveForMs));
        nextMs = Math.min(maxMs, nextMs * 2);
        LockSupport.parkNanos(Math.min(leftNs, TimeUnit.MILLISECONDS.toNanos(waitMs)));
        if (Thread.currentThread().isInterrupted()) {
            throw new TxnTransportException("interrupted while waiting for a lock", null);
        }
        return true;
    }
}
