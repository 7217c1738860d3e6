package io.tkv.ops;

import io.tkv.client.OperatorStep;
import io.tkv.client.PdClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

/**
 * {@code tkv-ctl add-peer|remove-peer REGION STORE --pd host:port}: asks PD for an operator that adds a peer of the
 * region on the store, or removes the store's peer (admin secret needed). PD runs it step by step through the region's
 * heartbeats; the command prints the operator's id and returns at once ({@code tkv-ctl operators} shows it running).
 * Without PD, {@code tkv-ctl change-peer} changes a region's membership on the stores directly.
 */
abstract class PeerOperatorCommand extends PdAdminCommand {
    @Parameters(index = "0", description = "the region")
    long regionId;

    @Parameters(index = "1", description = "the store")
    long storeId;

    @Override
    void check() {
        if (regionId <= 0 || storeId <= 0) {
            throw new IllegalArgumentException("region and store ids are positive: " + regionId + " " + storeId);
        }
    }

    abstract OperatorStep.Kind kind();

    @Override
    int run(final PdClient client, final PrintWriter out) {
        final long operatorId = client.addOperator(regionId, kind(), storeId);
        out.println(operatorLine(operatorId, regionId, kind(), storeId));
        return KvCommand.OK;
    }

    /** @return what a command that added an operator prints. */
    static String operatorLine(final long operatorId, final long regionId, final OperatorStep.Kind kind,
        final long storeId) {
        return "operator " + operatorId + " on region " + regionId + ": " + kind
            + (kind == OperatorStep.Kind.SPLIT ? "" : " store " + storeId)
            + " (PD runs it with the region's heartbeats; see tkv-ctl operators)";
    }

    /** {@code tkv-ctl add-peer REGION STORE [--learner]}. */
    @Command(name = "add-peer", description = "Ask PD to add a peer of a region on a store (admin).")
    static final class AddPeer extends PeerOperatorCommand {
        @Option(names = "--learner", description = "add a learner (no vote) rather than a voter")
        boolean learner;

        @Override
        OperatorStep.Kind kind() {
            return learner ? OperatorStep.Kind.ADD_LEARNER : OperatorStep.Kind.ADD_VOTER;
        }
    }

    /** {@code tkv-ctl remove-peer REGION STORE}. */
    @Command(name = "remove-peer", description = "Ask PD to remove a region's peer on a store (admin).")
    static final class RemovePeer extends PeerOperatorCommand {
        @Override
        OperatorStep.Kind kind() {
            return OperatorStep.Kind.REMOVE_PEER;
        }
    }
}
