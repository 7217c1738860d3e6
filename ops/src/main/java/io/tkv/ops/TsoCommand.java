package io.tkv.ops;

import io.tkv.client.PdClient;
import io.tkv.client.TkvException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code tkv-ctl tso}: asks PD's leader for timestamps and prints each as {@code ts<TAB>physical_ms<TAB>logical
 * <TAB>physical as UTC}. Exit 0, or 3 if PD could not be reached or refused.
 */
@Command(name = "tso", description = "Get timestamps from PD's TSO (ts, physical ms, logical, UTC).")
final class TsoCommand implements Callable<Integer> {
    @Mixin
    PdOptions pd;

    @Spec
    CommandSpec spec;

    @Option(names = "--count", defaultValue = "1", description = "how many timestamps (default ${DEFAULT-VALUE})")
    int count;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (count < 1 || count > 100_000) {
            err.println("tkv-ctl: --count " + count + " outside [1, 100000]");
            err.flush();
            return KvCommand.USAGE;
        }
        try (PdClient client = pd.connect()) {
            for (int i = 0; i < count; i++) {
                final long ts = client.getTimestamp();
                final long physical = ts >>> 18;
                out.printf("%d\t%d\t%d\t%s%n", ts, physical, ts & ((1 << 18) - 1), Instant.ofEpochMilli(physical));
            }
            out.flush();
            return KvCommand.OK;
        } catch (final TkvException | IOException ex) {
            err.println("tkv-ctl: " + ex.getMessage());
            err.flush();
            return KvCommand.FAILED;
        }
    }
}
