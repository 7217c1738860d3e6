package io.tkv.txn.sched;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Per-key latches, as TiKV's {@code storage/txn/latch.rs}: commands on the same keys run one after another, in the
 * order they arrived, while commands on other keys run freely.
 *
 * <p>Each key is hashed to 64 bits and the hash to a slot; a slot is a FIFO queue of (hash, request). A request owns
 * the latch of a hash when it is the first entry of that hash in its slot (keys of different hashes sharing a slot do
 * not block each other). A request takes its hashes in ascending order, each either at once or by queueing on it and
 * stopping there; when the owner releases, the next in line on that hash is woken and continues from where it
 * stopped. <b>Deadlock-free:</b> a request waits on one hash at a time and holds only smaller ones, so a cycle of
 * waits would need a hash smaller than itself. <b>Fair per key:</b> each hash's queue is FIFO, so commands on one key
 * (or on the same keys) run in arrival order; as in TiKV, a command enters a key's queue only once it holds the keys
 * hashed before it, so a later command on an overlapping key set may get ahead on a key the earlier one has not
 * reached yet (which keeps a waiting command from blocking keys it does not hold). Two keys with the same 64-bit hash
 * merely serialise.
 *
 * <p><b>Single-threaded</b>, for the store's scheduler thread: nothing blocks and nothing locks. {@link #acquire}
 * answers acquired, queued or busy; {@link #release} answers the requests that became ready, for the caller's loop to
 * run. <b>Bounded:</b> at most {@code maxWaiting} requests wait; a new one that would wait beyond that is refused
 * ({@link Acquire#BUSY}, the server's SERVER_BUSY) without entering any queue.
 *
 * @param <T> what a request stands for (the scheduler's task).
 */
public final class Latches<T> {
    /** What {@link #acquire} did. */
    public enum Acquire {
        /** The request holds all its latches: run it. */
        ACQUIRED,
        /** The request waits; {@link #release} of another request will hand it back when it is ready. */
        QUEUED,
        /** Too many requests wait: refused, holding and waiting for nothing. */
        BUSY
    }

    private final ArrayDeque<Entry>[] slots;
    private final int mask;
    private final int maxWaiting;
    private int waiting;

    /**
     * @param slotCount  the number of slots, rounded up to a power of two (TiKV's default is 2048000 for a store; a
     *                   few thousand suffice for tests).
     * @param maxWaiting the most requests that may wait at once; more are refused.
     */
    @SuppressWarnings("unchecked")
    public Latches(final int slotCount, final int maxWaiting) {
        if (slotCount < 1 || slotCount > 1 << 30) {
            throw new IllegalArgumentException("slotCount must be in [1, 2^30]: " + slotCount);
        }
        if (maxWaiting < 0) {
            throw new IllegalArgumentException("maxWaiting must not be negative: " + maxWaiting);
        }
        final int size = Integer.bitCount(slotCount) == 1 ? slotCount : Integer.highestOneBit(slotCount) << 1;
        this.slots = new ArrayDeque[size];
        this.mask = size - 1;
        this.maxWaiting = maxWaiting;
    }

    /**
     * @param keys  the keys the command touches (any order, duplicates allowed).
     * @param owner what the request stands for, handed back by {@link #release} when it becomes ready.
     * @return a request holding nothing yet.
     */
    public Request<T> request(final List<byte[]> keys, final T owner) {
        final long[] hashes = new long[keys.size()];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = hash(keys.get(i));
        }
        Arrays.sort(hashes);
        int distinct = 0;
        for (int i = 0; i < hashes.length; i++) {
            if (i == 0 || hashes[i] != hashes[distinct - 1]) {
                hashes[distinct++] = hashes[i];
            }
        }
        return new Request<>(Arrays.copyOf(hashes, distinct), owner);
    }

    /**
     * Takes the request's latches, or queues it on the first one held by another. Call once per request.
     *
     * @return whether it holds them all now, waits, or is refused.
     * @throws IllegalStateException if the request was acquired or queued before.
     */
    public Acquire acquire(final Request<T> request) {
        if (request.state != Request.NEW) {
            throw new IllegalStateException("request already " + (request.state == Request.WAITING ? "waiting" :
                "acquired or released"));
        }
        if (waiting >= maxWaiting && !canAcquireAll(request)) {
            return Acquire.BUSY;
        }
        return proceed(request);
    }

    /**
     * Releases every latch of a request that {@link Acquire#ACQUIRED acquired} them, and wakes the next request on
     * each; those that thereby hold all their latches are returned, in wake order, for the caller to run.
     *
     * @return the owners of the requests now ready; empty if none.
     * @throws IllegalStateException if the request does not hold all its latches.
     */
    public List<T> release(final Request<T> request) {
        if (request.state != Request.ACQUIRED) {
            throw new IllegalStateException("only a request holding its latches may release them");
        }
        request.state = Request.RELEASED;
        List<Request<T>> woken = null;
        for (final long hash : request.hashes) {
            final ArrayDeque<Entry> slot = slots[slotOf(hash)];
            removeFirst(slot, hash, request);
            final Entry next = firstOf(slot, hash);
            if (next != null) {
                if (woken == null) {
                    woken = new ArrayList<>();
                }
                @SuppressWarnings("unchecked") final Request<T> nextRequest = (Request<T>)next.request;
                woken.add(nextRequest);
            }
        }
        if (woken == null) {
            return List.of();
        }
        final List<T> ready = new ArrayList<>(woken.size());
        for (final Request<T> next : woken) {
            if (proceed(next) == Acquire.ACQUIRED) {
                ready.add(next.owner);
            }
        }
        return ready;
    }

    /** @return the number of requests waiting for a latch. */
    public int waiting() {
        return waiting;
    }

    private Acquire proceed(final Request<T> request) {
        final long[] hashes = request.hashes;
        while (request.owned < hashes.length) {
            final long hash = hashes[request.owned];
            final int index = slotOf(hash);
            ArrayDeque<Entry> slot = slots[index];
            if (slot == null) {
                slot = new ArrayDeque<>(4);
                slots[index] = slot;
            }
            final Entry first = firstOf(slot, hash);
            if (first == null) {
                slot.addLast(new Entry(hash, request));
            } else if (first.request != request) {
                if (request.state != Request.WAITING) {
                    request.state = Request.WAITING;
                    waiting++;
                }
                // Queued behind the owner; when woken it is first for this hash and takes it in the branch below.
                slot.addLast(new Entry(hash, request));
                return Acquire.QUEUED;
            }
            request.owned++;
        }
        if (request.state == Request.WAITING) {
            waiting--;
        }
        request.state = Request.ACQUIRED;
        return Acquire.ACQUIRED;
    }

    private boolean canAcquireAll(final Request<T> request) {
        for (final long hash : request.hashes) {
            final ArrayDeque<Entry> slot = slots[slotOf(hash)];
            if (slot != null && firstOf(slot, hash) != null) {
                return false;
            }
        }
        return true;
    }

    private int slotOf(final long hash) {
        return (int)(hash ^ hash >>> 32) & mask;
    }

    private static Entry firstOf(final ArrayDeque<Entry> slot, final long hash) {
        for (final Entry entry : slot) {
            if (entry.hash == hash) {
                return entry;
            }
        }
        return null;
    }

    private static void removeFirst(final ArrayDeque<Entry> slot, final long hash, final Request<?> owner) {
        for (final Iterator<Entry> it = slot.iterator(); it.hasNext(); ) {
            final Entry entry = it.next();
            if (entry.hash == hash) {
                if (entry.request != owner) {
                    throw new IllegalStateException("latch of hash " + hash + " is not held by the releasing request");
                }
                it.remove();
                return;
            }
        }
        throw new IllegalStateException("latch of hash " + hash + " is held by no request");
    }

    /**
     * A 64-bit hash of a key: FNV-1a, then a murmur3 finalizer so that slots are filled evenly.
     */
    static long hash(final byte[] key) {
        long h = 0xcbf29ce484222325L;
        for (final byte b : key) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * The latches one command needs, and how far it got taking them. Owned by the scheduler thread.
     *
     * @param <T> what the request stands for.
     */
    public static final class Request<T> {
        private static final int NEW = 0;
        private static final int WAITING = 1;
        private static final int ACQUIRED = 2;
        private static final int RELEASED = 3;

        private final long[] hashes;
        private final T owner;
        private int owned;
        private int state = NEW;

        private Request(final long[] hashes, final T owner) {
            this.hashes = hashes;
            this.owner = owner;
        }

        /** @return what the request stands for. */
        public T owner() {
            return owner;
        }

        /** @return the number of distinct latches the request needs. */
        public int latchCount() {
            return hashes.length;
        }

        /** @return whether it holds all its latches. */
        public boolean isAcquired() {
            return state == ACQUIRED;
        }
    }

    private record Entry(long hash, Request<?> request) {
    }
}
