package io.tkv.perf;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import io.tkv.storage.FsyncPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The load harness: runs YCSB-style workloads against tkv (a running store, or one started in this process) or a
 * peer (etcd, {@code --target etcd}) and, in the same run, against the RocksDB layer alone, and prints latency
 * percentiles (HdrHistogram) and the ratios.
 * <p>
 * Every combination of {@code --workload} and {@code --in-flight} is one run; the store, the client and the
 * baseline are set up once and shared by the runs. Tables and {@code RESULT}/{@code RATIO} lines go to stdout,
 * progress lines to stderr.
 */
@Command(name = "tkv-load", mixinStandardHelpOptions = true, version = "tkv-load 0.1.0", sortOptions = false,
    description = "Load harness: tkv (or etcd) against an in-process RocksDB baseline, HdrHistogram latencies.")
public final class LoadHarness implements Callable<Integer> {
    /** The system under test. */
    enum Target {
        /** tkv: a running store or cluster ({@code --endpoint}), or one started in this process. */
        TKV,
        /** etcd: running members ({@code --etcd-endpoints}), through its Java client. */
        ETCD
    }

    @Option(names = "--target", description = "the system under test: tkv or etcd (default tkv)")
    Target target = Target.TKV;

    @Option(names = "--etcd-endpoints", description = "with --target etcd: the members' client URLs, "
        + "http://host:port,http://host:port,...")
    String etcdEndpoints;

    @Option(names = "--endpoint",
        description = "host:port of a running store, or host:port,host:port,... of a cluster's stores")
    String endpoint;

    @Option(names = "--embedded", description = "start a store in this process (default when no --endpoint)")
    boolean embedded;

    @Option(names = "--secret", description = "the store's shared client secret (default: none)")
    String secret = "";

    @Option(names = "--workload", split = ",", description = "put, get, mixed or scan; a list runs each (default put)")
    List<Workload> workloads = new ArrayList<>(List.of(Workload.PUT));

    @Option(names = "--read-ratio", description = "share of gets in the mixed workload (default 0.5)")
    double readRatio = 0.5;

    @Option(names = "--key-size", description = "bytes per key (default 16)")
    int keySize = 16;

    @Option(names = "--value-size", description = "bytes per value (default 256)")
    int valueSize = 256;

    @Option(names = "--keys", description = "size of the key space (default 100000)")
    long keys = 100_000;

    @Option(names = "--distribution", description = "uniform or zipfian (default uniform)")
    KeyDistribution distribution = KeyDistribution.UNIFORM;

    @Option(names = "--mode", description = "closed (fixed in-flight) or open (fixed rate) loop (default closed)")
    LoopMode mode = LoopMode.CLOSED;

    @Option(names = "--in-flight", split = ",",
        description = "closed loop: requests outstanding; open loop: the most outstanding. A list runs each "
            + "(default 1; open loop 1024)")
    List<Integer> inFlights;

    @Option(names = "--rate", description = "open loop: requests per second")
    long rate;

    @Option(names = "--duration", description = "measured seconds per run (default 10)")
    double durationS = 10;

    @Option(names = "--warmup", description = "warm-up seconds per run, not measured (default 3)")
    double warmupS = 3;

    @Option(names = "--fsync", description = "sync, periodic or none: the embedded store's and the baseline's "
        + "policy (default sync)")
    String fsync = "sync";

    @Option(names = "--sync-interval-ms", description = "WAL sync interval under --fsync periodic (default 10)")
    long syncIntervalMs = 10;

    @Option(names = "--baseline", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "also run the workload against RocksDB in this process (default on; --no-baseline)")
    boolean baseline;

    @Option(names = "--scan-limit", description = "pairs per scan (default 10)")
    int scanLimit = 10;

    @Option(names = "--seed", description = "seed of the operation sequence (default 1)")
    long seed = 1;

    @Option(names = "--hgrm-dir", description = "write each histogram as <dir>/<run>-<target>.hgrm")
    Path hgrmDir;

    @Option(names = "--server-idle", description = "embedded store's agent idle strategy: backoff, yield, "
        + "sleep-us:N, ... (default: the store's)")
    String serverIdle;

    @Option(names = "--driver-idle", description = "embedded store's media driver idle strategy (default: the "
        + "store's)")
    String driverIdle;

    @Option(names = "--server-threading", description = "embedded store's threads.mode: shared, dedicated or invoker "
        + "(default: the store's)")
    String serverThreading;

    @Option(names = "--client-idle", description = "client poller's idle strategy (default: the client's)")
    String clientIdle;

    @Option(names = "--share-driver", description = "with --embedded: the client uses the store's media driver "
        + "instead of starting its own (one driver thread less; requests still travel over UDP)")
    boolean shareDriver;

    @Option(names = "--request-timeout-ms", description = "client request timeout (default 5000)")
    long requestTimeoutMs = 5_000;

    @Option(names = "--no-progress", description = "no progress lines on stderr")
    boolean noProgress;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;
    private final List<String> resultLines = new ArrayList<>();

    /** Prints to the process's stdout and stderr. */
    public LoadHarness() {
        this(System.out, System.err);
    }

