package io.tkv.txn.history;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Records a list-append history from many client threads. A client calls {@link #invoke} before it sends a
 * transaction and then exactly one of {@link #ok}, {@link #fail} or {@link #info} with the handle it got; a
 * transaction never completed is taken as {@link Outcome#INFO} by {@link #history()}.
 *
 * <p>Cheap on the workload's path: an invoke is a clock read, an id from a counter and a lock-free queue offer; a
 * completion is one compare-and-set on the handle. Nothing is ordered or copied until {@link #history()}.
 */
public final class HistoryRecorder {
    private static final VarHandle DONE;

    static {
        try {
            DONE = MethodHandles.lookup().findVarHandle(Pending.class, "done", Txn.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A transaction invoked and not yet completed; owned by the client that invoked it. */
    public static final class Pending {
        private final int id;
        private final int process;
        private final long invokeNs;
        private final List<MicroOp> ops;
        @SuppressWarnings("unused") // through DONE
        private volatile Txn done;

        private Pending(final int id, final int process, final long invokeNs, final List<MicroOp> ops) {
            this.id = id;
            this.process = process;
            this.invokeNs = invokeNs;
            this.ops = ops;
        }

        public int id() {
            return id;
        }
    }

    private final LongSupplier clockNs;
    private final AtomicInteger nextId = new AtomicInteger();
    private final ConcurrentLinkedQueue<Pending> invoked = new ConcurrentLinkedQueue<>();

    /** A recorder on {@link System#nanoTime()}. */
    public HistoryRecorder() {
        this(System::nanoTime);
    }

    /** A recorder on an injected monotonic clock (simulations). */
    public HistoryRecorder(final LongSupplier clockNs) {
        this.clockNs = clockNs;
    }

    /**
     * @param process the client invoking it.
     * @param ops     the micro-ops it will run, reads without results.
     * @return the handle to complete it with.
     */
    public Pending invoke(final int process, final List<MicroOp> ops) {
        final Pending p = new Pending(nextId.getAndIncrement(), process, clockNs.getAsLong(), List.copyOf(ops));
        invoked.offer(p);
        return p;
    }

    /** The transaction committed; {@code ops} are the invoked micro-ops in order with the reads' results. */
    public void ok(final Pending p, final List<MicroOp> ops) {
        if (ops.size() != p.ops.size()) {
            throw new IllegalArgumentException("T" + p.id + " invoked " + p.ops + ", completed " + ops);
        }
        for (int i = 0; i < ops.size(); i++) {
            final MicroOp op = ops.get(i);
            if (!op.sameIntent(p.ops.get(i)) || op.isRead() && !op.hasResult()) {
                throw new IllegalArgumentException("T" + p.id + " invoked " + p.ops + ", completed " + ops);
            }
        }
        complete(p, Outcome.OK, ops);
    }

    /** The transaction definitely did not commit. */
    public void fail(final Pending p) {
        complete(p, Outcome.FAIL, p.ops);
    }

    /** The transaction may or may not have committed. */
    public void info(final Pending p) {
        complete(p, Outcome.INFO, p.ops);
    }

    private void complete(final Pending p, final Outcome outcome, final List<MicroOp> ops) {
        final Txn txn = new Txn(p.id, p.process, p.invokeNs, clockNs.getAsLong(), outcome, ops);
        if (!DONE.compareAndSet(p, null, txn)) {
            throw new IllegalStateException("T" + p.id + " completed twice");
        }
    }

    /** The transactions so far in invoke order; those not completed yet are INFO with no completion time. */
    public List<Txn> history() {
        final List<Txn> txns = new ArrayList<>();
        for (final Pending p : invoked) {
            final Txn done = (Txn) DONE.getVolatile(p);
            txns.add(done != null ? done : new Txn(p.id, p.process, p.invokeNs, Long.MAX_VALUE, Outcome.INFO, p.ops));
        }
        txns.sort(Comparator.comparingInt(Txn::id));
        return txns;
    }
}
