package io.tkv.server.config;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Names for idle strategies in config files and flags: {@code backoff} (default: spin, yield, then park up to
 * 1 ms), {@code sleep-ms:N}, {@code sleep-us:N}, {@code yield}, {@code busy-spin} (latency profile only: it
 * owns a core) and {@code noop}.
 */
public final class IdleStrategies {
    private IdleStrategies() {
    }

    /**
     * @param name a strategy name as above.
     * @return a new idle strategy.
     * @throws IllegalArgumentException for an unknown name.
     */
    public static IdleStrategy parse(final String name) {
        final String trimmed = name == null ? "" : name.trim();
        if (trimmed.equals("backoff")) {
            return new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
        }
        if (trimmed.equals("yield")) {
            return new YieldingIdleStrategy();
        }
        if (trimmed.equals("busy-spin")) {
            return new BusySpinIdleStrategy();
        }
        if (trimmed.equals("noop")) {
            return new NoOpIdleStrategy();
        }
        if (trimmed.startsWith("sleep-ms:")) {
            return new SleepingMillisIdleStrategy(parseAmount(trimmed, "sleep-ms:".length()));
        }
        if (trimmed.startsWith("sleep-us:")) {
            return new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(parseAmount(trimmed, "sleep-us:".length())));
        }
        throw new IllegalArgumentException("unknown idle strategy '" + name
            + "' (use backoff, yield, busy-spin, noop, sleep-ms:N or sleep-us:N)");
    }

    private static long parseAmount(final String text, final int from) {
        try {
            final long amount = Long.parseLong(text.substring(from));
            if (amount <= 0) {
                throw new IllegalArgumentException("idle strategy amount must be > 0: '" + text + "'");
            }
            return amount;
        } catch (final NumberFormatException ex) {
            throw new IllegalArgumentException("bad idle strategy amount: '" + text + "'", ex);
        }
    }
}
