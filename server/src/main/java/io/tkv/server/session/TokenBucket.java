package io.tkv.server.session;

/**
 * A token bucket on the caller's monotonic clock: {@code ratePerSecond} tokens a second, at most {@code capacity}
 * saved up, full at the start. Time is passed in ({@code nowNs}), so tests drive it by hand. Tokens are counted in
 * billionths in a long, so any rate adds up exactly however often the clock is read, with no floating point.
 * Not thread safe: one owner (the ingress agent).
 */
public final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long ratePerSecond;
    private final long capacityNanoTokens;
    /** The time an empty bucket takes to fill: past it, no need to multiply (which could overflow). */
    private final long fillNs;
    private long nanoTokens;
    private long lastNs;
    private boolean started;

    /**
     * @param ratePerSecond tokens added a second, at least 1.
     * @param capacity      the most tokens saved up (the largest burst), at least 1.
     */
    public TokenBucket(final int ratePerSecond, final int capacity) {
        if (ratePerSecond < 1 || capacity < 1) {
            throw new IllegalArgumentException("rate and capacity must be >= 1: " + ratePerSecond + ", " + capacity);
        }
        this.ratePerSecond = ratePerSecond;
        this.capacityNanoTokens = capacity * NANOS_PER_SECOND;
        this.fillNs = capacityNanoTokens / ratePerSecond;
        this.nanoTokens = capacityNanoTokens;
    }

    /**
     * Takes a token if there is one.
     *
     * @param nowNs the monotonic clock ({@link System#nanoTime()} or a test's).
     * @return whether a token was taken.
     */
    public boolean tryAcquire(final long nowNs) {
        refill(nowNs);
        if (nanoTokens >= NANOS_PER_SECOND) {
            nanoTokens -= NANOS_PER_SECOND;
            return true;
        }
        return false;
    }

    /** @return whole tokens available at the time last seen. */
    public long available() {
        return nanoTokens / NANOS_PER_SECOND;
    }

    private void refill(final long nowNs) {
        if (!started) {
            started = true;
            lastNs = nowNs;
            return;
        }
        final long elapsedNs = nowNs - lastNs;
        if (elapsedNs <= 0) {
            return;
        }
        lastNs = nowNs;
        if (elapsedNs >= fillNs) {
            nanoTokens = capacityNanoTokens;
        } else {
            // elapsedNs < fillNs, so elapsedNs * rate < capacity in nano-tokens: no overflow.
            nanoTokens = Math.min(capacityNanoTokens, nanoTokens + elapsedNs * ratePerSecond);
        }
    }
}
