package io.tkv.perf;

import io.tkv.client.txn.CommitKind;
import org.HdrHistogram.Histogram;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A closed loop of {@code inFlight} workers, one thread each (the transactional API blocks), each running its next
 * transaction as soon as the last one ended, for a warm-up and then a measured window. A transaction counts when it
 * started in the window and ended in it; its latency from before begin (the start ts from the TSO) to the return of
 * commit. Failures are counted by reason ({@link #reason}); the commit kinds the client reports are counted too, so a
 * row can show that it measured the protocol it is named after (a store may fall back to 2PC).
 */
final class TxnLoop {
    /** Workers still running this long after the window ended are abandoned (daemon threads), not waited for. */
    private static final long JOIN_GRACE_MS = 30_000;

    /** One transaction of a worker. */
    interface Op {
        /**
         * @param worker the worker, from 0.
         * @param seq    the worker's transaction number, from 0.
         * @return how it committed, or {@code null} if it is not a commit (a TSO call).
         */
        CommitKind run(int worker, long seq);
    }

    /**
     * What a loop measured.
     *
     * @param latencyNs  latencies of the transactions that succeeded in the window.
     * @param measuredS  the window's length.
     * @param failures   failed transactions in the window by {@link #reason}.
     * @param kinds      successful commits in the window by kind.
     */
    record Outcome(Histogram latencyNs, double measuredS, Map<String, Long> failures, Map<CommitKind, Long> kinds) {
        long ok() {
            return latencyNs.getTotalCount();
        }

        double okPerS() {
            return ok() / measuredS;
        }

        long failed() {
            return failures.values().stream().mapToLong(Long::longValue).sum();
        }

        double us(final double percentile) {
            return latencyNs.getTotalCount() == 0 ? 0 : latencyNs.getValueAtPercentile(percentile) / 1e3;
        }
    }

    private TxnLoop() {
    }

    /**
     * Runs the loop on this many threads and waits for it.
     *
     * @return what the measured window saw.
     */
    static Outcome run(final Op op, final int inFlight, final long warmupMs, final long durationMs)
        throws InterruptedException {
        final long measureFromNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        final long endNs = measureFromNs + TimeUnit.MILLISECONDS.toNanos(durationMs);
        final Worker[] workers = new Worker[inFlight];
        final Thread[] threads = new Thread[inFlight];
        for (int i = 0; i < inFlight; i++) {
            workers[i] = new Worker(op, i, measureFromNs, endNs);
            threads[i] = new Thread(workers[i], "txn-bench-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
        final Histogram latency =
            new Histogram(LatencyRecorder.HIGHEST_TRACKABLE_NS, LatencyRecorder.SIGNIFICANT_DIGITS);
        final Map<String, Long> failures = new TreeMap<>();
        final Map<CommitKind, Long> kinds = new EnumMap<>(CommitKind.class);
        final long joinDeadlineMs = System.currentTimeMillis() + warmupMs + durationMs + JOIN_GRACE_MS;
        for (int i = 0; i < inFlight; i++) {
            threads[i].join(Math.max(1, joinDeadlineMs - System.currentTimeMillis()));
            if (threads[i].isAlive()) {
                throw new IllegalStateException("worker " + i + " still runs " + JOIN_GRACE_MS + " ms after the end");
            }
            latency.add(workers[i].latency);
            workers[i].failures.forEach((reason, count) -> failures.merge(reason, count, Long::sum));
            workers[i].kinds.forEach((kind, count) -> kinds.merge(kind, count, Long::sum));
        }
        return new Outcome(latency, durationMs / 1e3, failures, kinds);
    }

    /**
     * @return a failure's reason for the tables: the exception's class without "Exception", in snake case
     *     ({@code WriteConflictException} is {@code write_conflict}).
     */
    static String reason(final Throwable failure) {
        final String name = failure.getClass().getSimpleName().replaceFirst("Exception$", "");
        final StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                out.append('_');
            }
            out.append(Character.toLowerCase(c));
        }
        return out.length() == 0 ? "unknown" : out.toString();
    }

    /** One worker's loop; its own histogram and counters, read by {@link #run} after the join. */
    private static final class Worker implements Runnable {
        private final Op op;
        private final int id;
        private final long measureFromNs;
        private final long endNs;
        private final Histogram latency =
            new Histogram(LatencyRecorder.HIGHEST_TRACKABLE_NS, LatencyRecorder.SIGNIFICANT_DIGITS);
        private final Map<String, Long> failures = new TreeMap<>();
        private final Map<CommitKind, Long> kinds = new EnumMap<>(CommitKind.class);

        Worker(final Op op, final int id, final long measureFromNs, final long endNs) {
            this.op = op;
            this.id = id;
            this.measureFromNs = measureFromNs;
            this.endNs = endNs;
        }

        @Override
        public void run() {
            for (long seq = 0; ; seq++) {
                final long startNs = System.nanoTime();
                if (startNs - endNs >= 0) {
                    return;
                }
                CommitKind kind = null;
                RuntimeException failure = null;
                try {
                    kind = op.run(id, seq);
                } catch (final RuntimeException ex) {
                    failure = ex;
                }
                final long doneNs = System.nanoTime();
                if (startNs - measureFromNs < 0 || doneNs - endNs > 0) {
                    continue;
                }
                if (failure != null) {
                    failures.merge(reason(failure), 1L, Long::sum);
                } else {
                    latency.recordValue(Math.min(doneNs - startNs, LatencyRecorder.HIGHEST_TRACKABLE_NS));
                    if (kind != null) {
                        kinds.merge(kind, 1L, Long::sum);
                    }
                }
            }
        }
    }
}
