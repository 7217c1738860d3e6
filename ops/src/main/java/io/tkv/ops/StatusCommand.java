package io.tkv.ops;

import io.tkv.client.StoreStatus;
import io.tkv.client.TkvException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code tkv-ctl status}: asks each store given with {@code --endpoint} (a list for a cluster) for its replication
 * status and prints one line per store and region: role, term, leader, commit and applied index, the log's range
 * and size; then one line per store of what it refused from the network between stores (frames failing
 * authentication, replayed, from non-members). Exit 3 if a store could not be reached or has failed. An admin request:
 * give the admin secret ({@code --secret-file}).
 */
@Command(name = "status", description = "Per store: role, term, leader, commit, applied, log range and size.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        int code = KvCommand.OK;
        for (final String endpoint : connection.endpoints()) {
            try {
                final StoreStatus status = connection.statusOf(endpoint);
                for (final StoreStatus.Region region : status.regions()) {
                    out.printf("store %d %s region %d peer %d %-13s term %d leader %s commit %d applied %d "
                            + "log %d..%d %s in %d files, %d syncs%s%n",
                        status.storeId(), endpoint, region.regionId(), region.peerId(), region.role(), region.term(),
                        region.leaderStoreId() == 0 ? "none" : "store " + region.leaderStoreId(),
                        region.commitIndex(), region.appliedIndex(), region.firstIndex(), region.lastIndex(),
                        bytes(status.logBytes()), status.logCycleFiles(), status.logSyncs(),
                        status.failure().isEmpty() ? "" : "  FAILED: " + status.failure());
                }
                final StoreStatus.Refused refused = status.refused();
                out.printf("store %d %s refused from other stores: %d frames unauthenticated, %d replayed, %d from "
                        + "non-members; %d raft messages from non-members%n", status.storeId(), endpoint,
                    refused.unauthenticated(), refused.replayed(), refused.notMember(), refused.raftNotMember());
                if (!status.failure().isEmpty()) {
                    code = KvCommand.FAILED;
                }
            } catch (final TkvException ex) {
                // Unreachable (TIMEOUT) or refused (UNAUTHENTICATED without the admin secret): the code says which.
                err.println("store ? " + endpoint + ": " + ex.getMessage());
                code = KvCommand.FAILED;
            } catch (final IOException ex) {
                err.println("store ? " + endpoint + " unreachable: " + ex.getMessage());
                code = KvCommand.FAILED;
            }
        }
        out.flush();
        return code;
    }

    private static String bytes(final long bytes) {
        if (bytes >= 1 << 20) {
            return String.format("%.1f MiB", bytes / (double)(1 << 20));
        }
        return bytes >= 1 << 10 ? String.format("%.1f KiB", bytes / 1024.0) : bytes + " B";
    }
}
