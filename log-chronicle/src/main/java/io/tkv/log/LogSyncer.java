package io.tkv.log;

import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's sync thread, "tkv-log-sync": runs the {@code fdatasync} of the current cycle file off the owner thread
 * and hands back "durable up to" a record sequence number.
 *
 * <h2>Hand-over, without locks</h2>
 * The owner writes the target of a request into {@link #requestedSeq} (volatile) and unparks the thread. The thread
 * reads the target, forces the file, publishes the target in {@link #durableSeq} (volatile) and only then runs
 * {@code onDurable}. Requests made while a sync runs only raise the target: the next sync covers all of them (group
 * commit). The channel to force and whether the directory is due are plain fields the owner sets only while the
 * thread is idle ({@link #idle()}: every request completed); the owner's volatile write of the next target
 * publishes them, and the thread does not read them again before that. So the owner never switches or closes a
 * channel a sync is using, and never waits for the disk except on the rare roll to a new cycle file.
 * <p>
 * A failure (an {@code IOException} from the force, anything thrown by the hook or by {@code onDurable}) is
 * published in {@link #failure()} and ends the thread; the owner turns it into the log's fail-stop. The thread
 * never gets an interrupt from us: an interrupted {@code FileChannel.force} would close the channel.
 */
final class LogSyncer implements Runnable {
    static final String THREAD_NAME = "tkv-log-sync";
    private static final Logger LOG = LoggerFactory.getLogger(LogSyncer.class);
    /** A waiting owner re-checks this often even without an unpark; cold paths only. */
    private static final long WAIT_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final LogQueue queue;
    private final Runnable onDurable;
    private final Thread thread;
    private volatile long requestedSeq;
    private volatile long durableSeq;
    private volatile Throwable failure;
    private volatile boolean stopping;
    /** An owner blocked in {@link #awaitDurable} or {@link #awaitIdle}, to unpark after each sync. */
    private volatile Thread waiter;
    private volatile long syncs;
    private volatile long lastSyncNs;
    /** Set by the owner only while idle, read by the thread after the next request: see the class comment. */
    private FileChannel channel;
    private boolean withDirectory;

    /**
     * @param queue      whose {@link LogQueue#force} the thread calls.
     * @param durableSeq what is durable already (the owner synced it before starting the thread).
     * @param onDurable  run on the sync thread after each published sync, and after a failure.
     */
    LogSyncer(final LogQueue queue, final long durableSeq, final Runnable onDurable) {
        this.queue = queue;
        this.onDurable = onDurable;
        this.requestedSeq = durableSeq;
        this.durableSeq = durableSeq;
        this.thread = new Thread(this, THREAD_NAME);
        // Never keeps a JVM alive: the log's close stops it, and a halted process loses it like any thread.
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Owner thread: asks for everything up to {@code targetSeq} to be made durable. The channel must be the one of
     * the cycle the records are in, and may differ from the previous request's only when {@link #idle()}.
     */
    void request(final long targetSeq, final FileChannel channel, final boolean withDirectory) {
        if (targetSeq <= requestedSeq) {
            return;
        }
        if (idle()) {
            this.channel = channel;
            this.withDirectory = withDirectory;
        } else if (withDirectory || channel != this.channel) {
            throw new IllegalStateException("a new sync channel while a sync is in flight");
        }
        requestedSeq = targetSeq;
        LockSupport.unpark(thread);
    }

    /** @return true when every request has completed: no sync is in flight or pending. */
    boolean idle() {
        return durableSeq >= requestedSeq;
    }

    /** @return the last record sequence number a completed sync made durable. */
    long durableSeq() {
        return durableSeq;
    }

    long requestedSeq() {
        return requestedSeq;
    }

    /** @return what ended the thread with a failed sync, or null. */
    Throwable failure() {
        return failure;
    }

    long syncs() {
        return syncs;
    }

    long lastSyncNs() {
        return lastSyncNs;
    }

    /**
     * Owner thread, cold paths: waits until {@code seq} is durable or the thread failed.
     *
     * @return false if the thread failed first.
     */
    boolean awaitDurable(final long seq) {
        waiter = Thread.currentThread();
        try {
            while (durableSeq < seq) {
                if (failure != null || !thread.isAlive()) {
                    return false;
                }
                LockSupport.parkNanos(this, WAIT_PARK_NS);
            }
            return true;
        } finally {
            waiter = null;
        }
    }

    /**
     * Owner thread: waits until no sync is in flight (before a channel switch, on a roll).
     *
     * @return false if the thread failed first.
     */
    boolean awaitIdle() {
        return awaitDurable(requestedSeq);
    }

    /**
     * Owner thread: stops the thread without another sync and waits for it to end. Whoever needs what was written
     * to be durable waits for it first ({@link #awaitDurable}).
     */
    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
                if (thread.isAlive()) {
                    // A disk that hangs in fdatasync: the thread is a daemon, so give up rather than hang the close.
                    LOG.error("the Raft log's sync thread did not stop within 10 s; leaving it");
                    break;
                }
            } catch (final InterruptedException ex) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        long durable = durableSeq;
        while (!stopping && failure == null) {
            final long target = requestedSeq;
            if (target <= durable) {
                LockSupport.park(this);
                continue;
            }
            final boolean directory = withDirectory;
            withDirectory = false;
            final long startNs = System.nanoTime();
            try {
                queue.force(channel, directory);
            } catch (final Throwable ex) {
                failure = ex;
                wakeOwner();
                return;
            }
            lastSyncNs = System.nanoTime() - startNs;
            syncs++;
            durable = target;
            durableSeq = target;
            wakeOwner();
        }
    }

    private void wakeOwner() {
        final Thread blocked = waiter;
        if (blocked != null) {
            LockSupport.unpark(blocked);
        }
        try {
            onDurable.run();
        } catch (final Throwable ex) {
            if (failure == null) {
                LOG.error("the Raft log's onDurable callback failed; the log goes fail-stop", ex);
                failure = ex;
            }
        }
    }
}