    LoadHarness(final PrintStream out, final PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * @param args command-line arguments; {@code --help} lists them.
     */
    public static void main(final String[] args) {
        System.exit(new CommandLine(new LoadHarness()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    /**
     * @return the {@code RESULT} and {@code RATIO} lines printed so far (for tests).
     */
    List<String> resultLines() {
        return resultLines;
    }

    @Override
    public Integer call() throws Exception {
        final FsyncPolicy fsyncPolicy = parseFsync(fsync);
        validate();
        final KeySpace keySpace = new KeySpace(keys, keySize);
        final byte[] value = new byte[valueSize];
        new SplittableRandom(seed).nextBytes(value);
        if (hgrmDir != null) {
            Files.createDirectories(hgrmDir);
        }

        EmbeddedStore store = null;
        LoadTarget subject = null;
        LoadTarget base = null;
        try {
            if (target == Target.ETCD) {
                subject = EtcdTarget.connect(etcdEndpoints, requestTimeoutMs);
            } else {
                final String tkvEndpoint;
                if (endpoint != null) {
                    tkvEndpoint = endpoint;
                } else {
                    err.println("starting an embedded store (fsync " + fsync + ")");
                    store = EmbeddedStore.start(fsyncPolicy, syncIntervalMs, secret, serverIdle, driverIdle,
                        serverThreading);
                    tkvEndpoint = store.endpoint();
                }
                subject = TkvTarget.connect(tkvEndpoint, secret, requestTimeoutMs, clientIdle,
                    shareDriver && store != null ? store.aeronDir() : null);
            }
            if (baseline) {
                base = new BaselineTarget(fsyncPolicy, syncIntervalMs);
            }
            runAll(keySpace, value, subject, base);
            return 0;
        } finally {
            closeQuietly(subject);
            closeQuietly(base);
            closeQuietly(store);
        }
    }

    private void runAll(final KeySpace keySpace, final byte[] value, final LoadTarget subject, final LoadTarget base)
        throws IOException {
        boolean preloaded = false;
        for (final Workload workload : workloads) {
            if (workload.needsPreload() && !preloaded) {
                preload(subject, keySpace, value);
                if (base != null) {
                    preload(base, keySpace, value);
                }
                preloaded = true;
            }
            for (final int inFlight : inFlights) {
                final RunDescription description = new RunDescription(workload, readRatio, mode, inFlight,
                    mode == LoopMode.OPEN ? rate : 0, keySize, valueSize, keys, distribution,
                    fsync.toLowerCase(Locale.ROOT));
                final RunPlan plan = RunPlan.of(description, warmupS, durationS, scanLimit, seed, !noProgress);
                final List<RunResult> results = new ArrayList<>(2);
                err.println("run " + description.fields() + " against " + subject.name());
                results.add(subject.run(plan, keySpace, value, err));
                if (base != null) {
                    err.println("run " + description.fields() + " against " + base.name());
                    results.add(base.run(plan, keySpace, value, err));
                }
                report(description, results);
            }
        }
    }

    private void preload(final LoadTarget target, final KeySpace keySpace, final byte[] value) {
        final long startNs = System.nanoTime();
        target.preload(keySpace, value);
        err.printf(Locale.ROOT, "preloaded %d keys into %s in %.1f s%n", keySpace.keys(), target.name(),
            (System.nanoTime() - startNs) / 1e9);
    }

    private void report(final RunDescription description, final List<RunResult> results) throws IOException {
        out.print(ResultTable.table(description, results));
        for (final RunResult result : results) {
            final String line = ResultTable.resultLine(description, result);
            resultLines.add(line);
            out.println(line);
            if (hgrmDir != null) {
                writeHgrm(description, result);
            }
        }
        if (results.size() >= 2) {
            final String line = ResultTable.ratioLine(description, results.get(0), results.get(1));
            resultLines.add(line);
            out.println(line);
        }
        out.println();
        out.flush();
    }

    private void writeHgrm(final RunDescription description, final RunResult result) throws IOException {
        final Path file = hgrmDir.resolve(description.label() + '-' + result.target() + ".hgrm");
        try (PrintStream stream = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            // Scaled to microseconds, as the tables are.
            result.histogram().outputPercentileDistribution(stream, 1_000.0);
        }
        err.println("wrote " + file);
    }

    private void validate() {
        if (endpoint != null && embedded) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--endpoint and --embedded exclude each other");
        }
        if (target == Target.ETCD) {
            require(etcdEndpoints != null, "--target etcd needs --etcd-endpoints");
            require(endpoint == null && !embedded && !shareDriver,
                "--endpoint, --embedded and --share-driver are tkv's: not with --target etcd");
            try {
                EtcdEndpoints.parse(etcdEndpoints);
            } catch (final IllegalArgumentException ex) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--etcd-endpoints: " + ex.getMessage());
            }
        } else {
            require(etcdEndpoints == null, "--etcd-endpoints needs --target etcd");
        }
        if (inFlights == null || inFlights.isEmpty()) {
            inFlights = List.of(mode == LoopMode.OPEN ? 1024 : 1);
        }
        for (final int inFlight : inFlights) {
            require(inFlight >= 1, "--in-flight must be >= 1");
        }
        require(mode != LoopMode.OPEN || rate >= 1, "--mode open needs --rate >= 1");
        require(!shareDriver || endpoint == null, "--share-driver needs --embedded");
        require(valueSize >= 0, "--value-size must be >= 0");
        require(scanLimit >= 1, "--scan-limit must be >= 1");
        require(durationS > 0, "--duration must be > 0");
        require(warmupS >= 0, "--warmup must be >= 0");
        require(readRatio >= 0 && readRatio <= 1, "--read-ratio must be in [0, 1]");
        require(syncIntervalMs >= 1, "--sync-interval-ms must be >= 1");
        require(requestTimeoutMs >= 1, "--request-timeout-ms must be >= 1");
    }

    private void require(final boolean condition, final String message) {
        if (!condition) {
            throw new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }

    static FsyncPolicy parseFsync(final String name) {
        try {
            return FsyncPolicy.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException ex) {
            throw new IllegalArgumentException("--fsync must be sync, periodic or none, was '" + name + "'", ex);
        }
    }

    private void closeQuietly(final AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (final Exception ex) {
            err.println("warning: error while closing " + closeable + ": " + ex);
        }
    }
}
