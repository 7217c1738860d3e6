package io.tkv.perf;

/**
 * When each request of an open-loop run is meant to be sent: request {@code i} at
 * {@code startNs + i * 1e9 / rate}, whatever happened to the requests before it.
 * <p>
 * Latency is measured from this intended time, not from when the request actually left: a sender that fell behind
 * (a GC pause, a full in-flight window, a slow server) is charged for the wait its requests spent queued, which is
 * what a user would see. Measuring from the actual send time instead hides that wait, the "coordinated omission"
 * that makes closed-loop numbers look better than the system is.
 * <p>
 * Pure arithmetic on longs, exact for any rate (no accumulated rounding): easy to test.
 */
public final class OpenLoopSchedule {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long startNs;
    private final long ratePerSecond;

    /**
     * @param startNs       intended send time of request 0 (a {@link System#nanoTime()} value).
     * @param ratePerSecond requests per second, at least 1.
     */
    public OpenLoopSchedule(final long startNs, final long ratePerSecond) {
        if (ratePerSecond < 1) {
            throw new IllegalArgumentException("rate must be >= 1 op/s, was " + ratePerSecond);
        }
        this.startNs = startNs;
        this.ratePerSecond = ratePerSecond;
    }

    /**
     * @return intended send time of request 0.
     */
    public long startNs() {
        return startNs;
    }

    /**
     * @return requests per second.
     */
    public long ratePerSecond() {
        return ratePerSecond;
    }

    /**
     * @param index request number, from 0.
     * @return when the request is meant to be sent.
     */
    public long intendedSendNs(final long index) {
        // Split so index * 1e9 cannot overflow for any realistic run: whole seconds, then the remainder.
        final long wholeSeconds = index / ratePerSecond;
        final long rest = index % ratePerSecond;
        return startNs + wholeSeconds * NANOS_PER_SECOND + rest * NANOS_PER_SECOND / ratePerSecond;
    }

    /**
     * @param nowNs the current time.
     * @return how many requests are due by {@code nowNs} (intended time at or before it), counting from 0.
     */
    public long dueCount(final long nowNs) {
        if (nowNs < startNs) {
            return 0;
        }
        final long elapsedNs = nowNs - startNs;
        final long wholeSeconds = elapsedNs / NANOS_PER_SECOND;
        final long restNs = elapsedNs % NANOS_PER_SECOND;
        // Within the second, request m is due when floor(m * 1e9 / rate) <= restNs, i.e. m * 1e9 < (restNs + 1) * rate:
        // the largest such m is floor(((restNs + 1) * rate - 1) / 1e9), always below rate. Same rounding as
        // intendedSendNs, so dueCount(intendedSendNs(i)) == i + 1 exactly.
        return wholeSeconds * ratePerSecond + ((restNs + 1) * ratePerSecond - 1) / NANOS_PER_SECOND + 1;
    }

    /**
     * @param index        request number.
     * @param completionNs when its response arrived.
     * @return its latency as a user sees it: from the intended send time.
     */
    public long latencyNs(final long index, final long completionNs) {
        return completionNs - intendedSendNs(index);
    }
}
