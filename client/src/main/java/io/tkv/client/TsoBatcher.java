package io.tkv.client;

import io.tkv.codec.TsoResponseDecoder;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Batches the timestamp requests of one client, as PD's client does: at most one {@code Tso} is on the wire; the
 * callers who ask while it is out wait in a bounded queue, and when its answer comes (on the poller thread) every
 * waiter is taken at once into the next {@code Tso{count}}, so concurrent callers share one round trip. The answer's
 * {@code count} consecutive timestamps go to the waiters in the order they asked. A caller with nothing on the wire
 * sends at once, so a lone caller waits one round trip, not a batching delay.
 */
final class TsoBatcher {
    /** Callers waiting at once; more are refused at once (SERVER_BUSY) rather than queued without bound. */
    static final int MAX_WAITING = 1 << 16;
    /** The most timestamps one Tso asks for (PD serves up to half a millisecond's logical space). */
    static final int MAX_BATCH = 4096;

    private final RequestSubmitter submitter;
    private final ManyToOneConcurrentArrayQueue<CompletableFuture<Long>> waiting =
        new ManyToOneConcurrentArrayQueue<>(MAX_WAITING);
    private final AtomicBoolean onTheWire = new AtomicBoolean();
    private volatile long batches;

    TsoBatcher(final RequestSubmitter submitter) {
        this.submitter = submitter;
    }

    /** @return completes with a timestamp greater than every one PD handed out before it was asked for. */
    CompletableFuture<Long> next() {
        final CompletableFuture<Long> future = new CompletableFuture<>();
        if (!waiting.offer(future)) {
            future.completeExceptionally(new TkvException(ErrorCode.SERVER_BUSY,
                MAX_WAITING + " timestamp requests already wait in this client"));
            return future;
        }
        sendIfIdle();
        return future;
    }

    /** @return Tso requests sent so far (each answered a batch). */
    long batches() {
        return batches;
    }

    /**
     * Sends the waiters as one Tso if none is on the wire. Loops because a caller may queue between this thread's
     * drain finding nothing and its release of the wire: whoever releases it looks again.
     */
    private void sendIfIdle() {
        while (!waiting.isEmpty() && onTheWire.compareAndSet(false, true)) {
            final List<CompletableFuture<Long>> batch = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
            waiting.drain(batch::add, MAX_BATCH);
            if (batch.isEmpty()) {
                onTheWire.set(false);
                continue;
            }
            batches++;
            final int count = batch.size();
            final CompletableFuture<long[]> reply;
            try {
                reply = submitter.submit("tso", TsoResponseDecoder.TEMPLATE_ID,
                    id -> PdRequestEncoder.current().tso(id, count));
            } catch (final RuntimeException ex) {
                fail(batch, ex);
                onTheWire.set(false);
                continue;
            }
            reply.whenComplete((answer, failure) -> {
                if (failure != null) {
                    fail(batch, failure);
                } else {
                    split(batch, answer);
                }
                onTheWire.set(false);
                sendIfIdle();
            });
            return;
        }
    }

    private static void split(final List<CompletableFuture<Long>> batch, final long[] answer) {
        final long last = answer[0];
        final long count = answer[1];
        if (count != batch.size()) {
            fail(batch, new TkvException(ErrorCode.MALFORMED,
                "PD answered " + count + " timestamps to a request for " + batch.size()));
            return;
        }
        final long first = last - count + 1;
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).complete(first + i);
        }
    }

    private static void fail(final List<CompletableFuture<Long>> batch, final Throwable failure) {
        for (final CompletableFuture<Long> future : batch) {
            future.completeExceptionally(failure);
        }
    }
}
