package io.tkv.client;

import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

import java.util.concurrent.Executor;

/**
 * Runs tasks on the client's poller thread: what another thread learnt (PD's answer, which completes on the PD
 * client's own poller) is handed over here, so the routing state it touches keeps its one owner. Drained by the
 * poller's duty cycle.
 */
final class PollerTasks implements Executor {
    /** Tasks one duty cycle runs at most, so a flood cannot starve the egress poll. */
    private static final int DRAIN_LIMIT = 64;

    private final ManyToOneConcurrentLinkedQueue<Runnable> tasks = new ManyToOneConcurrentLinkedQueue<>();

    /** Any thread. */
    @Override
    public void execute(final Runnable task) {
        tasks.offer(task);
    }

    /** @return tasks run. Poller thread only. */
    int drain() {
        int done = 0;
        Runnable task;
        while (done < DRAIN_LIMIT && (task = tasks.poll()) != null) {
            task.run();
            done++;
        }
        return done;
    }
}
