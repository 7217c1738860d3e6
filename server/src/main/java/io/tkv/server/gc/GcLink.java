package io.tkv.server.gc;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The hand-over between the store's GC driver (its own thread) and the apply agent, which owns the regions' applied
 * state and the transactional proposal path: the driver asks to {@link Open open} a region's run (its range, epoch
 * version and leader term as applied, read on the apply agent) and to propose a {@link Write} of deletes under that
 * run's epoch and term; the apply agent answers each through its future. The queue is bounded (the driver has at most
 * one request out at a time); a full queue fails the request at once. The other way goes the safe point the driver
 * last fetched from PD, which the apply agent uses to refuse too-old reads and writes ({@link SafePointGuard}).
 */
public final class GcLink {
    /** Requests waiting at once: the driver keeps one out, the rest is slack. */
    static final int CAPACITY = 64;

    /**
     * A region as the apply agent had applied it when a run began: the run's writes carry its version and term, so a
     * split or a leader change since turns them into no-ops at apply.
     *
     * @param regionId the region.
     * @param start    its start key (stored key space; empty: none).
     * @param end      its end key (stored key space; empty: none).
     * @param version  its epoch version.
     * @param term     the term of its last applied entry (the leader's term once it applied its own no-op).
     */
    public record RegionRun(long regionId, byte[] start, byte[] end, long version, long term) {
    }

    /** A request to the apply agent. */
    public sealed interface Request permits Open, Write {
    }

    /**
     * Begin a run over a region.
     *
     * @param regionId the region.
     * @param reply    completes with the region as applied; exceptionally if it is not on this store.
     */
    public record Open(long regionId, CompletableFuture<RegionRun> reply) implements Request {
    }

    /**
     * Propose a write batch of deletes through the region's log.
     *
     * @param run        the run it belongs to (its epoch version and term guard the write).
     * @param writeBatch {@code io.tkv.txn.WriteBatchCodec} bytes.
     * @param applied    completes once it applied on this store; exceptionally if it was refused or will not apply.
     */
    public record Write(RegionRun run, byte[] writeBatch, CompletableFuture<Void> applied) implements Request {
    }

    private final ManyToOneConcurrentArrayQueue<Request> requests = new ManyToOneConcurrentArrayQueue<>(CAPACITY);
    private volatile long safePoint;

    /** GC driver. @return the region as applied, once the apply agent answered. */
    public CompletableFuture<RegionRun> open(final long regionId) {
        final CompletableFuture<RegionRun> reply = new CompletableFuture<>();
        offer(new Open(regionId, reply), reply);
        return reply;
    }

    /** GC driver. @return completes once the write applied on this store. */
    public CompletableFuture<Void> write(final RegionRun run, final byte[] writeBatch) {
        final CompletableFuture<Void> applied = new CompletableFuture<>();
        offer(new Write(run, writeBatch, applied), applied);
        return applied;
    }

    private void offer(final Request request, final CompletableFuture<?> reply) {
        if (!requests.offer(request)) {
            reply.completeExceptionally(new IllegalStateException("the apply agent's GC queue is full"));
        }
    }

    /** Apply agent: hands up to {@code limit} requests to {@code handler}. @return how many. */
    public int drain(final Consumer<Request> handler, final int limit) {
        return requests.drain(handler, limit);
    }

    /** GC driver: the safe point PD answered (it never goes back, so a lower one is ignored). */
    public void safePoint(final long fetched) {
        if (fetched > safePoint) {
            safePoint = fetched;
        }
    }

    /** Any thread. @return the largest GC safe point this store has fetched from PD (0: none yet). */
    public long safePoint() {
        return safePoint;
    }
}
