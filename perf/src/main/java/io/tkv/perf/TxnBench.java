package io.tkv.perf;

import io.tkv.client.ClientConfig;
import io.tkv.client.ErrorCode;
import io.tkv.client.KvPair;
import io.tkv.client.RegionInfo;
import io.tkv.client.TkvException;
import io.tkv.client.txn.CommitKind;
import io.tkv.client.txn.Transaction;
import io.tkv.client.txn.TxnConfig;
import io.tkv.client.txn.TxnKv;
import io.tkv.client.txn.TxnKvClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Transaction latency and throughput against a running PD and stores ({@code perf/bin/bench-txn} starts them), side
 * by side in one run. Region 1 is split once ({@link TxnKeys}); then, at each concurrency, closed loops of
 * <ul>
 *   <li>{@code tso}: one TSO call (the start ts every transaction begins with), for reference;</li>
 *   <li>{@code raw-put}: a RawKV batch put of the same two keys (one Raft write, no TSO, no MVCC), for reference:
 *   what a 1PC transaction adds to the write it ends in is {@code 1pc} minus this row;</li>
 *   <li>{@code 1pc}: begin + 2 puts in one region + commit, 1PC and async commit on (the client's default);</li>
 *   <li>{@code async}: the same with the keys in two regions (1PC cannot apply: async commit);</li>
 *   <li>{@code 2pc}: two regions, async commit and 1PC off;</li>
 * </ul>
 * with ratios async/1pc and 2pc/1pc; then a conflict-heavy read-modify-write workload ({@code zipf-rmw}: two keys
 * drawn from a scrambled Zipfian over a small key space, read both, write both back, commit; default config) whose
 * failures are counted by reason. Before the measured rows the stores are loaded unmeasured for {@code --prewarm}
 * seconds with the 1pc workload, so the rows measure compiled code (see perf/README.md on JIT warm-up).
 *
 * <pre>
 *   usage: TxnBench --pd HOST:PORT --stores HOST:PORT,... --admin-secret-file FILE [--seconds 10] [--warmup 3]
 *          [--prewarm 10] [--in-flight 1,64] [--zipf-in-flight 64] [--zipf-keys 1000] [--zipf-theta 0.99]
 * </pre>
 */
public final class TxnBench {
    /** The new region's id and its peers' ids: far above what PD hands out to a fresh cluster. */
    private static final long NEW_REGION_ID = 5_000;
    private static final long SPLIT_TIMEOUT_MS = 60_000;
    private static final long REQUEST_TIMEOUT_MS = 10_000;

    private String pd;
    private List<String> stores;
    private Path adminSecretFile;
    private long seconds = 10;
    private long warmup = 3;
    private long prewarm = 10;
    private int[] inFlight = {1, 64};
    private int zipfInFlight = 64;
    private int zipfKeys = 1_000;
    private double zipfTheta = ZipfianGenerator.DEFAULT_THETA;

    private TxnBench() {
    }

    public static void main(final String[] args) throws Exception {
        final TxnBench bench = new TxnBench();
        try {
            bench.parse(args);
        } catch (final IllegalArgumentException ex) {
            System.err.println("TxnBench: " + ex.getMessage());
            System.err.println("usage: TxnBench --pd HOST:PORT --stores HOST:PORT,... --admin-secret-file FILE "
                + "[--seconds 10] [--warmup 3] [--prewarm 10] [--in-flight 1,64] [--zipf-in-flight 64] "
                + "[--zipf-keys 1000] [--zipf-theta 0.99]");
            System.exit(2);
        }
        bench.run();
    }

    private void parse(final String[] args) {
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            final String value = args[i + 1];
            switch (args[i]) {
                case "--pd" -> pd = value;
                case "--stores" -> stores = List.of(value.split(","));
                case "--admin-secret-file" -> adminSecretFile = Path.of(value);
                case "--seconds" -> seconds = positive(args[i], Long.parseLong(value));
                case "--warmup" -> warmup = Long.parseLong(value);
                case "--prewarm" -> prewarm = Long.parseLong(value);
                case "--in-flight" -> inFlight = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt)
                    .map(n -> (int)positive("--in-flight", n)).toArray();
                case "--zipf-in-flight" -> zipfInFlight = (int)positive(args[i], Integer.parseInt(value));
                case "--zipf-keys" -> zipfKeys = (int)positive(args[i], Integer.parseInt(value));
                case "--zipf-theta" -> zipfTheta = Double.parseDouble(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (pd == null || stores == null || adminSecretFile == null) {
            throw new IllegalArgumentException("--pd, --stores and --admin-secret-file are required");
        }
        if (zipfKeys < 2 || warmup < 0 || prewarm < 0) {
            throw new IllegalArgumentException("--zipf-keys at least 2, --warmup and --prewarm not negative");
        }
    }

    private static long positive(final String option, final long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be positive, not " + value);
        }
        return value;
    }

    private void run() throws Exception {
        split(Files.readString(adminSecretFile, StandardCharsets.UTF_8).trim());
        final List<TxnReport.Row> rows = new ArrayList<>();
        final TxnReport.Row zipf;
        try (TxnKv kv = connect("txn-bench", new TxnConfig())) {
            final TxnKvClient client = kv.client();
            if (prewarm > 0) {
                System.err.printf(Locale.ROOT, "warming the stores up: 1pc at 64 in flight for %d s (not measured)%n",
                    prewarm);
                TxnLoop.run((worker, seq) -> twoPuts(client, false, worker, seq), 64, 0, prewarm * 1_000);
            }
            for (final int n : inFlight) {
                rows.add(row("tso", 0, n, (worker, seq) -> {
                    client.timestamp();
                    return null;
                }));
                rows.add(row("raw-put", 1, n, (worker, seq) -> {
                    final byte[][] keys = TxnKeys.pair(false, worker, seq);
                    kv.stores().batchPut(List.of(new KvPair(keys[0], keys[1]), new KvPair(keys[1], keys[0])));
                    return null;
                }));
                rows.add(row("1pc", 1, n, (worker, seq) -> twoPuts(client, false, worker, seq)));
                rows.add(row("async", 2, n, (worker, seq) -> twoPuts(client, true, worker, seq)));
            }
            final ZipfianGenerator[] generators = new ZipfianGenerator[zipfInFlight];
            for (int i = 0; i < generators.length; i++) {
                generators[i] = new ZipfianGenerator(zipfKeys, zipfTheta, true, i + 1);
            }
            zipf = row("zipf-rmw", 1, zipfInFlight, (worker, seq) -> readModifyWrite(client, generators[worker]));
        }
        try (TxnKv kv = connect("txn-bench-2pc", new TxnConfig().asyncCommit(false).onePc(false))) {
            for (final int n : inFlight) {
                rows.add(row("2pc", 2, n, (worker, seq) -> twoPuts(kv.client(), true, worker, seq)));
            }
        }
        report(rows, zipf);
    }

    private TxnReport.Row row(final String name, final int regions, final int n, final TxnLoop.Op op)
        throws InterruptedException {
        System.err.printf(Locale.ROOT, "%s at %d in flight: %d s warm-up, %d s measured%n", name, n, warmup, seconds);
        final TxnReport.Row row = new TxnReport.Row(name, regions, n, TxnLoop.run(op, n, warmup * 1_000,
            seconds * 1_000));
        System.err.println(TxnReport.resultLine(row));
        return row;
    }

    private void report(final List<TxnReport.Row> rows, final TxnReport.Row zipf) {
        final List<TxnReport.Row> all = new ArrayList<>();
        for (final int n : inFlight) {
            rows.stream().filter(row -> row.inFlight() == n).forEach(all::add);
        }
        all.add(zipf);
        System.out.println();
        System.out.printf(Locale.ROOT, "transactions of 2 puts, 3 replicas; %d s per row after %d s warm-up; "
            + "zipf-rmw: %d keys, theta %.2f%n", seconds, warmup, zipfKeys, zipfTheta);
        System.out.print(TxnReport.table(all));
        System.out.printf(Locale.ROOT, "zipf-rmw: %.1f commits/s, %.1f aborts/s%n", zipf.outcome().okPerS(),
            zipf.outcome().failed() / zipf.outcome().measuredS());
        for (final TxnReport.Row row : all) {
            System.out.println(TxnReport.resultLine(row));
        }
        for (final int n : inFlight) {
            final TxnReport.Row onePc = find(all, "1pc", n);
            System.out.println(TxnReport.ratioLine(find(all, "async", n), onePc));
            System.out.println(TxnReport.ratioLine(find(all, "2pc", n), onePc));
        }
    }

    private static TxnReport.Row find(final List<TxnReport.Row> rows, final String name, final int n) {
        return rows.stream().filter(row -> row.name().equals(name) && row.inFlight() == n).findFirst().orElseThrow();
    }

    /** One measured transaction: begin (a TSO call), two puts, commit. */
    private static CommitKind twoPuts(final TxnKvClient client, final boolean twoRegions,
        final int worker, final long seq) {
        final byte[][] keys = TxnKeys.pair(twoRegions, worker, seq);
        try (Transaction txn = client.begin()) {
            txn.put(keys[0], keys[1]);
            txn.put(keys[1], keys[0]);
            txn.commit();
            return txn.commitKind();
        }
    }

    /** Reads two distinct hot keys and writes them back incremented: conflicts with whoever wrote them meanwhile. */
    private static CommitKind readModifyWrite(final TxnKvClient client,
        final ZipfianGenerator zipf) {
        final long first = zipf.nextIndex();
        long second = zipf.nextIndex();
        while (second == first) {
            second = zipf.nextIndex();
        }
        try (Transaction txn = client.begin()) {
            for (final long index : new long[] {first, second}) {
                final byte[] key = TxnKeys.zipf(index);
                final byte[] old = txn.get(key);
                final long value = old == null ? 0 : Long.parseLong(new String(old, StandardCharsets.US_ASCII));
                txn.put(key, Long.toString(value + 1).getBytes(StandardCharsets.US_ASCII));
            }
            txn.commit();
            return txn.commitKind();
        }
    }

    /** Splits region 1 at {@link TxnKeys#SPLIT_KEY}, retrying while its leader is elected. */
    private void split(final String adminSecret) throws InterruptedException {
        final long startNs = System.nanoTime();
        final long deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(SPLIT_TIMEOUT_MS);
        final byte[] at = TxnKeys.SPLIT_KEY.getBytes(StandardCharsets.US_ASCII);
        try (TxnKv admin = connect("txn-bench-admin", new TxnConfig(), adminSecret)) {
            while (true) {
                try {
                    final List<RegionInfo> halves = admin.rpc().splitRegion(1, 1, 1, at, NEW_REGION_ID,
                        NEW_REGION_ID * 10 + 1, NEW_REGION_ID * 10 + 2, NEW_REGION_ID * 10 + 3)
                        .get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    System.err.printf(Locale.ROOT, "SPLIT regions=%s seconds=%.1f%n",
                        halves.stream().map(r -> Long.toString(r.regionId())).toList(),
                        (System.nanoTime() - startNs) / 1e9);
                    return;
                } catch (final ExecutionException | TimeoutException ex) {
                    // A split resent after a lost answer may have applied: the refusal then names the new region.
                    if (ex.getCause() instanceof TkvException tkv && tkv.code() == ErrorCode.EPOCH_NOT_MATCH
                        && tkv.regions().stream().anyMatch(r -> r.regionId() == NEW_REGION_ID)) {
                        return;
                    }
                    if (System.nanoTime() - deadlineNs > 0) {
                        throw new IllegalStateException("region 1 not split at " + TxnKeys.SPLIT_KEY, ex);
                    }
                    TimeUnit.MILLISECONDS.sleep(100);
                }
            }
        }
    }

    private TxnKv connect(final String name, final TxnConfig config) {
        return connect(name, config, "");
    }

    private TxnKv connect(final String name, final TxnConfig config, final String secret) {
        final String client = name + "-" + ProcessHandle.current().pid();
        return TxnKv.connect(
            new ClientConfig().storeEndpoints(stores).clientName(client).secret(secret)
                .requestTimeoutMs(REQUEST_TIMEOUT_MS).connectTimeoutMs(30_000),
            new ClientConfig().storeEndpoints(pd).clientName(client + "-tso").requestTimeoutMs(REQUEST_TIMEOUT_MS)
                .connectTimeoutMs(30_000),
            config);
    }
}
