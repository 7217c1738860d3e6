package io.tkv.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Bytes allocated per operation by each store JVM between two {@link ThreadAllocSnapshot}s: per thread, the
 * counter's growth (a thread born in between counts from 0, which is exact; a thread that ended in between loses
 * what it allocated after the first snapshot, so the count of those is printed). The threads of the measurement
 * itself (JMX agent, attach listener, JFR) are left out and their bytes printed apart.
 *
 * <p>usage: {@code ThreadAllocDiff --before FILE --after FILE --ops N --run LABEL --stores ID=PID,... [--leader ID]
 * [--top N]}; output:
 * <pre>
 * ALLOC run=put-1 store=1 role=leader bytes=... ops=... b_per_op=... excluded_bytes=... new_threads=.. gone_threads=..
 * ALLOC run=put-1 store=sum bytes=... ops=... b_per_op=...
 * THREAD run=put-1 store=1 bytes=... b_per_op=... name=raft-agent
 * </pre>
 */
public final class ThreadAllocDiff {
    /** Threads of the measurement machinery, not of the store: left out of the store's bytes. */
    static final Pattern MEASUREMENT_THREADS = Pattern.compile("^(RMI .*|JMX .*|Attach Listener|JFR .*)$");

    private ThreadAllocDiff() {
    }

    /** One line of a snapshot. */
    record Sample(String pid, long tid, long bytes, String name) {
        static Sample parse(final String line) {
            final String[] head = line.split(" ", 5);
            if (head.length < 5 || !head[0].equals("THREAD") || !head[4].startsWith("name=")) {
                throw new IllegalArgumentException("not a THREAD line: " + line);
            }
            return new Sample(value(head[1], "pid="), Long.parseLong(value(head[2], "tid=")),
                Long.parseLong(value(head[3], "bytes=")), head[4].substring("name=".length()));
        }

        private static String value(final String field, final String prefix) {
            if (!field.startsWith(prefix)) {
                throw new IllegalArgumentException("expected " + prefix + " in " + field);
            }
            return field.substring(prefix.length());
        }
    }

    /** What one store allocated between the snapshots. */
    record StoreDelta(long bytes, long excludedBytes, int newThreads, int goneThreads, Map<String, Long> byThread) {
    }

    static StoreDelta delta(final String pid, final List<Sample> before, final List<Sample> after) {
        final Map<Long, Sample> first = new HashMap<>();
        for (final Sample sample : before) {
            if (sample.pid().equals(pid)) {
                first.put(sample.tid(), sample);
            }
        }
        long bytes = 0;
        long excluded = 0;
        int born = 0;
        final Map<String, Long> byThread = new HashMap<>();
        final Map<Long, Boolean> seen = new HashMap<>();
        for (final Sample sample : after) {
            if (!sample.pid().equals(pid)) {
                continue;
            }
            final Sample start = first.get(sample.tid());
            final long grown = sample.bytes() - (start == null ? 0 : start.bytes());
            if (start == null) {
                born++;
            }
            seen.put(sample.tid(), Boolean.TRUE);
            if (MEASUREMENT_THREADS.matcher(sample.name()).matches()) {
                excluded += grown;
            } else {
                bytes += grown;
                byThread.merge(sample.name(), grown, Long::sum);
            }
        }
        final int gone = (int)first.keySet().stream().filter(tid -> !seen.containsKey(tid)).count();
        return new StoreDelta(bytes, excluded, born, gone, byThread);
    }

    static List<Sample> read(final Path file) throws IOException {
        final List<Sample> samples = new ArrayList<>();
        for (final String line : Files.readAllLines(file)) {
            if (line.startsWith("THREAD ")) {
                samples.add(Sample.parse(line));
            }
        }
        return samples;
    }

    /** The report's lines for the stores (id to pid, in order), {@code top} threads per store. */
    static List<String> report(final String run, final Map<String, String> stores, final String leader,
        final long ops, final int top, final List<Sample> before, final List<Sample> after) {
        final List<String> lines = new ArrayList<>();
        final List<String> threadLines = new ArrayList<>();
        long sum = 0;
        for (final Map.Entry<String, String> store : stores.entrySet()) {
            final StoreDelta delta = delta(store.getValue(), before, after);
            sum += delta.bytes();
            final String role = leader == null ? "" : store.getKey().equals(leader) ? " role=leader" : " role=follower";
            lines.add(String.format("ALLOC run=%s store=%s%s bytes=%d ops=%d b_per_op=%.1f excluded_bytes=%d "
                    + "new_threads=%d gone_threads=%d", run, store.getKey(), role, delta.bytes(), ops,
                perOp(delta.bytes(), ops), delta.excludedBytes(), delta.newThreads(), delta.goneThreads()));
            delta.byThread().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(top)
                .forEach(thread -> threadLines.add(String.format("THREAD run=%s store=%s bytes=%d b_per_op=%.1f "
                    + "name=%s", run, store.getKey(), thread.getValue(), perOp(thread.getValue(), ops),
                    thread.getKey())));
        }
        lines.add(String.format("ALLOC run=%s store=sum bytes=%d ops=%d b_per_op=%.1f", run, sum, ops,
            perOp(sum, ops)));
        lines.addAll(threadLines);
        return lines;
    }

    private static double perOp(final long bytes, final long ops) {
        return ops <= 0 ? Double.NaN : bytes / (double)ops;
    }

    public static void main(final String[] args) throws IOException {
        final Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected an --option, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        final Map<String, String> stores = new LinkedHashMap<>();
        for (final String store : required(options, "stores").split(",")) {
            final String[] idPid = store.split("=", 2);
            if (idPid.length != 2) {
                throw new IllegalArgumentException("--stores takes ID=PID,...: " + store);
            }
            stores.put(idPid[0], idPid[1]);
        }
        final List<String> lines = report(required(options, "run"), stores, options.get("leader"),
            Long.parseLong(required(options, "ops")), Integer.parseInt(options.getOrDefault("top", "5")),
            read(Path.of(required(options, "before"))), read(Path.of(required(options, "after"))));
        lines.forEach(System.out::println);
    }

    private static String required(final Map<String, String> options, final String name) {
        final String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }
}
