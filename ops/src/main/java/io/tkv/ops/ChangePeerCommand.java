package io.tkv.ops;

import io.tkv.client.PeerChange;
import io.tkv.client.RawKvClient;
import io.tkv.client.RegionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * {@code tkv-ctl change-peer add-learner|add-voter|remove PEER --store S}: one membership change of a region through
 * its Raft log (admin secret needed). {@code add-learner} adds a peer that catches up by snapshot without voting,
 * {@code add-voter} adds a voter or promotes a learner, {@code remove} removes a peer (its store destroys its copy of
 * the region). Prints the region after the change; exit 3 if the store refuses (a stale epoch, a change pending, a
 * change that cannot be made).
 */
@Command(name = "change-peer", description = "Add a learner, add or promote a voter, or remove a peer (admin).")
final class ChangePeerCommand extends KvCommand {
    @Parameters(index = "0", description = "add-learner, add-voter or remove")
    String change;

    @Parameters(index = "1", description = "the peer id")
    long peerId;

    @Option(names = "--store", defaultValue = "0", description = "the store the peer is (to be) on")
    long storeId;

    @Option(names = "--region", defaultValue = "1", description = "the region (default ${DEFAULT-VALUE})")
    long regionId;

    @Option(names = "--epoch", defaultValue = "1,1", split = ",",
        description = "the region's epoch as conf-ver,version (default ${DEFAULT-VALUE})")
    long[] epoch;

    @Override
    int run(final RawKvClient client, final PrintWriter out, final PrintWriter err) {
        if (epoch.length != 2) {
            throw new IllegalArgumentException("--epoch takes conf-ver,version, not " + Arrays.toString(epoch));
        }
        final PeerChange type = switch (change) {
            case "add-learner" -> PeerChange.ADD_LEARNER;
            case "add-voter" -> PeerChange.ADD_VOTER;
            case "remove" -> PeerChange.REMOVE_PEER;
            default -> throw new IllegalArgumentException("change is add-learner, add-voter or remove, not " + change);
        };
        if (type != PeerChange.REMOVE_PEER && storeId <= 0) {
            throw new IllegalArgumentException("--store names the store the peer is on");
        }
        final RegionInfo region = client.admin().changePeer(regionId, epoch[0], epoch[1], type, peerId,
            storeId > 0 ? storeId : peerId);
        out.println("region " + region.regionId() + " [" + HexFormat.of().formatHex(region.startKey()) + ", "
            + (region.endKey().length == 0 ? "end" : HexFormat.of().formatHex(region.endKey())) + ") epoch ("
            + region.confVer() + ", " + region.version() + ") peers " + region.peers().stream()
            .map(peer -> peer.peerId() + "@" + peer.storeId() + (peer.learner() ? " (learner)" : "")).toList());
        return OK;
    }
}
