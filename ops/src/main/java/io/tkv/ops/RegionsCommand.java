package io.tkv.ops;

import io.tkv.client.PdClient;
import io.tkv.client.PdRegion;
import io.tkv.client.StoreStatus;
import io.tkv.client.TkvException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code tkv-ctl regions}: asks each store given with {@code --endpoint} for the regions it holds and prints one line
 * per region, in key order: its range (stored keys, hex; a RawKV key k is {@code 'r' + k}), epoch, the stores holding
 * it (the leader marked), and its approximate size and keys as its leader's store estimates them. Where stores
 * disagree on a region's epoch the newest is shown (the others are catching up). Exit 3 if a store could not be asked.
 * An admin request: give the admin secret ({@code --secret-file}).
 *
 * <p>With {@code --pd host:port} the regions come from PD instead ({@code ScanRegions}, as PD knows them from their
 * leaders' heartbeats): range as RawKV user keys where printable ({@code --hex}: stored keys in hex), epoch, peers,
 * leader, approximate size and keys, and the bytes and keys written to it in the interval before its leader's last
 * heartbeat.
 */
@Command(name = "regions", description = "Every region of the stores given: range, epoch, stores, leader, size.")
final class RegionsCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Option(names = "--pd", description = "PD members host:port,...: list the regions PD knows")
    String pd;

    /** Regions asked of PD per ScanRegions. */
    static final int PAGE = 1000;

    /** What the stores said of one region. */
    private static final class Seen {
        StoreStatus.Region newest;
        long leaderStoreId;
        final List<Long> stores = new ArrayList<>();
        long bytes;
        long keys;
    }

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (pd != null) {
            return viaPd(out, err);
        }
        int code = KvCommand.OK;
        final Map<Long, Seen> regions = new TreeMap<>();
        for (final String endpoint : connection.endpoints()) {
            try {
                final StoreStatus status = connection.statusOf(endpoint);
                for (final StoreStatus.Region region : status.regions()) {
                    final Seen seen = regions.computeIfAbsent(region.regionId(), id -> new Seen());
                    seen.stores.add(status.storeId());
                    if (seen.newest == null || region.confVer() > seen.newest.confVer()
                        || region.version() > seen.newest.version()) {
                        seen.newest = region;
                    }
                    if ("LEADER".equals(region.role())) {
                        seen.leaderStoreId = status.storeId();
                        seen.bytes = region.approximateBytes();
                        seen.keys = region.approximateKeys();
                    } else if (seen.leaderStoreId == 0) {
                        seen.bytes = Math.max(seen.bytes, region.approximateBytes());
                        seen.keys = Math.max(seen.keys, region.approximateKeys());
                    }
                }
            } catch (final TkvException ex) {
                err.println("store ? " + endpoint + ": " + ex.getMessage());
                code = KvCommand.FAILED;
            } catch (final IOException ex) {
                err.println("store ? " + endpoint + " unreachable: " + ex.getMessage());
                code = KvCommand.FAILED;
            }
        }
        final List<Map.Entry<Long, Seen>> byKey = new ArrayList<>(regions.entrySet());
        byKey.sort((a, b) -> Arrays.compareUnsigned(a.getValue().newest.startKey(), b.getValue().newest.startKey()));
        for (final Map.Entry<Long, Seen> entry : byKey) {
            final Seen seen = entry.getValue();
            final StoreStatus.Region region = seen.newest;
            out.printf("region %d [%s, %s) epoch (%d, %d) stores %s leader %s ~%d bytes ~%d keys%n", entry.getKey(),
                HexFormat.of().formatHex(region.startKey()),
                region.endKey().length == 0 ? "end" : HexFormat.of().formatHex(region.endKey()), region.confVer(),
                region.version(), seen.stores, seen.leaderStoreId == 0 ? "none" : "store " + seen.leaderStoreId,
                seen.bytes, seen.keys);
        }
        err.println(regions.size() + " region(s)");
        out.flush();
        return code;
    }

    private int viaPd(final PrintWriter out, final PrintWriter err) {
        try (PdClient client = connection.connectPd(pd)) {
            int count = 0;
            byte[] start = new byte[0];
            while (true) {
                final List<PdRegion> page = client.scanRegions(start, new byte[0], PAGE);
                for (final PdRegion region : page) {
                    out.println(PdFormat.region(region, connection.hex));
                }
                count += page.size();
                final byte[] end = page.isEmpty() ? new byte[0] : page.get(page.size() - 1).region().endKey();
                if (page.size() < PAGE || end.length == 0) {
                    break;
                }
                start = end;
            }
            out.flush();
            err.println(count + " region(s)");
            return KvCommand.OK;
        } catch (final TkvException | IOException ex) {
            err.println(ex instanceof TkvException ? TkvCtl.errorLine(ex) : "tkv-ctl: " + ex.getMessage());
            return KvCommand.FAILED;
        }
    }
}
