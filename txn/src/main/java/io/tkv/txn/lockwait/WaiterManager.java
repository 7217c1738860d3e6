package io.tkv.txn.lockwait;

import io.tkv.storage.ColumnFamily;
import io.tkv.txn.Lock;
import io.tkv.txn.Modify;
import io.tkv.txn.MvccTxn;
import io.tkv.txn.TxnException;
import io.tkv.txn.TxnKeys;
import io.tkv.txn.command.AcquirePessimisticLockCommand;
import io.tkv.txn.command.TxnCommand;
import io.tkv.txn.command.TxnResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * Pessimistic lock requests waiting for locks of other transactions, as TiKV's {@code lock_manager/waiter_manager.rs}
 * (and {@code storage/lock_manager/lock_waiting_queue.rs}). A request that met a lock is {@link #park parked} with the
 * lock it met, by the hash of the lock's key, and registered with the {@link DeadlockDetector}. It leaves the queue in
 * one of four ways:
 * <ul>
 * <li><b>Lock released</b> ({@link #onApplied}: an applied write deleted the lock of that transaction on that key,
 * whichever command it was: commit, rollback, resolve-lock, cleanup, check-txn-status, pessimistic rollback). The
 * oldest waiter of the key (arrival order) {@linkplain Output#resume resumes} at once: its command runs again from a
 * fresh snapshot, and may take the lock, fail (WRITE_CONFLICT if the holder committed the key after its for-update
 * ts) or wait again. The others resume {@link LockWaitConfig#wakeUpDelayMs} later, by which time the first has
 * usually taken the lock, so they wait again, now for it, keeping their place: a waiter that parks again keeps its
 * arrival number and its deadline. This is TiKV's rule: waking them all at once would have all of them race for the
 * key on every release.</li>
 * <li><b>Timeout</b> ({@link #tick}): the request is answered KEY_LOCKED with the lock it waited for, so the client
 * resolves it or retries. The deadline is set when the request first parks, from its wait timeout capped by
 * {@link LockWaitConfig#maxWaitTimeoutMs}; parking again does not extend it.</li>
 * <li><b>Deadlock</b> ({@link DeadlockDetector.Listener}): the detector found that this wait closes a cycle; the
 * request is answered {@link TxnException.Deadlock} and the client aborts the transaction.</li>
 * <li><b>Cancelled</b> ({@link #cancel}): the region lost its leadership; the server answers NOT_LEADER.</li>
 * </ul>
 * A store-wide bound ({@link LockWaitConfig#maxWaiters}) refuses one more waiter with SERVER_BUSY.
 *
 * <p>Keys are known by a 64-bit hash of the encoded key, as TiKV does: two keys with one hash only cost a waiter a
 * spurious run. A released lock wakes only waiters that met that transaction's lock. A wake-up can't be lost between
 * the waiter's snapshot and its parking: the waiter holds the key's latch until it is parked, and a write that
 * releases the lock holds the same latch until it is applied. A lock released other than through the scheduler's
 * writes (none today) is caught by the timeout.
 *
 * <p>Single-threaded, driven by the scheduler: every method is called on its thread, with time passed in; the
 * {@link Output} is called back on it, perhaps from inside these methods.
 *
 * @param <T> the scheduler's handle of a waiting request.
 */
public final class WaiterManager<T> {
    /**
     * Where woken and refused waiters go; implemented by the scheduler.
     *
     * @param <T> the scheduler's handle of a waiting request.
     */
    public interface Output<T> {
        /**
         * Runs the request's command again from a fresh snapshot; if it parks again, it passes {@code waiter} back to
         * {@link #park} so that it keeps its place and deadline.
         */
        void resume(T request, Waiter waiter);

        /** Answers the request: KEY_LOCKED on timeout, Deadlock, SERVER_BUSY past the bound. */
        void answer(T request, TxnResponse response);
    }

    private final LockWaitConfig config;
    private final DeadlockDetector.Client detector;
    private final DeadlockDetector.Listener onDeadlock = this::onDeadlock;
    private final Output<T> output;
    /** Per key hash, the parked waiters in arrival order. */
    private final Long2ObjectHashMap<ArrayList<Entry<T>>> queues = new Long2ObjectHashMap<>();
    private int size;
    private long nextSeq;
    /** No waiter's deadline or wake-up time is before this: {@link #tick} scans only from then. */
    private long nextDueMs = Long.MAX_VALUE;

    /**
     * @param config the knobs.
     * @param output where woken and refused waiters go.
     */
    public WaiterManager(final LockWaitConfig config, final Output<T> output) {
        this.config = config;
        this.detector = config.detector();
        this.output = output;
    }

    /**
     * Parks a request that failed, if it is a pessimistic lock request with a wait timeout that met another
     * transaction's lock and has time left; else leaves it to be answered with its error.
     *
     * @param request  the scheduler's handle.
     * @param previous the waiter handed to {@link Output#resume} if the request waited before, else {@code null}.
     * @param command  the request's command.
     * @param error    why it failed.
     * @param nowMs    the scheduler's clock.
     * @return whether the request is now the waiter manager's: parked, or answered (SERVER_BUSY, Deadlock) through
     *         the output.
     */
    public boolean park(
        final T request, final Waiter previous, final TxnCommand command, final TxnException error,
        final long nowMs) {
        if (!(command instanceof AcquirePessimisticLockCommand lockCommand) || lockCommand.waitTimeoutMs() <= 0 ||
            !(error instanceof TxnException.KeyLocked locked) || locked.lock().startTs() == lockCommand.startTs()) {
            return false;
        }
        final long deadlineMs = previous != null ? previous.deadlineMs :
            nowMs + Math.min(lockCommand.waitTimeoutMs(), config.maxWaitTimeoutMs());
        if (deadlineMs <= nowMs) {
            return false;
        }
        if (size >= config.maxWaiters()) {
            output.answer(request, new TxnResponse.Busy(
                size + " requests wait for locks already (bound " + config.maxWaiters() + ")"));
            return true;
        }
        final Waiter waiter = new Waiter(previous != null ? previous.seq : nextSeq++, lockCommand.startTs(),
            locked.key(), keyHash(TxnKeys.encode(locked.key())), locked.lock(), deadlineMs);
        final ArrayList<Entry<T>> queue = queues.computeIfAbsent(waiter.keyHash, hash -> new ArrayList<>(2));
        int index = queue.size();
        while (index > 0 && queue.get(index - 1).waiter.seq > waiter.seq) {
            index--;
        }
        queue.add(index, new Entry<>(request, waiter));
        size++;
        nextDueMs = Math.min(nextDueMs, deadlineMs);
        // Last: a local detector answers a deadlock from inside this call, and finds the waiter parked.
        detector.detect(waiter.startTs, waiter.lockTs(), waiter.keyHash, nowMs, onDeadlock);
        return true;
    }

    /**
     * A write was applied: every lock it deleted is released, and the waiters that met it are woken; every
     * transaction that released a lock is finished as far as the detector is concerned (TiKV's rule: a transaction
     * whose lock goes away is committing, rolling back or undoing a statement, not waiting).
     *
     * @param txns  the command's transactions, with what they staged.
     * @param nowMs the scheduler's clock.
     */
    public void onApplied(final List<MvccTxn> txns, final long nowMs) {
        for (final MvccTxn txn : txns) {
            boolean released = false;
            for (final Modify modify : txn.modifies()) {
                if (modify.family() == ColumnFamily.LOCK && modify.isDelete()) {
                    released = true;
                    onLockReleased(keyHash(modify.key()), txn.startTs(), nowMs);
                }
            }
            if (released) {
                detector.cleanUp(txn.startTs());
            }
        }
    }

    /**
     * The lock of {@code lockTs} on the key of {@code keyHash} is gone: its oldest waiter resumes now, the others
     * after the wake-up delay.
     */
    public void onLockReleased(final long keyHash, final long lockTs, final long nowMs) {
        final ArrayList<Entry<T>> queue = queues.get(keyHash);
        if (queue == null) {
            return;
        }
        final List<Entry<T>> now = new ArrayList<>(1);
        final long wakeAtMs = nowMs + config.wakeUpDelayMs();
        for (int i = 0; i < queue.size(); i++) {
            final Entry<T> entry = queue.get(i);
            final Waiter waiter = entry.waiter;
            if (waiter.lockTs() != lockTs || waiter.wakeAtMs != Long.MAX_VALUE) {
                continue;
            }
            detector.cleanUpWaitFor(waiter.startTs, lockTs, keyHash);
            if (now.isEmpty() || config.wakeUpDelayMs() == 0) {
                now.add(entry);
            } else {
                waiter.wakeAtMs = wakeAtMs;
                nextDueMs = Math.min(nextDueMs, wakeAtMs);
            }
        }
        for (final Entry<T> entry : now) {
            remove(entry);
            output.resume(entry.request, entry.waiter);
        }
    }

    /**
     * Resumes the waiters whose wake-up delay passed and answers KEY_LOCKED to those whose deadline passed, in
     * arrival order; lets the detector keep house.
     */
    public void tick(final long nowMs) {
        detector.tick(nowMs);
        if (nowMs < nextDueMs) {
            return;
        }
        final List<Entry<T>> due = new ArrayList<>();
        long nextMs = Long.MAX_VALUE;
        for (final ArrayList<Entry<T>> queue : queues.values()) {
            for (final Entry<T> entry : queue) {
                final long dueMs = Math.min(entry.waiter.deadlineMs, entry.waiter.wakeAtMs);
                if (dueMs <= nowMs) {
                    due.add(entry);
                } else {
                    nextMs = Math.min(nextMs, dueMs);
                }
            }
        }
        nextDueMs = nextMs;
        due.sort(this::byArrival);
        for (final Entry<T> entry : due) {
            remove(entry);
            final Waiter waiter = entry.waiter;
            if (waiter.wakeAtMs <= nowMs) {
                // Woken by a release: run again even if the deadline passed too; the run answers KEY_LOCKED itself
                // if it meets a lock with no time left.
                output.resume(entry.request, waiter);
            } else {
                detector.cleanUpWaitFor(waiter.startTs, waiter.lockTs(), waiter.keyHash);
                output.answer(entry.request,
                    new TxnResponse.Error(new TxnException.KeyLocked(waiter.key, waiter.lock)));
            }
        }
    }

    /**
     * Removes the waiters whose key {@code inRegion} accepts, without answering: the region lost its leadership (or
     * its range changed) and the server answers them with its region error.
     *
     * @param inRegion tests a waiter's user key.
     * @return the requests removed, in arrival order.
     */
    public List<T> cancel(final Predicate<byte[]> inRegion) {
        final List<Entry<T>> cancelled = new ArrayList<>();
        for (final ArrayList<Entry<T>> queue : queues.values()) {
            for (final Entry<T> entry : queue) {
                if (inRegion.test(entry.waiter.key)) {
                    cancelled.add(entry);
                }
            }
        }
        cancelled.sort(this::byArrival);
        final List<T> requests = new ArrayList<>(cancelled.size());
        for (final Entry<T> entry : cancelled) {
            remove(entry);
            final Waiter waiter = entry.waiter;
            if (waiter.wakeAtMs == Long.MAX_VALUE) {
                detector.cleanUpWaitFor(waiter.startTs, waiter.lockTs(), waiter.keyHash);
            }
            requests.add(entry.request);
        }
        return requests;
    }

    /** @return the number of parked requests, those woken with a delay included until they run. */
    public int size() {
        return size;
    }

    /**
     * The hash by which waiters, released locks and the detector know a key.
     *
     * @param encodedKey the key as in the lock CF ({@link TxnKeys#encode}).
     * @return its 64-bit FNV-1a hash, mixed.
     */
    public static long keyHash(final byte[] encodedKey) {
        long hash = 0xcbf29ce484222325L;
        for (final byte b : encodedKey) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        return hash ^ hash >>> 33;
    }

    private void onDeadlock(
        final long txnTs, final long holderTs, final long keyHash, final long deadlockKeyHash,
        final List<TxnException.WaitFor> waitChain) {
        final ArrayList<Entry<T>> queue = queues.get(keyHash);
        if (queue == null) {
            return;
        }
        for (final Entry<T> entry : queue) {
            final Waiter waiter = entry.waiter;
            if (waiter.startTs == txnTs && waiter.lockTs() == holderTs && waiter.wakeAtMs == Long.MAX_VALUE) {
                remove(entry);
                output.answer(entry.request, new TxnResponse.Error(
                    new TxnException.Deadlock(txnTs, holderTs, waiter.key, deadlockKeyHash, waitChain)));
                return;
            }
        }
        // Already gone (woken, timed out): a late answer of a remote detector is dropped.
    }

    private int byArrival(final Entry<T> a, final Entry<T> b) {
        return Long.compare(a.waiter.seq, b.waiter.seq);
    }

    private void remove(final Entry<T> entry) {
        final ArrayList<Entry<T>> queue = queues.get(entry.waiter.keyHash);
        queue.remove(entry);
        if (queue.isEmpty()) {
            queues.remove(entry.waiter.keyHash);
        }
        size--;
    }

    /**
     * One wait of a request: which lock it met, its place and its deadline. Opaque to the scheduler, which hands it
     * back to {@link #park} when the request waits again.
     */
    public static final class Waiter {
        private final long seq;
        private final long startTs;
        private final byte[] key;
        private final long keyHash;
        private final Lock lock;
        private final long deadlineMs;
        /** When a release woke it with a delay, when it runs; else {@code Long.MAX_VALUE}. */
        private long wakeAtMs = Long.MAX_VALUE;

        private Waiter(
            final long seq, final long startTs, final byte[] key, final long keyHash, final Lock lock,
            final long deadlineMs) {
            this.seq = seq;
            this.startTs = startTs;
            this.key = key;
            this.keyHash = keyHash;
            this.lock = lock;
            this.deadlineMs = deadlineMs;
        }

        /** @return the start ts of the lock it waits for. */
        public long lockTs() {
            return lock.startTs();
        }

        /** @return when its wait ends with KEY_LOCKED, on the scheduler's clock. */
        public long deadlineMs() {
            return deadlineMs;
        }
    }

    private record Entry<T>(T request, Waiter waiter) {
    }
}
