package io.tkv.txn.sched;

import io.tkv.txn.ConcurrencyManager;
import io.tkv.txn.Modify;
import io.tkv.txn.MvccReader;
import io.tkv.txn.TxnException;
import io.tkv.txn.WriteBatchCodec;
import io.tkv.txn.command.CommandContext;
import io.tkv.txn.command.CommandResult;
import io.tkv.txn.command.TxnCommand;
import io.tkv.txn.command.TxnResponse;
import io.tkv.txn.lockwait.LockWaitConfig;
import io.tkv.txn.lockwait.WaiterManager;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Predicate;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * Runs transactional commands on a store, as TiKV's {@code storage/txn/scheduler.rs}: latches, a snapshot, the
 * command, and then either an answer at once or one write batch to propose through Raft with the answer held until
 * it is applied.
 *
 * <p>A write command: {@link Latches latches} on its keys (FIFO per key; refused with {@link TxnResponse.Busy} when
 * too many wait), then a snapshot from the {@link SnapshotSource}, then {@link TxnCommand#process}. If it staged
 * modifications, they are encoded ({@link WriteBatchCodec}) and handed to {@link Output#propose} under a fresh command
 * id; the latches and the memory locks of async-commit and 1PC prewrites stay held until the server reports the
 * batch applied ({@link #onApplied}) or dropped ({@link #onWriteFailed}). Holding the latches until apply is what
 * makes the next command on the same keys read a snapshot that contains this one's write. If it staged nothing, or
 * failed, it answers at once. A read command takes no latch: it registers its read with the concurrency manager, then
 * reads its snapshot and answers.
 *
 * <p><b>One thread</b>: every method is called from the store's scheduler thread (the agent that owns the regions'
 * proposals), and the {@link Output} is called back on it, perhaps from inside these methods. Nothing blocks; a
 * command whose latches are taken waits in the latches, and runs inside the call that releases them.
 *
 * <p><b>Lock waiting</b>: a pessimistic lock request with a wait timeout that meets another transaction's lock is
 * parked in the {@link WaiterManager} (which has the rules) and its latches released; an applied write that deletes
 * locks wakes their waiters, whose commands run again from a fresh snapshot. Time is the last {@link #tick}'s: the
 * server ticks once before the first submit, then every duty cycle (a wait's resolution is one tick).
 */
public final class TxnScheduler {
    /**
     * Where the scheduler sends its work; implemented by the server.
     */
    public interface Output {
        /**
         * Sends the answer of a request.
         *
         * @param requestId the id given to {@link #submit}.
         * @param response  the answer.
         */
        void respond(long requestId, TxnResponse response);

        /**
         * Proposes one write batch through the region's Raft group; once it is applied, call {@link #onApplied}; if it
         * will never be (leadership lost, epoch changed, proposal dropped), call {@link #onWriteFailed}.
         *
         * @param commandId  the scheduler's id of the command.
         * @param writeBatch the modifications in {@link WriteBatchCodec} form, to apply in one RocksDB write batch.
         */
        void propose(long commandId, byte[] writeBatch);
    }

    private final SnapshotSource snapshots;
    private final ConcurrencyManager concurrencyManager;
    private final Latches<Task> latches;
    private final Output output;
    private final Long2ObjectHashMap<Task> proposed = new Long2ObjectHashMap<>();
    private final ArrayDeque<Task> ready = new ArrayDeque<>();
    private final WaiterManager<Task> lockWaits;
    private long nextCommandId = 1;
    private long nowMs;
    private long runningRequestId = -1;
    private boolean draining;

    /**
     * @param snapshots          the source of command snapshots.
     * @param concurrencyManager the store's concurrency manager.
     * @param latches            the store's latches.
     * @param output             where answers and proposals go.
     */
    public TxnScheduler(
        final SnapshotSource snapshots, final ConcurrencyManager concurrencyManager, final Latches<Task> latches,
        final Output output) {
        this(snapshots, concurrencyManager, latches, output, LockWaitConfig.defaults());
    }

    /**
     * @param snapshots          the source of command snapshots.
     * @param concurrencyManager the store's concurrency manager.
     * @param latches            the store's latches.
     * @param output             where answers and proposals go.
     * @param lockWait           the knobs of pessimistic lock waiting, and the deadlock detector.
     */
    public TxnScheduler(
        final SnapshotSource snapshots, final ConcurrencyManager concurrencyManager, final Latches<Task> latches,
        final Output output, final LockWaitConfig lockWait) {
        this.snapshots = snapshots;
        this.concurrencyManager = concurrencyManager;
        this.latches = latches;
        this.output = output;
        this.lockWaits = new WaiterManager<>(lockWait, new LockWaitOutput());
    }

    /**
     * Runs a command now, or queues it behind the commands holding its keys' latches.
     *
     * @param requestId the server's id of the request, handed back with the answer.
     * @param command   the command.
     * @throws RuntimeException other than a {@link TxnException} (a storage failure, a corrupt record) after releasing
     *                          what the failing command held: the store should stop.
     */
    public void submit(final long requestId, final TxnCommand command) {
        schedule(new Task(requestId, command));
        drain();
    }

    /**
     * The write batch of a command was applied: releases its memory locks and latches, answers (or continues with the
     * command's follow-up), and runs the commands that were waiting for its latches.
     *
     * @param commandId the id given to {@link Output#propose}.
     * @return whether the id was a pending proposal.
     */
    public boolean onApplied(final long commandId) {
        final Task task = proposed.remove(commandId);
        if (task == null) {
            return false;
        }
        task.context.releaseMemoryLocks();
        complete(task, task.result);
        lockWaits.onApplied(task.context.txns(), nowMs);
        drain();
        return true;
    }

    /**
     * Advances the scheduler's clock, from the server's duty cycle: lock waits time out (KEY_LOCKED), waiters woken
     * with a delay run.
     *
     * @param nowMs the store's clock in milliseconds, never going back.
     */
    public void tick(final long nowMs) {
        this.nowMs = nowMs;
        lockWaits.tick(nowMs);
        drain();
    }

    /**
     * Cancels the lock waits on keys of a region that lost its leadership, without answering them.
     *
     * @param inRegion tests a waiting request's locked user key.
     * @return the request ids to answer with the server's region error (NOT_LEADER, ...).
     */
    public long[] cancelLockWaits(final Predicate<byte[]> inRegion) {
        final List<Task> cancelled = lockWaits.cancel(inRegion);
        final long[] requestIds = new long[cancelled.size()];
        for (int i = 0; i < requestIds.length; i++) {
            requestIds[i] = cancelled.get(i).requestId;
        }
        return requestIds;
    }

    /** @return the number of requests waiting for locks of other transactions. */
    public int waitingForLocks() {
        return lockWaits.size();
    }

    /**
     * The write batch of a command will never be applied: releases what the command held, without answering.
     *
     * @param commandId the id given to {@link Output#propose}.
     * @return the request id to answer (the server sends its own error: NOT_LEADER, EPOCH_NOT_MATCH, ...), or -1 if
     *         the id was not a pending proposal.
     */
    public long onWriteFailed(final long commandId) {
        final Task task = proposed.remove(commandId);
        if (task == null) {
            return -1;
        }
        task.context.releaseMemoryLocks();
        releaseLatches(task);
        drain();
        return task.requestId;
    }

    /**
     * @return the request id of the command running now (valid inside {@link Output#propose}, which does not name
     *     it), or -1 outside a command.
     */
    public long runningRequestId() {
        return runningRequestId;
    }

    /** @return the number of proposals waiting for {@link #onApplied}. */
    public int pendingWrites() {
        return proposed.size();
    }

    /** @return the number of commands waiting for latches. */
    public int waitingForLatches() {
        return latches.waiting();
    }

    private void schedule(final Task task) {
        if (task.command.isRead()) {
            ready.addLast(task);
            return;
        }
        task.latch = latches.request(task.command.latchKeys(), task);
        switch (latches.acquire(task.latch)) {
            case ACQUIRED -> ready.addLast(task);
            case QUEUED -> {
            }
            case BUSY -> output.respond(task.requestId, new TxnResponse.Busy(
                latches.waiting() + " commands wait for latches already"));
            default -> throw new IllegalStateException();
        }
    }

    /** Runs ready commands until none is left; a call made from inside (an output callback) only queues. */
    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            for (Task task = ready.pollFirst(); task != null; task = ready.pollFirst()) {
                run(task);
            }
        } finally {
            draining = false;
        }
    }

    private void run(final Task task) {
        runningRequestId = task.requestId;
        try {
            runTask(task);
        } finally {
            runningRequestId = -1;
        }
    }

    private void runTask(final Task task) {
        CommandContext context = null;
        final CommandResult result;
        byte[] batch = null;
        try {
            task.command.beforeSnapshot(concurrencyManager);
            try (SnapshotSource.Snapshot snapshot = snapshots.open(); MvccReader reader = new MvccReader(snapshot)) {
                context = new CommandContext(reader, concurrencyManager);
                result = task.command.process(context);
            }
            if (result.write()) {
                final List<Modify> modifies = context.modifies();
                if (!modifies.isEmpty()) {
                    batch = WriteBatchCodec.encode(modifies);
                }
            }
        } catch (final TxnException ex) {
            if (context != null) {
                context.releaseMemoryLocks();
            }
            if (lockWaits.park(task, task.waiter, task.command, ex, nowMs)) {
                releaseLatches(task);
                return;
            }
            complete(task, CommandResult.respond(new TxnResponse.Error(ex)));
            return;
        } catch (final RuntimeException ex) {
            if (context != null) {
                context.releaseMemoryLocks();
            }
            releaseLatches(task);
            throw ex;
        }
        if (batch == null) {
            context.releaseMemoryLocks();
            complete(task, result);
            return;
        }
        final long commandId = nextCommandId++;
        task.context = context;
        task.result = result;
        proposed.put(commandId, task);
        output.propose(commandId, batch);
    }

    private void complete(final Task task, final CommandResult result) {
        if (result.next() == null) {
            output.respond(task.requestId, result.response());
            releaseLatches(task);
        } else {
            // Latches first: the follow-up may need keys this command holds.
            releaseLatches(task);
            schedule(new Task(task.requestId, result.next()));
        }
    }

    private void releaseLatches(final Task task) {
        if (task.latch != null && task.latch.isAcquired()) {
            ready.addAll(latches.release(task.latch));
        }
    }

    /** Runs woken waiters again; answers the others. */
    private final class LockWaitOutput implements WaiterManager.Output<Task> {
        @Override
        public void resume(final Task task, final WaiterManager.Waiter waiter) {
            task.waiter = waiter;
            schedule(task);
        }

        @Override
        public void answer(final Task task, final TxnResponse response) {
            output.respond(task.requestId, response);
        }
    }

    /**
     * A command in the scheduler: waiting for latches, running, waiting for its write to apply, or waiting for a lock.
     */
    public static final class Task {
        private final long requestId;
        private final TxnCommand command;
        private Latches.Request<Task> latch;
        private CommandContext context;
        private CommandResult result;
        private WaiterManager.Waiter waiter;

        private Task(final long requestId, final TxnCommand command) {
            this.requestId = requestId;
            this.command = command;
        }

        /** @return the server's id of the request. */
        public long requestId() {
            return requestId;
        }

        /** @return the command. */
        public TxnCommand command() {
            return command;
        }
    }
}
