package io.tkv.server;

import io.tkv.server.config.ServerConfig;
import io.tkv.server.pd.PdNode;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code tkv-pd}: runs one Placement Driver member until SIGTERM or SIGINT. It takes the flags and the TOML file of
 * {@code tkv-server} ({@link TkvServer}), and PD's scheduling flags ({@link PdFlags}): {@code --store-id} is the
 * member id and {@code --initial-cluster} lists the PD members (id=host:port,...). Without {@code --config}, the
 * listen endpoint defaults to {@value #DEFAULT_LISTEN} and the data to {@value #DEFAULT_DATA_DIR}, so a PD and a store
 * started with defaults on one laptop do not collide. A main of the {@code server} module because a PD member is
 * wired from the store's parts (config, sessions and handshake, Raft log and transport, agents); the {@code pd}
 * module stays the deterministic core with no I/O.
 */
public final class PdServer {
    /** Printed once the member accepts clients; launchers and tests wait for it. */
    public static final String READY_LINE = "tkv-pd ready";
    /** The listen endpoint when neither a flag nor a config file names one. */
    public static final String DEFAULT_LISTEN = "127.0.0.1:2379";
    /** The data directory when neither a flag nor a config file names one. */
    public static final String DEFAULT_DATA_DIR = "./data-pd";

    private PdServer() {
    }

    /**
     * Entry point.
     *
     * @param args the flags of {@code tkv-server}.
     */
    public static void main(final String[] args) {
        final TkvServer options = new TkvServer();
        final PdFlags pdFlags = new PdFlags();
        final CommandLine commandLine = new CommandLine(options).setCommandName("tkv-pd");
        commandLine.addMixin("pd", pdFlags);
        try {
            commandLine.parseArgs(withDefaults(args));
            if (commandLine.isUsageHelpRequested()) {
                commandLine.usage(System.out);
                return;
            }
            final ServerConfig config = options.buildConfig();
            pdFlags.applyTo(config.pd());
            final PdNode node = PdNode.start(config);
            final Long exitWith = options.exitWithPid();
            if (exitWith != null) {
                // The member goes when its owner goes, even if the owner could not stop it (a killed test JVM).
                ProcessHandle.of(exitWith).ifPresentOrElse(
                    owner -> owner.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
            }
            run(node);
        } catch (final CommandLine.ParameterException ex) {
            System.err.println("tkv-pd: " + ex.getMessage());
            System.exit(2);
        } catch (final Exception ex) {
            System.err.println("tkv-pd: " + ex.getMessage());
            System.exit(1);
        }
    }

    private static void run(final PdNode node) throws InterruptedException {
        // SIGTERM / SIGINT run shutdown hooks; the JVM waits for this one, so the member closes cleanly.
        final CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            closed.countDown();
        }, "tkv-pd-shutdown"));
        final ServerConfig config = node.config();
        System.out.println(READY_LINE + ": member " + config.storeId() + " listening on " + config.listenEndpoint()
            + ", data in " + config.dataDir().toAbsolutePath() + ", members " + config.raft().initialCluster());
        System.out.flush();
        closed.await();
    }

    private static String[] withDefaults(final String[] args) {
        final List<String> all = new ArrayList<>(Arrays.asList(args));
        if (!has(all, "--config")) {
            if (!has(all, "--listen")) {
                all.add("--listen=" + DEFAULT_LISTEN);
            }
            if (!has(all, "--data-dir")) {
                all.add("--data-dir=" + DEFAULT_DATA_DIR);
            }
        }
        return all.toArray(new String[0]);
    }

    private static boolean has(final List<String> args, final String option) {
        for (final String arg : args) {
            if (arg.equals(option) || arg.startsWith(option + "=")) {
                return true;
            }
        }
        return false;
    }
}
