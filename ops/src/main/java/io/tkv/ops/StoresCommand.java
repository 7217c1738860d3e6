package io.tkv.ops;

import io.tkv.client.PdClient;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code tkv-ctl stores --pd host:port}: every store PD knows, as an aligned table: id, state (UP, DISCONNECTED,
 * DOWN, OFFLINE, TOMBSTONE), address, labels, how many regions it holds a peer of and leads, and PD's time of its
 * last heartbeat with how long ago that was.
 */
@Command(name = "stores", description = "Every store PD knows: id, state, address, labels, regions, leaders, "
    + "last heartbeat.")
final class StoresCommand extends PdAdminCommand {
    @Override
    int run(final PdClient client, final PrintWriter out) {
        PdFormat.stores(client.stores(), System.currentTimeMillis()).forEach(out::println);
        return KvCommand.OK;
    }
}
