package io.tkv.ops;

import io.tkv.client.TkvException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.concurrent.CompletionException;

/** {@code tkv-ctl}: talk to a running store from a shell. */
@Command(name = "tkv-ctl", mixinStandardHelpOptions = true, version = "tkv-ctl 0.1.0",
    description = "Read and write a running tkv store; look at and steer PD (--pd).",
    subcommands = {Commands.Put.class, Commands.Get.class, Commands.Delete.class, Commands.DeleteRange.class,
        Commands.Scan.class, Commands.Cas.class, LoadCommand.class, StatusCommand.class, FaultCommand.class,
        TransferLeaderCommand.class, ChecksumCommand.class, SplitCommand.class, ChangePeerCommand.class,
        RegionsCommand.class, TsoCommand.class, PdCommand.class, StoresCommand.class, RegionCommand.class,
        OperatorsCommand.class, SchedulerCommand.class, PeerOperatorCommand.AddPeer.class,
        PeerOperatorCommand.RemovePeer.class, GcCommand.class})
public final class TkvCtl implements Runnable {
    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing command (try --help)");
    }

    /**
     * Runs a ctl command line.
     *
     * @param args the arguments.
     * @return the exit code.
     */
    public static int execute(final String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /**
     * Runs a ctl command line with its output going to the given writers.
     *
     * @return the exit code.
     */
    public static int execute(final PrintWriter out, final PrintWriter err, final String... args) {
        final CommandLine commandLine = new CommandLine(new TkvCtl()).setOut(out).setErr(err);
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            final Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
            cmd.getErr().println(errorLine(cause));
            return KvCommand.FAILED;
        });
        return commandLine.execute(args);
    }

    /**
     * The line a failed command prints: {@code tkv-ctl: CODE: detail} for a {@link TkvException} (its message
     * starts with its code already: the code is said once), else {@code tkv-ctl: } and the exception.
     *
     * @param failure why the command failed.
     * @return the line, without a newline.
     */
    static String errorLine(final Throwable failure) {
        if (!(failure instanceof TkvException)) {
            return "tkv-ctl: " + failure;
        }
        final String code = ((TkvException)failure).code().name();
        final String message = failure.getMessage() == null ? "" : failure.getMessage();
        if (message.startsWith(code)) {
            return "tkv-ctl: " + message;
        }
        return "tkv-ctl: " + code + (message.isEmpty() ? "" : ": " + message);
    }

    /**
     * Entry point.
     *
     * @param args the arguments.
     */
    public static void main(final String[] args) {
        System.exit(execute(args));
    }
}
