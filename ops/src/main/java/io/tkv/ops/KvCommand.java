package io.tkv.ops;

import io.tkv.client.PdClient;
import io.tkv.client.RawKvClient;
import io.tkv.client.TkvException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A ctl command that talks to a store. Exit codes: 0 done, 1 the answer is "no" (key not found, CAS not
 * swapped), 2 bad usage, 3 the store refused or could not be reached.
 */
abstract class KvCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int NO = 1;
    static final int USAGE = 2;
    static final int FAILED = 3;

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        try {
            check();
        } catch (final IllegalArgumentException ex) {
            err.println("tkv-ctl: " + ex.getMessage());
            return USAGE;
        }
        final String pd = pdMembers();
        if (pd != null) {
            try (PdClient client = connection.connectPd(pd)) {
                final int code = runPd(client, out);
                out.flush();
                return code;
            } catch (final TkvException ex) {
                err.println(TkvCtl.errorLine(ex));
                return FAILED;
            } catch (final IllegalArgumentException ex) {
                err.println("tkv-ctl: " + ex.getMessage());
                return USAGE;
            }
        }
        try (RawKvClient client = connection.connect(stores())) {
            final int code = run(client, out, err);
            out.flush();
            return code;
        } catch (final TkvException ex) {
            err.println(TkvCtl.errorLine(ex));
            return FAILED;
        } catch (final IllegalArgumentException ex) {
            err.println("tkv-ctl: " + ex.getMessage());
            return USAGE;
        }
    }

    abstract int run(RawKvClient client, PrintWriter out, PrintWriter err) throws Exception;

    /** Checks the arguments before anything is asked; throws IllegalArgumentException (exit 2) for bad ones. */
    void check() {
    }

    /** @return PD's members when the command was told to go through PD ({@code --pd}), else null: the stores. */
    String pdMembers() {
        return null;
    }

    /** Runs the command through PD; only commands whose {@link #pdMembers()} can be set have it. */
    int runPd(final PdClient client, final PrintWriter out) {
        throw new UnsupportedOperationException("no PD variant of " + spec.name());
    }

    /** @return the stores to talk to: every one given (the client follows the leader among them). */
    List<String> stores() {
        return connection.endpoints();
    }
}
