package io.tkv.ops;

import io.tkv.client.RawKvClient;
import io.tkv.client.RegionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code tkv-ctl split KEY --new-region N --new-peers P1,P2,P3}: splits a region at a RawKV key through its Raft log
 * (admin secret needed). The region keeps the keys before KEY, the new region N takes KEY and those after, with one new
 * peer per peer of the region, in the order the region lists its peers. The ids must be unique in the cluster: until
 * PD hands them out, the operator chooses them. Prints both regions; exit 3 if the store refuses (a stale epoch, a key
 * not strictly inside the region, ids that cannot make the region).
 */
@Command(name = "split", description = "Split a region at a key into itself and a new region (admin).")
final class SplitCommand extends KvCommand {
    @Parameters(index = "0", description = "the split key: the first key of the new region")
    String key;

    @Option(names = "--region", defaultValue = "1", description = "the region to split (default ${DEFAULT-VALUE})")
    long regionId;

    @Option(names = "--epoch", defaultValue = "1,1", split = ",",
        description = "the region's epoch as conf-ver,version (default ${DEFAULT-VALUE})")
    long[] epoch;

    @Option(names = "--new-region", required = true, description = "the new region's id")
    long newRegionId;

    @Option(names = "--new-peers", required = true, split = ",",
        description = "one new peer id per peer of the region, comma-separated")
    long[] newPeerIds;

    @Override
    int run(final RawKvClient client, final PrintWriter out, final PrintWriter err) {
        if (epoch.length != 2) {
            throw new IllegalArgumentException("--epoch takes conf-ver,version, not " + Arrays.toString(epoch));
        }
        final List<RegionInfo> regions = client.splitRegion(regionId, epoch[0], epoch[1], connection.bytes(key),
            newRegionId, newPeerIds);
        for (final RegionInfo region : regions) {
            out.println("region " + region.regionId() + " [" + HexFormat.of().formatHex(region.startKey()) + ", "
                + (region.endKey().length == 0 ? "end" : HexFormat.of().formatHex(region.endKey())) + ") epoch ("
                + region.confVer() + ", " + region.version() + ") peers "
                + region.peers().stream().map(peer -> peer.peerId() + "@" + peer.storeId()).toList());
        }
        return OK;
    }
}
