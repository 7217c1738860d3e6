package io.tkv.ops;

import io.tkv.client.PdOperator;
import io.tkv.client.PdRegion;
import io.tkv.client.PdStore;
import io.tkv.client.RegionInfo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * How tkv-ctl prints what PD says: stores as an aligned table, regions and operators one line each. Region ranges
 * are shown as RawKV user keys when they are printable (a stored key {@code 'r' + k} prints as {@code k}), else as
 * the stored key in hex with {@code 0x} (the end of the raw space, keys of other key spaces); with {@code --hex}
 * always as stored keys in hex. An empty start is the beginning, an empty end {@code end}. Pure functions.
 */
final class PdFormat {
    private static final byte RAW = 'r';
    private static final String[] STORE_COLUMNS =
        {"ID", "STATE", "ADDRESS", "LABELS", "REGIONS", "LEADERS", "LAST-HEARTBEAT"};

    private PdFormat() {
    }

    /** @return a stored key as a user key when it is a printable RawKV key, else {@code 0x} and its hex. */
    static String storedKey(final byte[] stored, final boolean hex) {
        if (hex) {
            return HexFormat.of().formatHex(stored);
        }
        if (stored.length == 0) {
            return "";
        }
        if (stored[0] == RAW && printable(stored)) {
            return new String(stored, 1, stored.length - 1, java.nio.charset.StandardCharsets.US_ASCII);
        }
        return "0x" + HexFormat.of().formatHex(stored);
    }

    /** @return {@code [start, end)}, {@code end} for no end. */
    static String range(final byte[] start, final byte[] end, final boolean hex) {
        return "[" + storedKey(start, hex) + ", " + (end.length == 0 ? "end" : storedKey(end, hex)) + ")";
    }

    /** @return {@code region ID [start, end) epoch (c, v) peers [peer@store, ...] leader store S}. */
    static String region(final RegionInfo region, final boolean hex) {
        final List<String> peers = new ArrayList<>();
        for (final RegionInfo.Peer peer : region.peers()) {
            peers.add(peer.peerId() + "@" + peer.storeId() + (peer.learner() ? " (learner)" : ""));
        }
        return "region " + region.regionId() + " " + range(region.startKey(), region.endKey(), hex) + " epoch ("
            + region.confVer() + ", " + region.version() + ") peers " + peers + " leader "
            + (region.leaderStoreId() == 0 ? "none" : "store " + region.leaderStoreId());
    }

    /**
     * @return {@link #region(RegionInfo, boolean)} with PD's approximate size and keys, and what its leader last
     *     reported written to it in a heartbeat interval ({@code written B bytes K keys}; left out if PD did not say).
     */
    static String region(final PdRegion region, final boolean hex) {
        return region(region.region(), hex) + " ~" + region.approximateSize() + " bytes ~" + region.approximateKeys()
            + " keys" + (region.writtenKnown()
                ? " written " + region.writtenBytes() + " bytes " + region.writtenKeys() + " keys" : "");
    }

    /** @return {@code region R operator ID KIND store S: description}. */
    static String operator(final PdOperator operator) {
        return "region " + operator.regionId() + " operator " + operator.operatorId() + " " + operator.kind()
            + " store " + operator.storeId() + ": " + operator.description();
    }

    /** @return when PD last heard from a store: {@code never}, or the time and how long ago. */
    static String heartbeat(final long lastHeartbeatMs, final long nowMs) {
        if (lastHeartbeatMs <= 0) {
            return "never";
        }
        final double agoS = Math.max(0, nowMs - lastHeartbeatMs) / 1000.0;
        return Instant.ofEpochMilli(lastHeartbeatMs) + " (" + String.format(Locale.ROOT, "%.1f", agoS) + "s ago)";
    }

    /** @return a header line and one line per store, columns aligned. */
    static List<String> stores(final List<PdStore> stores, final long nowMs) {
        final List<String[]> rows = new ArrayList<>();
        rows.add(STORE_COLUMNS);
        for (final PdStore store : stores) {
            rows.add(new String[] {Long.toString(store.storeId()), store.state(), store.address(),
                store.labels().isEmpty() ? "-" : store.labels(), Integer.toString(store.regionCount()),
                Integer.toString(store.leaderCount()), heartbeat(store.lastHeartbeatMs(), nowMs)});
        }
        final int[] widths = new int[STORE_COLUMNS.length];
        for (final String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        final List<String> lines = new ArrayList<>();
        for (final String[] row : rows) {
            final StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** Printable: ASCII graphic characters other than those a range line uses ({@code ,} {@code )} {@code \}). */
    private static boolean printable(final byte[] stored) {
        for (int i = 1; i < stored.length; i++) {
            final int c = stored[i] & 0xFF;
            if (c <= 0x20 || c >= 0x7F || c == ',' || c == ')' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
