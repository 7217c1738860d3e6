package io.tkv.txn.lockwait;

import io.tkv.txn.TxnException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

/**
 * The wait-for graph of pessimistic lock waits, as TiKV's {@code DetectTable} ({@code lock_manager/deadlock.rs}): an
 * edge {@code txn → holder} says transaction {@code txn} waits for a lock of {@code holder}, on the keys of the hashes
 * it lists. {@link #detect} adds an edge unless it would close a cycle, in which case it returns the cycle (the wait
 * chain) and adds nothing: the waiter that closes a cycle is the one refused with
 * {@link TxnException.Deadlock Deadlock}; the transactions already waiting keep waiting.
 *
 * <p><b>Expiry</b>: every edge lives {@code ttlMs} after it was last detected, as TiKV's 3 s ttl; an edge whose
 * clean-up was lost (a waiter on a store that crashed, a clean-up message dropped) thus stops reporting false
 * deadlocks. Expired edges are dropped as the search meets them and by {@link #expire}. The ttl must exceed the
 * longest wait ({@link LockWaitConfig#maxWaitTimeoutMs}): a live waiter's edge must not expire while it waits.
 *
 * <p><b>One detector per cluster</b>: a deadlock across stores (txn A waits on store 1 for B, B waits on store 2 for
 * A) is only seen by a detector that holds both edges. TiKV runs the detector on the store leading the region that
 * holds the empty key (the first region) and routes every store's detect and clean-up requests to it over a stream;
 * on leader change the table is rebuilt from fresh detects. tkv's server will do the same through a remote
 * {@link Client}; until then each store uses {@link #localClient}, which finds the deadlocks among its own waiters
 * only (those across stores end by wait timeout instead).
 *
 * <p>Single-threaded: owned by the thread that calls it (the scheduler's, for the local client; the detector agent's
 * on the leader, later). Time is passed in.
 */
public final class DeadlockDetector {
    /**
     * How a store's waiter manager reaches the cluster's detector: asynchronously, so that the detector can live on
     * another store. A remote implementation sends the requests on and calls the listener back on the scheduler
     * thread when a deadlock answer arrives.
     */
    public interface Client {
        /**
         * Asks whether {@code txnTs} waiting for {@code holderTs} closes a cycle; if it does, {@code listener} is
         * told (at once for the local client, later for a remote one), else the wait is registered.
         *
         * @param txnTs    the waiting transaction's start ts.
         * @param holderTs the lock holder's start ts.
         * @param keyHash  the hash of the locked key.
         * @param nowMs    the caller's clock, in milliseconds.
         * @param listener told of a deadlock.
         */
        void detect(long txnTs, long holderTs, long keyHash, long nowMs, Listener listener);

        /** A wait ended (woken, timed out, cancelled): removes that one edge. */
        void cleanUpWaitFor(long txnTs, long holderTs, long keyHash);

        /** A transaction finished (its locks were released): removes every wait of it. */
        void cleanUp(long txnTs);

        /** Called from the scheduler's tick, for housekeeping; a remote client has none. */
        default void tick(final long nowMs) {
        }
    }

