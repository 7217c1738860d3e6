package io.tkv.server.config;

/**
 * When a region's leader splits it by itself (TOML section {@code [split]}; only with PD, which hands out the new
 * ids): every {@code splitCheckIntervalMs} it checks each region it leads, and one whose approximate size passes
 * {@code regionMaxSizeBytes}, or its approximate key count {@code regionMaxKeys}, is split at the first key past
 * {@code regionSplitSizeBytes} of keys and values, or {@code regionSplitKeys} keys, from its start. Defaults are
 * TiKV's: 144 MiB / 96 MiB, 1 440 000 / 960 000 keys, every 10 s.
 */
public final class SplitCheckSettings {
    private long regionMaxSizeBytes = 144L << 20;
    private long regionSplitSizeBytes = 96L << 20;
    private long regionMaxKeys = 1_440_000;
    private long regionSplitKeys = 960_000;
    private long splitCheckIntervalMs = 10_000;

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    void conclude() {
        require(regionSplitSizeBytes > 0 && regionSplitSizeBytes <= regionMaxSizeBytes,
            "split.region-split-size-kb must be > 0 and at most split.region-max-size-kb");
        require(regionSplitKeys > 0 && regionSplitKeys <= regionMaxKeys,
            "split.region-split-keys must be > 0 and at most split.region-max-keys");
        require(splitCheckIntervalMs > 0, "split.split-check-interval-ms must be > 0");
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public long regionMaxSizeBytes() {
        return regionMaxSizeBytes;
    }

    public SplitCheckSettings regionMaxSizeBytes(final long regionMaxSizeBytes) {
        this.regionMaxSizeBytes = regionMaxSizeBytes;
        return this;
    }

    public long regionSplitSizeBytes() {
        return regionSplitSizeBytes;
    }

    public SplitCheckSettings regionSplitSizeBytes(final long regionSplitSizeBytes) {
        this.regionSplitSizeBytes = regionSplitSizeBytes;
        return this;
    }

    public long regionMaxKeys() {
        return regionMaxKeys;
    }

    public SplitCheckSettings regionMaxKeys(final long regionMaxKeys) {
        this.regionMaxKeys = regionMaxKeys;
        return this;
    }

    public long regionSplitKeys() {
        return regionSplitKeys;
    }

    public SplitCheckSettings regionSplitKeys(final long regionSplitKeys) {
        this.regionSplitKeys = regionSplitKeys;
        return this;
    }

    public long splitCheckIntervalMs() {
        return splitCheckIntervalMs;
    }

    public SplitCheckSettings splitCheckIntervalMs(final long splitCheckIntervalMs) {
        this.splitCheckIntervalMs = splitCheckIntervalMs;
        return this;
    }

    @Override
    public String toString() {
        return "split{max=" + regionMaxSizeBytes + "B/" + regionMaxKeys + " keys, split=" + regionSplitSizeBytes
            + "B/" + regionSplitKeys + " keys, every " + splitCheckIntervalMs + "ms}";
    }
}
