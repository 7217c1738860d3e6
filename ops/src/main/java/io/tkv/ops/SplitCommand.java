package io.tkv.ops;

import io.tkv.client.OperatorStep;
import io.tkv.client.PdClient;
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
 * (admin secret needed). The region keeps the keys before KEY, the new region N takes KEY and those after, with one
 * new peer per peer of the region, in the order the region lists its peers. The ids must be unique in the cluster:
 * without PD, the operator chooses them. Prints both regions; exit 3 if the store refuses (a stale epoch, a key not
 * strictly inside the region, ids that cannot make the region).
 *
 * <p>With {@code --pd host:port} ({@code tkv-ctl split --region N --pd ...}) it asks PD for a SPLIT operator
 * instead: the region's leader picks the key and asks PD for the ids; it prints the operator's id.
 */
@Command(name = "split", description = "Split a region at a key into itself and a new region (admin).")
final class SplitCommand extends KvCommand {
    @Parameters(index = "0", arity = "0..1", description = "the split key: the first key of the new region (not "
        + "with --pd: the leader picks it)")
    String key;

    @Option(names = "--pd", description = "PD members host:port,...: ask PD to split the region (a SPLIT operator)")
    String pd;

    @Option(names = "--region", defaultValue = "1", description = "the region to split (default ${DEFAULT-VALUE})")
    long regionId;

    @Option(names = "--epoch", defaultValue = "1,1", split = ",",
        description = "the region's epoch as conf-ver,version (default ${DEFAULT-VALUE})")
    long[] epoch;

    @Option(names = "--new-region", description = "the new region's id (without --pd)")
    Long newRegionId;

    @Option(names = "--new-peers", split = ",",
        description = "one new peer id per peer of the region, comma-separated (without --pd)")
    long[] newPeerIds;

    @Override
    String pdMembers() {
        return pd;
    }

    @Override
    void check() {
        if (pd != null && (key != null || newRegionId != null || newPeerIds != null)) {
            throw new IllegalArgumentException("with --pd the region's leader picks the key and PD the ids: "
                + "give --region only");
        }
        if (pd == null && (key == null || newRegionId == null || newPeerIds == null)) {
            throw new IllegalArgumentException("split takes KEY, --new-region and --new-peers (or --pd to let PD "
                + "split)");
        }
        if (epoch.length != 2) {
            throw new IllegalArgumentException("--epoch takes conf-ver,version, not " + Arrays.toString(epoch));
        }
    }

    @Override
    int runPd(final PdClient client, final PrintWriter out) {
        final long operatorId = client.addOperator(regionId, OperatorStep.Kind.SPLIT, 0);
        out.println(PeerOperatorCommand.operatorLine(operatorId, regionId, OperatorStep.Kind.SPLIT, 0));
        return OK;
    }

    @Override
    int run(final RawKvClient client, final PrintWriter out, final PrintWriter err) {
        final List<RegionInfo> regions = client.admin().splitRegion(regionId, epoch[0], epoch[1],
            connection.bytes(key), newRegionId, newPeerIds);
        for (final RegionInfo region : regions) {
            out.println("region " + region.regionId() + " [" + HexFormat.of().formatHex(region.startKey()) + ", "
                + (region.endKey().length == 0 ? "end" : HexFormat.of().formatHex(region.endKey())) + ") epoch ("
                + region.confVer() + ", " + region.version() + ") peers "
                + region.peers().stream().map(peer -> peer.peerId() + "@" + peer.storeId()).toList());
        }
        return OK;
    }
}
