package io.tkv.server.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a store talks to PD (TOML section {@code [pd]}, flag {@code --pd}): PD's members, the store's location labels
 * (TOML {@code [server] labels}), and how often it heartbeats. No endpoints: PD-less static mode, as before PD — the
 * store learns nothing from PD, reports nothing and takes no operators. Intervals default to PD's (TiKV's): a store
 * heartbeat every 10 s, a region heartbeat every 60 s per region led (and soon after a region's epoch or leader
 * changes).
 */
public final class StorePdSettings {
    /** A label key or value: letters, digits, '.', '_' and '-'. */
    private static final Pattern LABEL_PART = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private List<String> endpoints = new ArrayList<>();
    private String labels = "";
    private long storeHeartbeatIntervalMs = 10_000;
    private long regionHeartbeatIntervalMs = 60_000;

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    void conclude() {
        final Set<String> seen = new HashSet<>();
        for (final String endpoint : endpoints) {
            try {
                HostPort.parse(endpoint);
            } catch (final IllegalArgumentException ex) {
                throw new IllegalArgumentException("pd.endpoints: " + ex.getMessage(), ex);
            }
            require(seen.add(endpoint), "pd.endpoints names " + endpoint + " twice");
        }
        parseLabels(labels);
        require(storeHeartbeatIntervalMs > 0, "pd.store-heartbeat-interval-ms must be > 0");
        require(regionHeartbeatIntervalMs > 0, "pd.region-heartbeat-interval-ms must be > 0");
    }

    /**
     * @param text {@code zone=z1,rack=r1,host=h1}, or empty.
     * @return the labels' keys and values, in order: key, value, key, value, ...
     * @throws IllegalArgumentException if a label is not key=value of letters, digits, '.', '_', '-', or a key repeats.
     */
    public static List<String> parseLabels(final String text) {
        final List<String> parts = new ArrayList<>();
        if (text.isBlank()) {
            return parts;
        }
        final Set<String> keys = new HashSet<>();
        for (final String label : text.split(",", -1)) {
            final int eq = label.indexOf('=');
            final String key = eq < 0 ? label.trim() : label.substring(0, eq).trim();
            final String value = eq < 0 ? "" : label.substring(eq + 1).trim();
            require(LABEL_PART.matcher(key).matches() && LABEL_PART.matcher(value).matches(),
                "server.labels are key=value pairs of letters, digits, '.', '_' and '-', separated by ',': got '"
                    + label + "' in '" + text + "'");
            require(keys.add(key), "server.labels names " + key + " twice: '" + text + "'");
            parts.add(key);
            parts.add(value);
        }
        return parts;
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** @return whether the store talks to PD (some endpoint is set). */
    public boolean enabled() {
        return !endpoints.isEmpty();
    }

    /** @return PD members' endpoints ({@code host:port}); any one is enough. */
    public List<String> endpoints() {
        return Collections.unmodifiableList(endpoints);
    }

    public StorePdSettings endpoints(final List<String> endpoints) {
        this.endpoints = new ArrayList<>(endpoints);
        return this;
    }

    /** @return the store's location labels, {@code zone=z1,rack=r1,host=h1} (normalised: no blanks), or "". */
    public String labels() {
        final List<String> parts = parseLabels(labels);
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.size(); i += 2) {
            out.append(i == 0 ? "" : ",").append(parts.get(i)).append('=').append(parts.get(i + 1));
        }
        return out.toString();
    }

    public StorePdSettings labels(final String labels) {
        this.labels = labels == null ? "" : labels;
        return this;
    }

    public long storeHeartbeatIntervalMs() {
        return storeHeartbeatIntervalMs;
    }

    public StorePdSettings storeHeartbeatIntervalMs(final long storeHeartbeatIntervalMs) {
        this.storeHeartbeatIntervalMs = storeHeartbeatIntervalMs;
        return this;
    }

    public long regionHeartbeatIntervalMs() {
        return regionHeartbeatIntervalMs;
    }

    public StorePdSettings regionHeartbeatIntervalMs(final long regionHeartbeatIntervalMs) {
        this.regionHeartbeatIntervalMs = regionHeartbeatIntervalMs;
        return this;
    }

    @Override
    public String toString() {
        return "pd{endpoints=" + endpoints + ", labels=" + labels + ", store-heartbeat=" + storeHeartbeatIntervalMs
            + "ms, region-heartbeat=" + regionHeartbeatIntervalMs + "ms}";
    }
}
