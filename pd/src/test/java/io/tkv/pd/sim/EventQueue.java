package io.tkv.pd.sim;

import java.util.PriorityQueue;

/** Simulated time (ms): actions ordered by (time, insertion order), so equal times replay in the same order. */
final class EventQueue {
    private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(final Event o) {
            final int byTime = Long.compare(time, o.time);
            return byTime != 0 ? byTime : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long now;
    private long seq;

    long now() {
        return now;
    }

    void after(final long delayMs, final Runnable action) {
        queue.add(new Event(now + Math.max(0, delayMs), seq++, action));
    }

    /** Runs events up to {@code endMs}. */
    void runUntil(final long endMs) {
        while (!queue.isEmpty() && queue.peek().time() <= endMs) {
            final Event e = queue.poll();
            now = e.time();
            e.action().run();
        }
        now = endMs;
    }
}
