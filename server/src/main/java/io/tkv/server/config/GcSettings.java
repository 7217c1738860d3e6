package io.tkv.server.config;

/**
 * The store's GC (TOML section {@code [gc]}): with PD and {@code enabled} (default), the store fetches PD's GC safe
 * point every {@code runIntervalMs} (default {@link #DEFAULT_RUN_INTERVAL_MS}, TiKV's safe point poll) and collects
 * the regions it leads when it moved ({@code io.tkv.server.gc.GcDriver}). A store without PD runs no GC.
 */
public final class GcSettings {
    /** How often PD's safe point is fetched by default. */
    public static final long DEFAULT_RUN_INTERVAL_MS = 10_000;
    /** The longest interval accepted: a day. */
    public static final long MAX_RUN_INTERVAL_MS = 86_400_000;
    private boolean enabled = true;
    private long runIntervalMs = DEFAULT_RUN_INTERVAL_MS;

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    void conclude() {
        if (runIntervalMs <= 0 || runIntervalMs > MAX_RUN_INTERVAL_MS) {
            throw new IllegalArgumentException("gc.run-interval-ms must be > 0 and at most " + MAX_RUN_INTERVAL_MS);
        }
    }

    /** @return whether the store runs GC (when it has PD). */
    public boolean enabled() {
        return enabled;
    }

    /** @param enabled whether the store runs GC (when it has PD). */
    public GcSettings enabled(final boolean enabled) {
        this.enabled = enabled;
        return this;
    }

    /** @return how often PD's safe point is fetched, in milliseconds. */
    public long runIntervalMs() {
        return runIntervalMs;
    }

    /** @param runIntervalMs how often PD's safe point is fetched, in milliseconds. */
    public GcSettings runIntervalMs(final long runIntervalMs) {
        this.runIntervalMs = runIntervalMs;
        return this;
    }
}
