package io.tkv.ops;

import io.tkv.client.RawKvClient;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;

/**
 * {@code tkv-ctl fault}: fault drills on a store started with {@code raft.fault-injection = true} — cut its Raft
 * traffic to and from every other store or some of them, or heal it. The store named by {@code --endpoint} (the
 * first one, if a list) is the one changed.
 */
@Command(name = "fault", description = "Fault drills (stores with raft.fault-injection): isolate a store or heal it.")
final class FaultCommand extends KvCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    static final class Action {
        @Option(names = "--isolate-all", description = "drop all of the store's Raft traffic, both ways")
        boolean isolateAll;

        @Option(names = "--isolate", split = ",", description = "drop the store's Raft traffic with these stores")
        long[] stores;

        @Option(names = "--heal", description = "remove every fault")
        boolean heal;
    }

    @Override
    int run(final RawKvClient client, final PrintWriter out, final PrintWriter err) {
        client.admin().injectFault(action.isolateAll, action.stores == null ? new long[0] : action.stores);
        out.println("OK");
        return OK;
    }

    @Override
    List<String> stores() {
        return List.of(connection.endpoints().get(0));
    }
}