    /** Told when a detect request found a deadlock. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param txnTs           the waiting transaction whose wait would close the cycle.
         * @param holderTs        the holder it would wait for.
         * @param keyHash         the hash of the key it would wait on.
         * @param deadlockKeyHash the hash of the key on which the cycle comes back to {@code txnTs}.
         * @param waitChain       the cycle, from {@code holderTs} around to {@code txnTs}, ending with the new wait.
         */
        void onDeadlock(long txnTs, long holderTs, long keyHash, long deadlockKeyHash,
            List<TxnException.WaitFor> waitChain);
    }

    private final long ttlMs;
    /** txn → (holder → edge). */
    private final Long2ObjectHashMap<Long2ObjectHashMap<Edge>> waitFor = new Long2ObjectHashMap<>();
    private int edgeCount;

    /**
     * @param ttlMs how long an edge lives after it was last detected, in milliseconds.
     */
    public DeadlockDetector(final long ttlMs) {
        if (ttlMs <= 0) {
            throw new IllegalArgumentException("detector ttl must be positive: " + ttlMs);
        }
        this.ttlMs = ttlMs;
    }

    /**
     * Adds {@code txnTs → holderTs} unless it closes a cycle. An edge that exists already only gets the key hash and
     * a new detect time: a transaction waiting for the same holder on a second key closes no new cycle.
     *
     * @return {@code null} if the wait was registered; else the cycle, from {@code holderTs} around to {@code txnTs},
     *         with the new wait ({@code txnTs → holderTs}) as its last entry.
     */
    public List<TxnException.WaitFor> detect(
        final long txnTs, final long holderTs, final long keyHash, final long nowMs) {
        if (txnTs == holderTs) {
            throw new IllegalArgumentException("txn " + txnTs + " cannot wait for itself");
        }
        Long2ObjectHashMap<Edge> out = waitFor.get(txnTs);
        final Edge existing = out == null ? null : out.get(holderTs);
        if (existing != null && !existing.isExpired(nowMs, ttlMs)) {
            existing.add(keyHash, nowMs);
            return null;
        }
        final List<TxnException.WaitFor> cycle = findPath(holderTs, txnTs, nowMs);
        if (cycle != null) {
            cycle.add(new TxnException.WaitFor(txnTs, holderTs, keyHash));
            return Collections.unmodifiableList(cycle);
        }
        if (out == null) {
            out = new Long2ObjectHashMap<>();
            waitFor.put(txnTs, out);
        }
        if (existing == null) {
            out.put(holderTs, new Edge(keyHash, nowMs));
            edgeCount++;
        } else {
            existing.keyHashes.clear();
            existing.add(keyHash, nowMs);
        }
        return null;
    }

    /** Removes one key of the wait {@code txnTs → holderTs}, and the edge once it has no key left. */
    public void cleanUpWaitFor(final long txnTs, final long holderTs, final long keyHash) {
        final Long2ObjectHashMap<Edge> out = waitFor.get(txnTs);
        if (out == null) {
            return;
        }
        final Edge edge = out.get(holderTs);
        if (edge != null && edge.remove(keyHash)) {
            out.remove(holderTs);
            edgeCount--;
            if (out.isEmpty()) {
                waitFor.remove(txnTs);
            }
        }
    }

    /** Removes every wait of a transaction that finished. */
    public void cleanUp(final long txnTs) {
        final Long2ObjectHashMap<Edge> out = waitFor.remove(txnTs);
        if (out != null) {
            edgeCount -= out.size();
        }
    }

    /** Drops every expired edge. */
    public void expire(final long nowMs) {
        final LongArrayList emptied = new LongArrayList();
        waitFor.forEach((txnTs, out) -> {
            edgeCount -= removeExpired(out, nowMs);
            if (out.isEmpty()) {
                emptied.addLong(txnTs);
            }
        });
        for (int i = 0; i < emptied.size(); i++) {
            waitFor.remove(emptied.getLong(i));
        }
    }

    /** @return the number of edges, expired ones included until they are dropped. */
    public int edgeCount() {
        return edgeCount;
    }

    /** @return the ttl of an edge, in milliseconds. */
    public long ttlMs() {
        return ttlMs;
    }

    /**
     * @return a client that runs every request on this detector at once, on the caller's thread: for a single store,
     *         and until the server routes detection to the cluster's one detector. Its tick drops expired edges once
     *         per ttl.
     */
    public Client localClient() {
        return new Client() {
            private long nextExpireMs = Long.MIN_VALUE;

            @Override
            public void detect(
                final long txnTs, final long holderTs, final long keyHash, final long nowMs,
                final Listener listener) {
                final List<TxnException.WaitFor> cycle = DeadlockDetector.this.detect(txnTs, holderTs, keyHash, nowMs);
                if (cycle != null) {
                    // The edge into txnTs, just before the new wait, is where the cycle comes back to it.
                    final long deadlockKeyHash = cycle.get(cycle.size() - 2).keyHash();
                    listener.onDeadlock(txnTs, holderTs, keyHash, deadlockKeyHash, cycle);
                }
            }

            @Override
            public void cleanUpWaitFor(final long txnTs, final long holderTs, final long keyHash) {
                DeadlockDetector.this.cleanUpWaitFor(txnTs, holderTs, keyHash);
            }

            @Override
            public void cleanUp(final long txnTs) {
                DeadlockDetector.this.cleanUp(txnTs);
            }

            @Override
            public void tick(final long nowMs) {
                if (nowMs >= nextExpireMs) {
                    expire(nowMs);
                    nextExpireMs = nowMs + ttlMs;
                }
            }
        };
    }

    /**
     * Depth-first search from {@code from} for {@code target} over live edges, dropping expired ones it meets.
     *
     * @return the path's edges in order, or {@code null}.
     */
    private List<TxnException.WaitFor> findPath(final long from, final long target, final long nowMs) {
        final Long2ObjectHashMap<TxnException.WaitFor> reachedBy = new Long2ObjectHashMap<>();
        final LongArrayList stack = new LongArrayList();
        stack.addLong(from);
        reachedBy.put(from, new TxnException.WaitFor(from, from, 0));
        while (!stack.isEmpty()) {
            final long txnTs = stack.removeAt(stack.size() - 1);
            final Long2ObjectHashMap<Edge> out = waitFor.get(txnTs);
            if (out == null) {
                continue;
            }
            edgeCount -= removeExpired(out, nowMs);
            if (out.isEmpty()) {
                waitFor.remove(txnTs);
                continue;
            }
            for (final Long2ObjectHashMap<Edge>.EntryIterator it = out.entrySet().iterator(); it.hasNext(); ) {
                it.next();
                final long holderTs = it.getLongKey();
                final TxnException.WaitFor edge =
                    new TxnException.WaitFor(txnTs, holderTs, it.getValue().keyHashes.getLong(0));
                if (holderTs == target) {
                    return pathTo(edge, from, reachedBy);
                }
                if (!reachedBy.containsKey(holderTs)) {
                    reachedBy.put(holderTs, edge);
                    stack.addLong(holderTs);
                }
            }
        }
        return null;
    }

    private static List<TxnException.WaitFor> pathTo(
        final TxnException.WaitFor last, final long from, final Long2ObjectHashMap<TxnException.WaitFor> reachedBy) {
        final List<TxnException.WaitFor> path = new ArrayList<>();
        path.add(last);
        for (long txnTs = last.txnTs(); txnTs != from; ) {
            final TxnException.WaitFor edge = reachedBy.get(txnTs);
            path.add(edge);
            txnTs = edge.txnTs();
        }
        Collections.reverse(path);
        return path;
    }

    private int removeExpired(final Long2ObjectHashMap<Edge> out, final long nowMs) {
        int removed = 0;
        for (final Long2ObjectHashMap<Edge>.ValueIterator it = out.values().iterator(); it.hasNext(); ) {
            if (it.next().isExpired(nowMs, ttlMs)) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    /** One wait-for edge: the keys it waits on (hashes, first one reported) and when it was last detected. */
    private static final class Edge {
        private final LongArrayList keyHashes = new LongArrayList(2, Long.MIN_VALUE);
        private long lastDetectMs;

        Edge(final long keyHash, final long nowMs) {
            add(keyHash, nowMs);
        }

        void add(final long keyHash, final long nowMs) {
            if (!keyHashes.containsLong(keyHash)) {
                keyHashes.addLong(keyHash);
            }
            lastDetectMs = nowMs;
        }

        /** @return whether no key is left. */
        boolean remove(final long keyHash) {
            final int index = keyHashes.indexOf(keyHash);
            if (index >= 0) {
                keyHashes.removeAt(index);
            }
            return keyHashes.isEmpty();
        }

        boolean isExpired(final long nowMs, final long ttlMs) {
            return nowMs - lastDetectMs >= ttlMs;
        }
    }
}
