package io.tkv.raft.sim;

import java.util.PriorityQueue;

/** Simulated time: actions ordered by (time, insertion order), so equal times replay in the same order. */
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

    void at(final long time, final Runnable action) {
        queue.add(new Event(Math.max(time, now), seq++, action));
    }

    void after(final long delay, final Runnable action) {
        at(now + delay, action);
    }

    /** Runs events up to {@code end}. @return events run. */
    long runUntil(final long end) {
        long count = 0;
        while (!queue.isEmpty() && queue.peek().time() <= end) {
            final Event e = queue.poll();
            now = e.time();
            e.action().run();
            count++;
        }
        now = end;
        return count;
    }
}
