package io.tkv.ops;

import io.tkv.client.KvPair;
import io.tkv.client.RawKvClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Bulk load: one {@code key<TAB>value} pair per line, sent as batch puts with several batches in flight.
 * Stops at the first bad line (nothing after it is sent) or the first failed batch, and says how far it got.
 */
@Command(name = "load", description = "Bulk-load key<TAB>value lines from a file ('-' for standard input).")
final class LoadCommand extends KvCommand {
    @Parameters(index = "0", description = "input file, or - for standard input")
    String file;

    @Option(names = "--batch", description = "pairs per batch put (default ${DEFAULT-VALUE})", defaultValue = "256")
    int batchSize;

    @Option(names = "--in-flight", description = "batches in flight (default ${DEFAULT-VALUE})", defaultValue = "8")
    int inFlight;

    @Option(names = "--ttl", description = "seconds until the values expire (0: never)", defaultValue = "0")
    long ttlSeconds;

    @Override
    int run(final RawKvClient client, final PrintWriter out, final PrintWriter err) throws Exception {
        if (batchSize < 1 || inFlight < 1) {
            throw new IllegalArgumentException("--batch and --in-flight must be >= 1");
        }
        final long startNs = System.nanoTime();
        final ArrayDeque<CompletableFuture<Void>> pending = new ArrayDeque<>();
        long loaded = 0;
        long lineNumber = 0;
        List<KvPair> batch = new ArrayList<>(batchSize);
        try (BufferedReader in = "-".equals(file)
            ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
            : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isEmpty()) {
                    continue;
                }
                final int tab = line.indexOf('\t');
                if (tab <= 0) {
                    err.println("tkv-ctl: line " + lineNumber + ": expected key<TAB>value; loaded " + loaded
                        + " pairs before it");
                    drain(pending);
                    return USAGE;
                }
                batch.add(new KvPair(connection.bytes(line.substring(0, tab)),
                    connection.bytes(line.substring(tab + 1))));
                if (batch.size() == batchSize) {
                    loaded += send(client, batch, pending);
                    batch = new ArrayList<>(batchSize);
                }
            }
        }
        if (!batch.isEmpty()) {
            loaded += send(client, batch, pending);
        }
        drain(pending);
        final long ms = (System.nanoTime() - startNs) / 1_000_000;
        out.println("loaded " + loaded + " pairs in " + ms + " ms");
        return OK;
    }

    private int send(
        final RawKvClient client, final List<KvPair> batch, final ArrayDeque<CompletableFuture<Void>> pending) {
        if (pending.size() >= inFlight) {
            pending.removeFirst().join();
        }
        pending.addLast(client.batchPutAsync(batch, ttlSeconds));
        return batch.size();
    }

    private static void drain(final ArrayDeque<CompletableFuture<Void>> pending) {
        while (!pending.isEmpty()) {
            pending.removeFirst().join();
        }
    }
}
