package io.tkv.ops;

import io.tkv.client.RawKvClient;
import io.tkv.client.RegionChecksum;
import io.tkv.client.TkvException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code tkv-ctl checksum}: asks each store given with {@code --endpoint} for a hash over a region's applied state
 * (admin) and compares them. Replicas are compared only at the same applied index: the command asks again until
 * every store reports the same one (writes still arriving move it), for up to {@code --wait-ms}. Exit 0 when all
 * agree, 3 when they differ at the same index — the state machine is not a pure function of the log — or a store
 * could not be asked, or they never reached one index.
 */
@Command(name = "checksum", description = "Compare a region's state across stores (admin): a hash at one applied "
    + "index per store.")
final class ChecksumCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Option(names = "--region", description = "region id (default ${DEFAULT-VALUE})", defaultValue = "1")
    long regionId;

    @Option(names = "--wait-ms", description = "how long to wait for every store to reach one applied index "
        + "(default ${DEFAULT-VALUE})", defaultValue = "10000")
    long waitMs;

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final List<String> endpoints = connection.endpoints();
        final List<RawKvClient> clients = new ArrayList<>();
        try {
            for (final String endpoint : endpoints) {
                clients.add(connection.connect(List.of(endpoint)));
            }
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
            List<RegionChecksum> sums = ask(clients);
            while (!sameIndex(sums) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
                sums = ask(clients);
            }
            for (int i = 0; i < sums.size(); i++) {
                final RegionChecksum sum = sums.get(i);
                out.printf("store %s region %d applied %d checksum %016x keys %d%n", endpoints.get(i),
                    sum.regionId(), sum.appliedIndex(), sum.checksum(), sum.keys());
            }
            if (!sameIndex(sums)) {
                err.println("tkv-ctl: the stores did not reach one applied index within " + waitMs + " ms");
                return KvCommand.FAILED;
            }
            for (final RegionChecksum sum : sums) {
                if (sum.checksum() != sums.get(0).checksum()) {
                    err.println("tkv-ctl: MISMATCH: the stores hold different states at applied index "
                        + sum.appliedIndex());
                    return KvCommand.FAILED;
                }
            }
            out.println("consistent: " + sums.size() + " stores at applied index " + sums.get(0).appliedIndex());
            return KvCommand.OK;
        } catch (final TkvException | IOException ex) {
            err.println("tkv-ctl: " + ex.getMessage());
            return KvCommand.FAILED;
        } finally {
            for (final RawKvClient client : clients) {
                client.close();
            }
            out.flush();
        }
    }

    private List<RegionChecksum> ask(final List<RawKvClient> clients) {
        final List<RegionChecksum> sums = new ArrayList<>(clients.size());
        for (final RawKvClient client : clients) {
            sums.add(client.admin().regionChecksum(regionId));
        }
        return sums;
    }

    private static boolean sameIndex(final List<RegionChecksum> sums) {
        for (final RegionChecksum sum : sums) {
            if (sum.appliedIndex() != sums.get(0).appliedIndex()) {
                return false;
            }
        }
        return true;
    }
}
