package io.tkv.client.txn;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One transaction, begun by {@link TxnKvClient#begin(TxnMode)}: snapshot-isolation reads at its start ts merged with
 * its own buffered writes, writes buffered until {@link #commit()}.
 *
 * <p><b>Optimistic</b>: conflicts are found at commit (the loser gets {@link WriteConflictException} and is rolled
 * back); {@link #getForUpdate} reads at the start ts and adds a LOCK mutation so a concurrent write of the key
 * conflicts at commit. <b>Pessimistic</b>: {@link #put}, {@link #delete} and {@link #getForUpdate} lock their key at
 * once with a for-update ts from the TSO (the first key locked becomes the primary and its lock is heart-beaten);
 * a key locked by a live transaction is waited for on the store, then with backoff, until the lock-wait deadline
 * ({@link KeyLockedException}); a wait that would close a cycle of waiting transactions rolls this one back and
 * throws {@link DeadlockException}; a key committed by another transaction since the for-update ts is locked again at
 * a fresh one. {@link #getForUpdate} then reads the latest committed value, which nobody can change until this
 * transaction ends. Plain {@link #get} reads the snapshot in both modes.
 *
 * <p>Not thread-safe: one thread at a time. Close it (or commit, or roll back): an open transaction holds its
 * pessimistic locks and their heartbeat.
 */
public final class Transaction implements AutoCloseable {
    /** Where the transaction is in its life. */
    public enum State {
        /** Reading and writing. */
        ACTIVE,
        /** Committed. */
        COMMITTED,
        /** Rolled back, by the caller or after a failed commit. */
        ROLLED_BACK,
        /** The commit's outcome is unknown ({@link UndeterminedException}). */
        UNDETERMINED
    }

    private final TxnKvClient client;
    private final TxnMode mode;
    private final long startTs;
    private final TxnSnapshot snapshot;
    private final TreeMap<byte[], Mutation> writes = new TreeMap<>(Keys.ORDER);
    private final TreeSet<byte[]> readLocks = new TreeSet<>(Keys.ORDER);
    private final PessimisticLocks pessimistic;
    private State state = State.ACTIVE;
    private long commitTs;
    private CommitKind commitKind;

    Transaction(final TxnKvClient client, final TxnMode mode, final long startTs) {
        this.client = client;
        this.mode = mode;
        this.startTs = startTs;
        this.snapshot = client.snapshot(startTs);
        this.pessimistic = mode == TxnMode.PESSIMISTIC ? new PessimisticLocks(client, startTs) : null;
    }

    /** @return the start ts: the snapshot every read sees. */
    public long startTs() {
        return startTs;
    }

    /** @return the mode. */
    public TxnMode mode() {
        return mode;
    }

    /** @return where the transaction is in its life. */
    public State state() {
        return state;
    }

    /** @return the commit ts once committed, else 0. */
    public long commitTs() {
        return commitTs;
    }

    /**
     * @return how the commit was carried out ({@code null} before a commit with writes): a store may fall back from
     *     1PC or async commit to 2PC, and benchmarks check which protocol they measured.
     */
    public CommitKind commitKind() {
        return commitKind;
    }

    /** @return the key's value: this transaction's write, else the snapshot's; {@code null} if none. */
    public byte[] get(final byte[] key) {
        checkActive();
        final Mutation buffered = writes.get(key);
        if (buffered != null) {
            return buffered.value();
        }
        return snapshot.get(key);
    }

    /** @return the keys that have a value, in key order, this transaction's writes included. */
    public List<KeyValue> batchGet(final List<byte[]> keys) {
        checkActive();
        final TreeMap<byte[], byte[]> found = new TreeMap<>(Keys.ORDER);
        final List<byte[]> unbuffered = new ArrayList<>(keys.size());
        for (final byte[] key : keys) {
            final Mutation buffered = writes.get(key);
            if (buffered == null) {
                unbuffered.add(key);
            } else if (buffered.value() != null) {
                found.put(key, buffered.value());
            }
        }
        if (!unbuffered.isEmpty()) {
            for (final KeyValue pair : snapshot.batchGet(unbuffered)) {
                found.put(pair.key(), pair.value());
            }
        }
        final List<KeyValue> out = new ArrayList<>(found.size());
        found.forEach((key, value) -> out.add(new KeyValue(key, value)));
        return out;
    }

    /**
     * @param startKey the first key.
     * @param endKey   exclusive; {@code null} for the end of the key space.
     * @param limit    the most pairs.
     * @return the pairs of {@code [startKey, endKey)} in key order, this transaction's writes included.
     */
    public List<KeyValue> scan(final byte[] startKey, final byte[] endKey, final int limit) {
        checkActive();
        return new MergedScan(snapshot, writes, client.config().scanBatchSize()).scan(startKey, endKey, limit, false);
    }

    /** @return the pairs of {@code [startKey, endKey)} from the end down, at most {@code limit}. */
    public List<KeyValue> reverseScan(final byte[] startKey, final byte[] endKey, final int limit) {
        checkActive();
        return new MergedScan(snapshot, writes, client.config().scanBatchSize()).scan(startKey, endKey, limit, true);
    }

    /** Buffers a put; a pessimistic transaction locks the key first. */
    public void put(final byte[] key, final byte[] value) {
        checkActive();
        if (pessimistic != null) {
            lockPessimistic(key);
        }
        final Mutation buffered = writes.get(key);
        final boolean insert = buffered != null && buffered.op() == Mutation.Op.INSERT;
        writes.put(key, new Mutation(insert ? Mutation.Op.INSERT : Mutation.Op.PUT, key, value));
    }

    /**
     * Buffers an insert: a put that fails the commit with {@link KeyExistsException} if the key has a value (at the
     * start ts; in a pessimistic transaction, once it holds the key's lock). A key this transaction already wrote a
     * value to fails at once; one it deleted is simply put. Put over an insert keeps the check with the new value; a
     * delete over an insert deletes without it.
     *
     * @throws KeyExistsException if this transaction wrote a value to the key already.
     */
    public void insert(final byte[] key, final byte[] value) {
        checkActive();
        final Mutation buffered = writes.get(key);
        if (buffered != null && buffered.value() != null) {
            throw new KeyExistsException(key);
        }
        if (pessimistic != null) {
            lockPessimistic(key);
        }
        writes.put(key, new Mutation(buffered == null ? Mutation.Op.INSERT : Mutation.Op.PUT, key, value));
    }

    /** Buffers a delete; a pessimistic transaction locks the key first. */
    public void delete(final byte[] key) {
        checkActive();
        if (pessimistic != null) {
            lockPessimistic(key);
        }
        writes.put(key, new Mutation(Mutation.Op.DELETE, key, null));
    }

    /**
     * Reads a key this transaction means to write from it. Pessimistic: locks the key and returns its latest
     * committed value (or this transaction's write). Optimistic: returns the snapshot's value and makes a write of the
     * key by another transaction after the start ts a conflict at commit.
     */
    public byte[] getForUpdate(final byte[] key) {
        checkActive();
        if (pessimistic == null) {
            final byte[] value = get(key);
            readLocks.add(key);
            return value;
        }
        lockPessimistic(key);
        final Mutation buffered = writes.get(key);
        if (buffered != null) {
            return buffered.value();
        }
        // Locked at or before the largest for-update ts: no one can have committed the key since.
        return client.snapshot(pessimistic.forUpdateTs()).get(key);
    }

    /**
     * Commits, as {@link Committer} describes (1PC, async commit or 2PC). A transaction without writes or locks
     * commits at once, at ts 0.
     *
     * @return the commit ts.
     * @throws KeyErrorException     a prewrite failed on a key ({@link WriteConflictException},
     *                               {@link KeyLockedException}, ...): rolled back.
     * @throws TxnAbortedException   not committed: rolled back.
     * @throws UndeterminedException the outcome is unknown.
     */
    public long commit() {
        checkActive();
        final TreeMap<byte[], Mutation> mutations = new TreeMap<>(writes);
        for (final byte[] key : readLocks) {
            mutations.putIfAbsent(key, new Mutation(Mutation.Op.LOCK, key, null));
        }
        byte[] primary = null;
        if (pessimistic != null) {
            for (final byte[] key : pessimistic.lockedKeys()) {
                mutations.putIfAbsent(key, new Mutation(Mutation.Op.LOCK, key, null));
            }
            primary = pessimistic.primary();
        }
        if (mutations.isEmpty()) {
            state = State.COMMITTED;
            return 0;
        }
        if (primary == null) {
            primary = mutations.firstKey();
        }
        final Committer committer = new Committer(client, startTs, primary, mutations,
            pessimistic == null ? 0 : pessimistic.forUpdateTs(), pessimistic == null ? null : pessimistic.heartbeat());
        try {
            commitTs = committer.commit();
            commitKind = committer.kind();
            state = State.COMMITTED;
            return commitTs;
        } catch (final UndeterminedException ex) {
            state = State.UNDETERMINED;
            throw ex;
        } catch (final RuntimeException ex) {
            state = State.ROLLED_BACK;
            throw ex;
        } finally {
            if (pessimistic != null) {
                pessimistic.stopHeartbeat();
            }
        }
    }

    /** Locks a key; on a deadlock the transaction is rolled back before the exception reaches the caller (TiDB). */
    private void lockPessimistic(final byte[] key) {
        try {
            pessimistic.lock(List.of(key));
        } catch (final DeadlockException ex) {
            rollback();
            throw ex;
        }
    }

    /** Rolls back: drops the buffered writes and releases pessimistic locks. Idempotent before commit. */
    public void rollback() {
        if (state == State.ROLLED_BACK) {
            return;
        }
        checkActive();
        state = State.ROLLED_BACK;
        if (pessimistic != null) {
            pessimistic.release();
        }
    }

    /** Rolls back unless committed (or undetermined). */
    @Override
    public void close() {
        if (state == State.ACTIVE) {
            rollback();
        }
    }

    private void checkActive() {
        if (state != State.ACTIVE) {
            throw new IllegalStateException("txn " + startTs + " is " + state);
        }
    }

    /** A scan of the snapshot merged with the buffered writes, paging through the store. */
    private record MergedScan(TxnSnapshot snapshot, TreeMap<byte[], Mutation> writes, int pageSize) {
        List<KeyValue> scan(final byte[] startKey, final byte[] endKey, final int limit, final boolean reverse) {
            final List<KeyValue> out = new ArrayList<>();
            byte[] from = startKey;
            byte[] to = endKey;
            while (out.size() < limit) {
                final List<KeyValue> page = snapshot.scan(from, to, pageSize, reverse);
                final boolean more = page.size() == pageSize;
                final byte[] last = more ? page.get(page.size() - 1).key() : null;
                // The buffered writes the page covers: up to its last key if more may follow, else the whole rest.
                NavigableMap<byte[], Mutation> buffered;
                if (!reverse) {
                    buffered = to == null ? writes.tailMap(from, true) : writes.subMap(from, true, to, false);
                    if (more) {
                        buffered = buffered.headMap(last, true);
                    }
                } else {
                    buffered = (to == null ? writes.tailMap(from, true) : writes.subMap(from, true, to, false))
                        .descendingMap();
                    if (more) {
                        buffered = buffered.headMap(last, true);
                    }
                }
                merge(page, buffered, reverse, limit, out);
                if (!more) {
                    break;
                }
                if (reverse) {
                    to = last;
                } else {
                    from = Keys.next(last);
                }
            }
            return out;
        }

        private static void merge(
            final List<KeyValue> page, final NavigableMap<byte[], Mutation> buffered, final boolean reverse,
            final int limit, final List<KeyValue> out) {
            final var writesIt = buffered.values().iterator();
            Mutation write = writesIt.hasNext() ? writesIt.next() : null;
            int i = 0;
            while (out.size() < limit && (i < page.size() || write != null)) {
                final KeyValue stored = i < page.size() ? page.get(i) : null;
                int order = stored == null ? 1 : write == null ? -1 : Keys.ORDER.compare(stored.key(), write.key());
                if (reverse && stored != null && write != null) {
                    order = -order;
                }
                if (order < 0) {
                    out.add(stored);
                    i++;
                    continue;
                }
                if (write.value() != null) {
                    out.add(new KeyValue(write.key(), write.value()));
                }
                if (order == 0) {
                    i++;
                }
                write = writesIt.hasNext() ? writesIt.next() : null;
            }
        }
    }
}
