package io.tkv.client.txn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A pessimistic transaction's locks, as client-go's {@code LockKeys}: each call locks its keys at a fresh for-update
 * ts, the primary first (the first key ever locked becomes the primary, so its lock exists before any secondary's
 * and a resolver can always judge the secondaries by it), then the other keys region by region. A key locked by a
 * live transaction is waited for on the store (the request carries what is left of the lock-wait deadline; the
 * store wakes it when the lock goes, or answers KEY_LOCKED when its wait ran out); only then the lock is resolved and
 * the request sent again after a backoff, until the lock-wait deadline. A write conflict (a commit after the
 * for-update ts) retries at a fresh ts. A {@link DeadlockException} is thrown at once. The primary's lock is
 * heart-beaten from the first lock on.
 *
 * <p>Keys already locked stay locked if a later key fails; {@link #release()} undoes them all. Not thread-safe.
 */
final class PessimisticLocks {
    private final TxnKvClient client;
    private final TxnTransport transport;
    private final TxnConfig config;
    private final long startTs;
    private final TreeSet<byte[]> locked = new TreeSet<>(Keys.ORDER);
    private byte[] primary;
    private long forUpdateTs;
    private Heartbeat heartbeat;

    PessimisticLocks(final TxnKvClient client, final long startTs) {
        this.client = client;
        this.transport = client.transport();
        this.config = client.config();
        this.startTs = startTs;
    }

    /** @return the primary key, or {@code null} before the first lock. */
    byte[] primary() {
        return primary;
    }

    /** @return the largest for-update ts used, or 0. */
    long forUpdateTs() {
        return forUpdateTs;
    }

    /** @return the keys locked. */
    NavigableSet<byte[]> lockedKeys() {
        return locked;
    }

    /** @return the primary's heartbeat, or {@code null}. */
    Heartbeat heartbeat() {
        return heartbeat;
    }

    /**
     * Locks the keys not locked yet.
     *
     * @throws KeyLockedException     a live lock outlasted the lock wait.
     * @throws WriteConflictException conflicts kept coming until the lock-wait deadline.
     */
    void lock(final List<byte[]> keys) {
        final List<byte[]> wanted = new ArrayList<>(keys.size());
        for (final byte[] key : keys) {
            if (!locked.contains(key)) {
                wanted.add(key);
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        if (primary == null) {
            primary = wanted.get(0);
        }
        if (!locked.contains(primary)) {
            lockRegion(List.of(primary));
            heartbeat = Heartbeat.start(transport, config, client.timer(), primary, startTs);
            wanted.removeIf(key -> Arrays.equals(key, primary));
        }
        if (!wanted.isEmpty()) {
            for (final List<byte[]> region : transport.groupByRegion(wanted)) {
                lockRegion(region);
            }
        }
    }

    private void lockRegion(final List<byte[]> keys) {
        final Backoff backoff = Backoff.forLocks(config);
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.lockWaitTimeoutMs());
        while (true) {
            final long ts = Rpc.await(transport.timestamp(), config.requestTimeoutMs());
            final long waitMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
            try {
                Rpc.await(transport.acquirePessimisticLock(keys, primary, startTs, ts, config.lockTtlMs(), 0, waitMs),
                    config.requestTimeoutMs() + waitMs);
                locked.addAll(keys);
                forUpdateTs = Math.max(forUpdateTs, ts);
                return;
            } catch (final KeyLockedException ex) {
                // The store's wait (if any) timed out: resolve the lock, back off, and wait again.
                final long liveMs = client.lockResolver().resolve(0, List.of(ex.lock()));
                if (liveMs > 0 && !backoff.pause(liveMs)) {
                    throw forget(ex);
                }
            } catch (final WriteConflictException ex) {
                // Someone committed the key after this ts: lock again at a fresh one.
                if (!backoff.pause(1)) {
                    throw forget(ex);
                }
            } catch (final RuntimeException ex) {
                throw forget(ex);
            }
        }
    }

    /** Before the primary is locked, a failure leaves the transaction without a primary. */
    private RuntimeException forget(final RuntimeException ex) {
        if (locked.isEmpty()) {
            primary = null;
        }
        return ex;
    }

    void stopHeartbeat() {
        Heartbeat.stop(heartbeat);
    }

    /** Removes every pessimistic lock taken, best effort: resolvers remove what is left once it expires. */
    void release() {
        stopHeartbeat();
        if (locked.isEmpty()) {
            return;
        }
        final List<CompletableFuture<Void>> rollbacks = new ArrayList<>();
        for (final List<byte[]> region : transport.groupByRegion(new ArrayList<>(locked))) {
            rollbacks.add(transport.pessimisticRollback(region, startTs, forUpdateTs));
        }
        for (final CompletableFuture<Void> rollback : rollbacks) {
            try {
                Rpc.await(rollback, config.requestTimeoutMs());
            } catch (final TxnKvException ignored) {
                // Best effort.
            }
        }
    }
}
