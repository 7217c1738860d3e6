package io.tkv.ops;

import io.tkv.client.PdClient;
import io.tkv.client.TkvException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * A ctl command that talks to PD ({@code --pd}, default 127.0.0.1:2379). Exit codes as every ctl command: 0 done,
 * 2 bad usage, 3 PD refused or could not be reached. Commands that change something (schedulers, operators) need the
 * admin secret ({@code --secret-file}).
 */
abstract class PdAdminCommand implements Callable<Integer> {
    @Mixin
    PdOptions pd;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        try {
            check();
        } catch (final IllegalArgumentException ex) {
            err.println("tkv-ctl: " + ex.getMessage());
            err.flush();
            return KvCommand.USAGE;
        }
        try (PdClient client = pd.connect()) {
            final int code = run(client, out);
            out.flush();
            return code;
        } catch (final TkvException ex) {
            err.println(TkvCtl.errorLine(ex));
            err.flush();
            return KvCommand.FAILED;
        } catch (final IOException ex) {
            err.println("tkv-ctl: " + ex.getMessage());
            err.flush();
            return KvCommand.FAILED;
        }
    }

    /** Checks the arguments before PD is asked; throws IllegalArgumentException (exit 2) for bad ones. */
    void check() {
    }

    abstract int run(PdClient client, PrintWriter out);
}
