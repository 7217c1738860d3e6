package io.tkv.log;

import net.openhft.chronicle.core.time.TimeProvider;

/**
 * The "time" Chronicle sees: it names the cycle the appender writes to, and moves only when the log rolls. Chronicle
 * rolls files by time; a Raft log must roll by size (and on every open), so the log owns this clock. With the
 * daily roll cycle, cycle n is the n-th day after the epoch, and the file names are those days' dates.
 */
final class CycleClock implements TimeProvider {
    private final long cycleLengthMs;
    // Chronicle's background threads may read the time; only the log's owner thread changes it.
    private volatile int cycle;

    CycleClock(final long cycleLengthMs, final int cycle) {
        this.cycleLengthMs = cycleLengthMs;
        this.cycle = cycle;
    }

    int cycle() {
        return cycle;
    }

    void cycle(final int cycle) {
        this.cycle = cycle;
    }

    @Override
    public long currentTimeMillis() {
        // The middle of the cycle, far from either boundary.
        return cycle * cycleLengthMs + cycleLengthMs / 2;
    }
}
