package io.tkv.server.storepd;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * PD's answers, brought back to the PD worker's thread: a future completes on the PD client's thread, and what to do
 * with its outcome runs on the worker's, the next time it drains the inbox. Bounded: the worker keeps few requests in
 * flight (far fewer than the capacity), so an answer is never dropped in practice; one that is is logged.
 */
final class WorkerInbox {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerInbox.class);
    private static final int CAPACITY = 1024;
    private static final int DRAIN_LIMIT = 64;

    private final ManyToOneConcurrentArrayQueue<Runnable> queue = new ManyToOneConcurrentArrayQueue<>(CAPACITY);

    /** Runs {@code action} on the worker's thread once {@code future} completes. Any thread. */
    <T> void whenDone(final CompletableFuture<T> future, final BiConsumer<T, Throwable> action) {
        future.whenComplete((value, error) -> {
            if (!queue.offer(() -> action.accept(value, error))) {
                LOG.error("the PD worker's inbox is full: an answer from PD was dropped");
            }
        });
    }

    /** Worker thread. @return answers handled. */
    int drain() {
        return queue.drain(Runnable::run, DRAIN_LIMIT);
    }
}
