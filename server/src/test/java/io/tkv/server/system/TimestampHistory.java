package io.tkv.server.system;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The timestamps a test's callers got, each with when it was asked for and when it came back (System.nanoTime), and
 * the check PD promises: every timestamp is strictly greater than every timestamp whose call completed before its own
 * call began (real-time order). Failed calls are not recorded: they handed nothing out. Thread safe for recording.
 */
final class TimestampHistory {
    private final List<long[]> ops = new ArrayList<>();

    /** Records one successful call. */
    synchronized void record(final long invokeNs, final long completeNs, final long timestamp) {
        ops.add(new long[] {invokeNs, completeNs, timestamp});
    }

    synchronized int size() {
        return ops.size();
    }

    /** @return the earliest completion of a call that began after {@code ns}, or 0 if none yet. */
    synchronized long firstCompletionOfCallBegunAfter(final long ns) {
        long first = 0;
        for (final long[] op : ops) {
            if (op[0] > ns && (first == 0 || op[1] < first)) {
                first = op[1];
            }
        }
        return first;
    }

    /** @return completion times, sorted. */
    synchronized long[] completions() {
        final long[] times = new long[ops.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = ops.get(i)[1];
        }
        Arrays.sort(times);
        return times;
    }

    /**
     * @return null if the history holds the promise (and no timestamp was handed out twice), else the first violation.
     */
    synchronized String violation() {
        final long[][] byInvoke = ops.toArray(new long[0][]);
        final long[][] byComplete = byInvoke.clone();
        Arrays.sort(byInvoke, Comparator.comparingLong(op -> op[0]));
        Arrays.sort(byComplete, Comparator.comparingLong(op -> op[1]));
        long maxCompleted = 0;
        long[] maxOp = null;
        int next = 0;
        for (final long[] op : byInvoke) {
            // Every call that completed before this one began must have a smaller timestamp.
            while (next < byComplete.length && byComplete[next][1] < op[0]) {
                if (byComplete[next][2] > maxCompleted) {
                    maxCompleted = byComplete[next][2];
                    maxOp = byComplete[next];
                }
                next++;
            }
            if (op[2] <= maxCompleted) {
                return "timestamp " + op[2] + " asked for at " + op[0] + " ns is not above " + maxCompleted
                    + ", handed out by a call completed at " + maxOp[1] + " ns";
            }
        }
        final long[] all = new long[byInvoke.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = byInvoke[i][2];
        }
        Arrays.sort(all);
        for (int i = 1; i < all.length; i++) {
            if (all[i] == all[i - 1]) {
                return "timestamp " + all[i] + " handed out twice";
            }
        }
        return null;
    }
}
