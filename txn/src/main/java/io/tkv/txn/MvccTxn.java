package io.tkv.txn;

import io.tkv.storage.ColumnFamily;
import io.tkv.storage.EngineWriteBatch;
import io.tkv.storage.StorageEngine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The modifications one transactional command computes, in order, as TiKV's {@code MvccTxn}: actions stage puts and
 * deletes here and never write. The server turns {@link #modifies()} into one Raft command; tests
 * {@link #applyTo apply} them to RocksDB in one write batch. It also holds the memory locks of async-commit and 1PC
 * prewrites ({@link ConcurrencyManager}) until the write is applied, and the locks a 1PC prewrite will commit.
 */
public final class MvccTxn {
    private final long startTs;
    private final ConcurrencyManager concurrencyManager;
    private final List<Modify> modifies = new ArrayList<>();
    private final List<ConcurrencyManager.KeyGuard> guards = new ArrayList<>();
    private final List<OnePcLock> onePcLocks = new ArrayList<>();

    /**
     * @param startTs            the start ts of the transaction the command acts for.
     * @param concurrencyManager the store's concurrency manager.
     */
    public MvccTxn(final long startTs, final ConcurrencyManager concurrencyManager) {
        this.startTs = startTs;
        this.concurrencyManager = concurrencyManager;
    }

    /** @return the start ts of the transaction. */
    public long startTs() {
        return startTs;
    }

    /** @return the store's concurrency manager. */
    public ConcurrencyManager concurrencyManager() {
        return concurrencyManager;
    }

    /** Stages a lock. */
    public void putLock(final byte[] key, final Lock lock) {
        modifies.add(new Modify(ColumnFamily.LOCK, key, lock.encode()));
    }

    /** Stages the removal of a key's lock. */
    public void unlockKey(final byte[] key) {
        modifies.add(new Modify(ColumnFamily.LOCK, key, null));
    }

    /** Stages a value in the default CF at {@code key ~ts}. */
    public void putValue(final byte[] key, final long ts, final byte[] value) {
        modifies.add(new Modify(ColumnFamily.DEFAULT, TxnKeys.withTs(key, ts), value));
    }

    /** Stages the removal of the value at {@code key ~ts}. */
    public void deleteValue(final byte[] key, final long ts) {
        modifies.add(new Modify(ColumnFamily.DEFAULT, TxnKeys.withTs(key, ts), null));
    }

    /** Stages a write record at {@code key ~commitTs}. */
    public void putWrite(final byte[] key, final long commitTs, final Write write) {
        modifies.add(new Modify(ColumnFamily.WRITE, TxnKeys.withTs(key, commitTs), write.encode()));
    }

    /** Stages the removal of the write record at {@code key ~commitTs}. */
    public void deleteWrite(final byte[] key, final long commitTs) {
        modifies.add(new Modify(ColumnFamily.WRITE, TxnKeys.withTs(key, commitTs), null));
    }

    /** Keeps a memory lock until the write is applied. */
    void addGuard(final ConcurrencyManager.KeyGuard guard) {
        guards.add(guard);
    }

    /**
     * Remembers a lock a 1PC prewrite will commit directly, instead of staging it.
     *
     * @param hasPessimisticLock whether a pessimistic lock of the transaction is on the key (to be deleted).
     */
    void putLockFor1pc(final byte[] key, final Lock lock, final boolean hasPessimisticLock) {
        onePcLocks.add(new OnePcLock(key, lock, hasPessimisticLock));
    }

    /** @return whether 1PC locks are waiting for {@link #commitOnePc} or {@link #fallBackFromOnePc}. */
    public boolean hasOnePcLocks() {
        return !onePcLocks.isEmpty();
    }

    /**
     * Commits the 1PC locks at {@code commitTs} (the largest min commit ts of the prewrite): each becomes its write
     * record, and pessimistic locks on the keys are removed.
     */
    public void commitOnePc(final long commitTs) {
        for (final OnePcLock pending : onePcLocks) {
            final Lock lock = pending.lock();
            putWrite(pending.key(), commitTs, Write.of(WriteType.ofLock(lock.type()), startTs, lock.shortValue()));
            if (pending.hasPessimisticLock()) {
                unlockKey(pending.key());
            }
        }
        onePcLocks.clear();
    }

    /**
     * Writes the 1PC locks as ordinary locks instead (the transaction falls back to 2PC, as TiKV does when 1PC's
     * commit ts would pass the client's max commit ts).
     */
    public void fallBackFromOnePc() {
        for (final OnePcLock pending : onePcLocks) {
            putLock(pending.key(), pending.lock());
        }
        onePcLocks.clear();
    }

    /**
     * Drops every staged modification and 1PC lock (the request turned out to need no write); memory locks stay with
     * their owner, released as usual.
     */
    public void clear() {
        modifies.clear();
        onePcLocks.clear();
    }

    /** @return the staged modifications, in order. */
    public List<Modify> modifies() {
        if (!onePcLocks.isEmpty()) {
            throw new IllegalStateException("1PC locks neither committed nor fallen back");
        }
        return Collections.unmodifiableList(modifies);
    }

    /** @return whether nothing is staged. */
    public boolean isEmpty() {
        return modifies.isEmpty() && onePcLocks.isEmpty();
    }

    /**
     * Writes the modifications to the engine in one batch, then releases the memory locks: for tests and tools; the
     * server proposes {@link #modifies()} through Raft and releases after apply.
     */
    public void applyTo(final StorageEngine engine) {
        try (EngineWriteBatch batch = new EngineWriteBatch(engine)) {
            for (final Modify modify : modifies()) {
                if (modify.isDelete()) {
                    batch.delete(modify.family(), modify.key());
                } else {
                    batch.put(modify.family(), modify.key(), modify.value());
                }
            }
            batch.write();
        }
        releaseGuards();
    }

    /** Releases the memory locks: after the write is applied, or when the command is abandoned. */
    public void releaseGuards() {
        for (final ConcurrencyManager.KeyGuard guard : guards) {
            guard.release();
        }
        guards.clear();
    }

    private record OnePcLock(byte[] key, Lock lock, boolean hasPessimisticLock) {
    }
}
