package io.tkv.ops;

import io.tkv.client.RawKvClient;
import io.tkv.client.StoreStatus;
import io.tkv.client.TkvException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code tkv-ctl transfer-leader --to STORE}: finds the store that leads the region among those given with
 * {@code --endpoint}, asks it to hand leadership to the region's peer on {@code STORE}, and waits until that store
 * says it leads. Exit 0 once it does; 3 if no store leads, the leader refuses, or the transfer does not finish in
 * {@code --wait-ms} (a leader transfer is given up after an election timeout; the old leader then carries on).
 */
@Command(name = "transfer-leader", description = "Move a region's leadership to the given store, and wait for it.")
final class TransferLeaderCommand implements Callable<Integer> {
    private static final long POLL_MS = 50;

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Option(names = "--to", required = true, description = "the store that should lead")
    long toStoreId;

    @Option(names = "--region", defaultValue = "1", description = "the region (default ${DEFAULT-VALUE})")
    long regionId;

    @Option(names = "--wait-ms", defaultValue = "5000",
        description = "how long to wait for the new leader (default ${DEFAULT-VALUE})")
    long waitMs;

    @Override
    public Integer call() throws InterruptedException {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        try {
            final Map<Long, String> endpoints = new HashMap<>();
            final long leader = findLeader(endpoints);
            final String target = endpoints.get(toStoreId);
            if (leader == 0 || target == null) {
                err.println("tkv-ctl: " + (leader == 0 ? "no store leads region " + regionId
                    : "store " + toStoreId + " is not among the endpoints given"));
                err.flush();
                return KvCommand.FAILED;
            }
            final long startNs = System.nanoTime();
            if (leader != toStoreId) {
                try (RawKvClient client = connection.connect(List.of(endpoints.get(leader)))) {
                    client.transferLeader(regionId, toStoreId);
                }
            }
            final long deadline = startNs + TimeUnit.MILLISECONDS.toNanos(waitMs);
            try (RawKvClient client = connection.connect(List.of(target))) {
                while (!leads(client.storeStatus())) {
                    if (System.nanoTime() > deadline) {
                        err.println("tkv-ctl: store " + toStoreId + " does not lead region " + regionId + " after "
                            + waitMs + " ms (the transfer was given up or is still running)");
                        err.flush();
                        return KvCommand.FAILED;
                    }
                    TimeUnit.MILLISECONDS.sleep(POLL_MS);
                }
            }
            out.printf("store %d leads region %d (was store %d; %d ms)%n", toStoreId, regionId, leader,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
            out.flush();
            return KvCommand.OK;
        } catch (final TkvException | IOException ex) {
            err.println("tkv-ctl: " + ex.getMessage());
            err.flush();
            return KvCommand.FAILED;
        }
    }

    /** @return the store among the endpoints that says it leads the region, or 0; fills store id to endpoint. */
    private long findLeader(final Map<Long, String> endpoints) throws IOException {
        long leader = 0;
        for (final String endpoint : connection.endpoints()) {
            try {
                final StoreStatus status = connection.statusOf(endpoint);
                endpoints.put(status.storeId(), endpoint);
                if (leads(status)) {
                    leader = status.storeId();
                }
            } catch (final TkvException ex) {
                spec.commandLine().getErr().println("store ? " + endpoint + " unreachable: " + ex.getMessage());
            }
        }
        return leader;
    }

    private boolean leads(final StoreStatus status) {
        for (final StoreStatus.Region region : status.regions()) {
            if (region.regionId() == regionId && "LEADER".equals(region.role())) {
                return true;
            }
        }
        return false;
    }
}
