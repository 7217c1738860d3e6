package io.tkv.perf;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A system reached through an asynchronous client (tkv's, etcd's): requests issued on the harness thread,
 * completions recorded on the client's own threads. A semaphore of {@code in-flight} permits bounds the requests
 * outstanding; the issuing thread parks on it, it never spins. Every such target is loaded by this one loop, so
 * their numbers differ by the system, not by the harness.
 */
public abstract class AsyncTarget extends LoadTarget {
    private final AtomicBoolean errorLogged = new AtomicBoolean();
    private long sequence;

    /**
     * @param name the target's name in tables and result lines.
     */
    protected AsyncTarget(final String name) {
        super(name);
    }

    /**
     * Sends one request without waiting for it.
     *
     * @param kind      what to do.
     * @param key       the key (scan: the first key).
     * @param value     put: the value to write, already stamped; otherwise unused.
     * @param scanLimit scan: the most pairs to return.
     * @return completes with the client's result, or exceptionally.
     */
    protected abstract CompletableFuture<?> send(OpKind kind, byte[] key, byte[] value, int scanLimit);

    /**
     * @param kind   what the request did.
     * @param result what it completed with.
     * @return why the result is wrong for a preloaded key space (a get that found nothing), or null when right.
     */
    protected abstract String check(OpKind kind, Object result);

    @Override
    protected final void runClosedLoop(
        final RunPlan plan, final KeySpace keys, final byte[] value, final OperationSource ops,
        final LatencyRecorder recorder, final Phases phases) {
        final int inFlight = plan.description().inFlight();
        final Semaphore window = new Semaphore(inFlight);
        long nowNs = System.nanoTime();
        while (phases.onTime(nowNs, recorder)) {
            window.acquireUninterruptibly();
            final OpKind kind = ops.nextKind();
            final byte[] key = keys.encode(ops.nextKeyIndex(), keys.newKeyBuffer());
            final long sendNs = System.nanoTime();
            issue(kind, key, value, plan.scanLimit(), sendNs, recorder, window);
            nowNs = System.nanoTime();
        }
        recorder.stopMeasuring(nowNs);
        drain(window, inFlight);
    }

    @Override
    protected final void runOpenLoop(
        final RunPlan plan, final KeySpace keys, final byte[] value, final OperationSource ops,
        final LatencyRecorder recorder, final Phases phases, final OpenLoopSchedule schedule) {
        final int maxInFlight = plan.description().inFlight();
        final Semaphore window = new Semaphore(maxInFlight);
        long next = 0;
        long nowNs = System.nanoTime();
        while (true) {
            final long intendedNs = schedule.intendedSendNs(next);
            if (intendedNs >= phases.endNs()) {
                break;
            }
            sleepUntil(intendedNs);
            nowNs = System.nanoTime();
            if (!phases.onTime(nowNs, recorder)) {
                break;
            }
            // A full window delays the send, not the clock: the wait is charged to this request's latency.
            window.acquireUninterruptibly();
            final OpKind kind = ops.nextKind();
            final byte[] key = keys.encode(ops.nextKeyIndex(), keys.newKeyBuffer());
            recorder.recordSendLag(System.nanoTime() - intendedNs);
            issue(kind, key, value, plan.scanLimit(), intendedNs, recorder, window);
            next++;
        }
        recorder.stopMeasuring(Math.max(nowNs, System.nanoTime()));
        drain(window, maxInFlight);
    }

    /**
     * Sends one request; its completion records the latency from {@code startNs} and returns the permit.
     */
    private void issue(
        final OpKind kind, final byte[] key, final byte[] value, final int scanLimit, final long startNs,
        final LatencyRecorder recorder, final Semaphore window) {
        final CompletableFuture<?> future;
        try {
            future = send(kind, key, kind == OpKind.PUT ? stamped(value) : value, scanLimit);
        } catch (final RuntimeException ex) {
            onError(kind, ex, recorder);
            window.release();
            return;
        }
        future.whenComplete((result, ex) -> {
            final long doneNs = System.nanoTime();
            final String wrong = ex == null ? check(kind, result) : null;
            if (ex != null) {
                onError(kind, ex, recorder);
            } else if (wrong != null) {
                onError(kind, new IllegalStateException(wrong), recorder);
            } else {
                recorder.record(doneNs - startNs);
            }
            window.release();
        });
    }

    private byte[] stamped(final byte[] value) {
        final byte[] copy = value.clone();
        // Different bytes on each write, as the baseline does.
        long stamp = ++sequence;
        for (int i = 0; i < Math.min(Long.BYTES, copy.length); i++) {
            copy[i] = (byte)stamp;
            stamp >>>= 8;
        }
        return copy;
    }

    private void onError(final OpKind kind, final Throwable ex, final LatencyRecorder recorder) {
        recorder.recordError();
        if (errorLogged.compareAndSet(false, true)) {
            System.err.println(name() + ": first failed " + kind.name().toLowerCase(Locale.ROOT) + ": " + ex);
        }
    }

    private void drain(final Semaphore window, final int permits) {
        try {
            if (!window.tryAcquire(permits, DRAIN_TIMEOUT_NS, TimeUnit.NANOSECONDS)) {
                System.err.println(name() + ": requests still outstanding "
                    + TimeUnit.NANOSECONDS.toSeconds(DRAIN_TIMEOUT_NS) + " s after the run");
            }
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
