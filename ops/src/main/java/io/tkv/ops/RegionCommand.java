package io.tkv.ops;

import io.tkv.client.PdClient;
import io.tkv.client.PdRegion;
import io.tkv.client.RegionInfo;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;

/**
 * {@code tkv-ctl region --key K | --id N --pd host:port}: one region as PD knows it, by a RawKV key it holds or by
 * id: range, epoch, peers (learners marked) and leader, then its approximate size and keys and what its leader last
 * reported written to it (asked with a ScanRegions of its range; left out if the region changed in between). Exit 3
 * with REGION_NOT_FOUND if PD knows none there.
 */
@Command(name = "region", description = "One region as PD knows it, by key or id.")
final class RegionCommand extends PdAdminCommand {
    /** Exactly one of the two. */
    static final class Which {
        @Option(names = "--key", description = "a RawKV key the region holds")
        String key;

        @Option(names = "--id", description = "the region's id")
        Long id;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    @Option(names = "--hex", description = "the key is hex, and ranges print as stored keys in hex")
    boolean hex;

    @Override
    int run(final PdClient client, final PrintWriter out) {
        final RegionInfo region = which.id != null ? client.getRegionById(which.id) :
            client.getRegion(storedKey(ByteText.parse(which.key, hex)));
        final List<PdRegion> stats = client.scanRegions(region.startKey(), region.endKey(), 1);
        if (!stats.isEmpty() && stats.get(0).region().equals(region)) {
            out.println(PdFormat.region(stats.get(0), hex));
        } else {
            out.println(PdFormat.region(region, hex));
        }
        return KvCommand.OK;
    }

    /** @return the stored form of a RawKV key: {@code 'r'} and the key. */
    static byte[] storedKey(final byte[] userKey) {
        final byte[] stored = new byte[userKey.length + 1];
        stored[0] = 'r';
        System.arraycopy(userKey, 0, stored, 1, userKey.length);
        return stored;
    }
}
