package io.tkv.txn.gc;

import io.tkv.txn.ConcurrencyManager;
import io.tkv.txn.Gc;
import io.tkv.txn.GcBatch;
import io.tkv.txn.MvccReader;
import io.tkv.txn.MvccTxn;
import io.tkv.txn.WriteBatchCodec;
import io.tkv.txn.sched.SnapshotSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Garbage-collects one region's range under a safe point, in bounded steps, as TiKV's GC worker does for a region
 * ({@code gc_worker.rs}, with the lock resolution TiDB's GC leader does before it):
 *
 * <ol>
 * <li>{@link Phase#SCAN_LOCKS}: the locks of the range that started at or before the safe point, at most
 * {@link Config#lockBatch} at a time, as {@code ScanLockCommand} finds them (max ts raised to the safe point first,
 * memory locks of unapplied async-commit prewrites included);</li>
 * <li>{@link Phase#RESOLVING}: each batch handed to the {@link LockResolver}, the store's transaction path, which
 * checks each lock's primary and commits or rolls it back as TiKV's {@code resolve_locks} does; GC goes on only once
 * that is applied, so no version of a transaction that may still commit at or below the safe point is collected;</li>
 * <li>{@link Phase#COLLECT}: one {@link Gc#collect} batch over a fresh snapshot from where the last one stopped;</li>
 * <li>{@link Phase#PROPOSING}: a batch with deletes is handed to the {@link Proposer} as {@link WriteBatchCodec}
 * bytes, to go through Raft (never written to RocksDB here); the next batch waits until it is applied, so its
 * snapshot sees it.</li>
 * </ol>
 * then {@link Phase#DONE}, or {@link Phase#FAILED} (a resolver or proposer failure, an unreadable record): the store
 * tries again later, from the region's start or from {@link #resumeKey()}.
 *
 * <p><b>Threads.</b> None of its own, no locks, no blocking: one owner calls {@link #start} and {@link #doWork}
 * (an agent's duty cycle: {@code doWork} does at most one step and returns 0 while it waits). The callbacks'
 * futures may complete on any thread; the worker only looks at them from {@code doWork}.
 */
public final class GcWorker {
    /** Where a run is. */
    public enum Phase {
        /** No run started. */
        IDLE,
        /** Next: find locks at or below the safe point. */
        SCAN_LOCKS,
        /** Waiting for the resolver to finish a batch of locks. */
        RESOLVING,
        /** Next: collect one batch of old versions. */
        COLLECT,
        /** Waiting for a batch of deletes to be applied. */
        PROPOSING,
        /** The range is collected. */
        DONE,
        /** Stopped on a failure ({@link #failure()}). */
        FAILED
    }

    /** Resolves locks: the store's transaction path (check the primary, then commit or roll back). */
    @FunctionalInterface
    public interface LockResolver {
        /**
         * @param locks     encoded keys and their locks, each with a start ts at or below the safe point (pessimistic
         *                  locks included: a transaction that old cannot commit them any more either).
         * @param safePoint the safe point GC runs under.
         * @return completes once every lock is committed or rolled back and that is applied; exceptionally if any
         *         cannot be (its transaction still alive, say): this run then fails and is tried again later.
         */
        CompletableFuture<Void> resolve(List<MvccReader.KeyLock> locks, long safePoint);
    }

    /** Proposes a write batch through the region's Raft group. */
    @FunctionalInterface
    public interface Proposer {
        /**
         * @param writeBatch {@link WriteBatchCodec} bytes of deletes.
         * @return completes once the batch is applied on this store; exceptionally if it was not (not leader, epoch
         *         changed, ...).
         */
        CompletableFuture<Void> propose(byte[] writeBatch);
    }

    /**
     * The worker's bounds.
     *
     * @param lockBatch     the most locks handed to the resolver at once.
     * @param batchKeys     the most keys one collect step looks at.
     * @param maxWriteBytes about the most bytes of deletes one proposal carries.
     */
    public record Config(int lockBatch, int batchKeys, int maxWriteBytes) {
        /** TiKV's defaults: 256 locks, 512 keys, 32 KiB. */
        public static final Config DEFAULT = new Config(256, Gc.DEFAULT_BATCH_KEYS, Gc.DEFAULT_MAX_WRITE_BYTES);

        /** Checks the bounds. */
        public Config {
            if (lockBatch < 1 || batchKeys < 1 || maxWriteBytes < 1) {
                throw new IllegalArgumentException("GC worker bounds must be positive: " + lockBatch + " locks, "
                    + batchKeys + " keys, " + maxWriteBytes + " bytes");
            }
        }
    }

    private final SnapshotSource snapshots;
    private final ConcurrencyManager concurrencyManager;
    private final LockResolver resolver;
    private final Proposer proposer;
    private final Config config;

    private Phase phase = Phase.IDLE;
    private byte[] startKey;
    private byte[] endKey;
    private long safePoint;
    private byte[] lockCursor;
    private boolean moreLocks;
    private byte[] collectCursor;
    private byte[] nextCollectCursor;
    private CompletableFuture<Void> waiting;
    private Throwable failure;
    private long locksResolved;
    private long keysScanned;
    private long versionsDeleted;
    private long batchesProposed;

    /**
     * @param snapshots          snapshots of the region (its leader's, current when taken).
     * @param concurrencyManager the store's concurrency manager (memory locks, max ts).
     * @param resolver           the store's lock resolution.
     * @param proposer           the store's proposal path for write batches.
     * @param config             the bounds.
     */
    public GcWorker(final SnapshotSource snapshots, final ConcurrencyManager concurrencyManager,
        final LockResolver resolver, final Proposer proposer, final Config config) {
        this.snapshots = snapshots;
        this.concurrencyManager = concurrencyManager;
        this.resolver = resolver;
        this.proposer = proposer;
        this.config = config;
    }

    /**
     * Starts a run over a region's range; any earlier run must be over ({@link #isRunning()} false).
     *
     * @param start     the region's start key (stored key; empty for none).
     * @param end       the region's end key (stored key; empty or {@code null} for none).
     * @param safePoint PD's GC safe point, above 0.
     */
    public void start(final byte[] start, final byte[] end, final long safePoint) {
        if (isRunning()) {
            throw new IllegalStateException("a GC run is in phase " + phase);
        }
        if (safePoint <= 0) {
            throw new IllegalArgumentException("GC safe point " + safePoint + ": nothing may be collected");
        }
        this.startKey = start == null ? new byte[0] : start.clone();
        this.endKey = end == null ? new byte[0] : end.clone();
        this.safePoint = safePoint;
        this.lockCursor = startKey;
        this.collectCursor = startKey;
        this.waiting = null;
        this.failure = null;
        this.locksResolved = 0;
        this.keysScanned = 0;
        this.versionsDeleted = 0;
        this.batchesProposed = 0;
        this.phase = Phase.SCAN_LOCKS;
    }

    /**
     * One step of the run.
     *
     * @return work done: 0 while waiting for a callback or when no run is going.
     */
    public int doWork() {
        try {
            return switch (phase) {
                case SCAN_LOCKS -> scanLocks();
                case RESOLVING -> onResolving();
                case COLLECT -> collect();
                case PROPOSING -> onProposing();
                case IDLE, DONE, FAILED -> 0;
            };
        } catch (final RuntimeException ex) {
            fail(ex);
            return 1;
        }
    }

    private int scanLocks() {
        final List<MvccReader.KeyLock> locks;
        concurrencyManager.updateMaxTs(safePoint);
        final byte[] end = endKey.length == 0 ? null : endKey;
        // Memory locks first, then the snapshot: a lock applied in between is in both, and the stored copy wins.
        final List<MvccReader.KeyLock> memory =
            concurrencyManager.scanLocks(lockCursor, end, safePoint, config.lockBatch());
        try (SnapshotSource.Snapshot snapshot = snapshots.open(); MvccReader reader = new MvccReader(snapshot)) {
            final TreeMap<byte[], MvccReader.KeyLock> merged = new TreeMap<>(Arrays::compareUnsigned);
            for (final MvccReader.KeyLock lock : memory) {
                merged.put(lock.key(), lock);
            }
            for (final MvccReader.KeyLock lock : reader.scanLocks(lockCursor, end, safePoint, config.lockBatch())) {
                merged.put(lock.key(), lock);
            }
            locks = new ArrayList<>(merged.values()).subList(0, Math.min(merged.size(), config.lockBatch()));
        }
        if (locks.isEmpty()) {
            phase = Phase.COLLECT;
            return 1;
        }
        moreLocks = locks.size() == config.lockBatch();
        final byte[] last = locks.get(locks.size() - 1).key();
        // The smallest key after the last one handed over.
        lockCursor = Arrays.copyOf(last, last.length + 1);
        locksResolved += locks.size();
        waiting = resolver.resolve(List.copyOf(locks), safePoint);
        phase = Phase.RESOLVING;
        return 1;
    }

    private int onResolving() {
        if (!waiting.isDone()) {
            return 0;
        }
        final Throwable error = failureOf(waiting);
        waiting = null;
        if (error != null) {
            fail(error);
        } else {
            phase = moreLocks ? Phase.SCAN_LOCKS : Phase.COLLECT;
        }
        return 1;
    }

    private int collect() {
        final MvccTxn txn = new MvccTxn(0, concurrencyManager);
        final GcBatch batch;
        try (SnapshotSource.Snapshot snapshot = snapshots.open(); MvccReader reader = new MvccReader(snapshot)) {
            batch = Gc.collect(txn, reader, collectCursor, endKey, safePoint, config.batchKeys(),
                config.maxWriteBytes());
        }
        keysScanned += batch.keys();
        versionsDeleted += batch.deletedVersions();
        if (txn.isEmpty()) {
            advance(batch.nextKey());
            return 1;
        }
        nextCollectCursor = batch.nextKey();
        batchesProposed++;
        waiting = proposer.propose(WriteBatchCodec.encode(txn.modifies()));
        phase = Phase.PROPOSING;
        return 1;
    }

    private int onProposing() {
        if (!waiting.isDone()) {
            return 0;
        }
        final Throwable error = failureOf(waiting);
        waiting = null;
        if (error != null) {
            fail(error);
        } else {
            advance(nextCollectCursor);
        }
        return 1;
    }

    private void advance(final byte[] next) {
        if (next == null) {
            phase = Phase.DONE;
        } else {
            collectCursor = next;
            phase = Phase.COLLECT;
        }
    }

    private void fail(final Throwable error) {
        failure = error;
        phase = Phase.FAILED;
    }

    private static Throwable failureOf(final CompletableFuture<Void> future) {
        if (!future.isCompletedExceptionally()) {
            return null;
        }
        try {
            future.join();
            return null;
        } catch (final RuntimeException ex) {
            return ex.getCause() != null ? ex.getCause() : ex;
        }
    }

    /** @return whether a run is going (not idle, done or failed). */
    public boolean isRunning() {
        return phase != Phase.IDLE && phase != Phase.DONE && phase != Phase.FAILED;
    }

    /** @return where the run is. */
    public Phase phase() {
        return phase;
    }

    /** @return why the run failed, or {@code null}. */
    public Throwable failure() {
        return failure;
    }

    /**
     * @return the stored key the collection would go on from (the region's start until locks are resolved): a failed
     *         run may be started again from here with the same safe point, once its locks are resolved.
     */
    public byte[] resumeKey() {
        return collectCursor.clone();
    }

    /** @return the safe point of the current or last run. */
    public long safePoint() {
        return safePoint;
    }

    /** @return locks handed to the resolver in this run. */
    public long locksResolved() {
        return locksResolved;
    }

    /** @return keys looked at in this run. */
    public long keysScanned() {
        return keysScanned;
    }

    /** @return write records deleted in this run (proposed, applied once the run is done). */
    public long versionsDeleted() {
        return versionsDeleted;
    }

    /** @return write batches proposed in this run. */
    public long batchesProposed() {
        return batchesProposed;
    }
}
