package io.tkv.ops;

import io.tkv.client.OperatorStep;
import io.tkv.client.PdClient;
import io.tkv.client.RawKvClient;
import io.tkv.client.StoreStatus;
import io.tkv.client.TkvException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code tkv-ctl transfer-leader REGION STORE} (or {@code --region N --to STORE}): finds the store that leads the
 * region among those given with {@code --endpoint}, asks it to hand leadership to the region's peer on
 * {@code STORE}, and waits until that store says it leads. Exit 0 once it does; 3 if no store leads, the leader
 * refuses, or the transfer does not finish in {@code --wait-ms} (a leader transfer is given up after an election
 * timeout; the old leader then carries on).
 *
 * <p>With {@code --pd host:port} it asks PD for a TRANSFER_LEADER operator instead (admin secret needed), prints
 * its id and returns: PD has the region's leader run it with its next heartbeat.
 */
@Command(name = "transfer-leader", description = "Move a region's leadership to the given store, and wait for it.")
final class TransferLeaderCommand implements Callable<Integer> {
    private static final long POLL_MS = 50;

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", description = "the region (or --region)")
    Long regionArg;

    @Parameters(index = "1", arity = "0..1", description = "the store that should lead (or --to)")
    Long storeArg;

    @Option(names = "--to", description = "the store that should lead")
    Long toOption;

    @Option(names = "--region", defaultValue = "1", description = "the region (default ${DEFAULT-VALUE})")
    long regionOption;

    @Option(names = "--pd", description = "PD members host:port,...: ask PD for a transfer-leader operator")
    String pd;

    private long regionId;
    private long toStoreId;

    @Option(names = "--wait-ms", defaultValue = "5000",
        description = "how long to wait for the new leader (default ${DEFAULT-VALUE})")
    long waitMs;

    @Override
    public Integer call() throws InterruptedException {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        regionId = regionArg != null ? regionArg : regionOption;
        if (storeArg == null && toOption == null || storeArg != null && toOption != null) {
            err.println("tkv-ctl: transfer-leader takes the store as REGION STORE or as --to STORE, once");
            err.flush();
            return KvCommand.USAGE;
        }
        toStoreId = storeArg != null ? storeArg : toOption;
        if (pd != null) {
            return viaPd(out, err);
        }
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
                    client.admin().transferLeader(regionId, toStoreId);
                }
            }
            final long deadline = startNs + TimeUnit.MILLISECONDS.toNanos(waitMs);
            try (RawKvClient client = connection.connect(List.of(target))) {
                while (!leads(client.admin().storeStatus())) {
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

    private int viaPd(final PrintWriter out, final PrintWriter err) {
        try (PdClient client = connection.connectPd(pd)) {
            final long operatorId = client.addOperator(regionId, OperatorStep.Kind.TRANSFER_LEADER, toStoreId);
            out.println(PeerOperatorCommand.operatorLine(operatorId, regionId, OperatorStep.Kind.TRANSFER_LEADER,
                toStoreId));
            out.flush();
            return KvCommand.OK;
        } catch (final TkvException | IOException ex) {
            err.println(ex instanceof TkvException ? TkvCtl.errorLine(ex) : "tkv-ctl: " + ex.getMessage());
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
