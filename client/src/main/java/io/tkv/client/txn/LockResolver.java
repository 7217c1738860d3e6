package io.tkv.client.txn;

import io.tkv.codec.keys.Timestamps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Resolves the locks a request met, as client-go's {@code txnlock/lock_resolver.go}. For each lock:
 * <ol>
 * <li>A transaction whose outcome is cached: the lock is committed or rolled back at once.</li>
 * <li>Otherwise check-txn-status on its primary, with the caller's start ts (so a live transaction's min commit ts
 * is pushed past the caller) and a fresh ts (so an expired primary is rolled back); a missing primary is rolled back
 * only once the met lock has expired too (its prewrite may still be on its way), else the lock counts as live.</li>
 * <li>Committed or rolled back: resolve-lock of the met key with that outcome (commit ts or 0), and cache it.</li>
 * <li>An async-commit primary that has expired: check-secondary-locks on the primary and every secondary it lists
 * (per region, in parallel). A rolled-back key means rolled back; a committed key means committed at its commit ts;
 * every key locked means committed at the largest min commit ts; a key whose lock fell back to 2PC sends the
 * decision back to check-txn-status with force-sync-commit (judged by ttl). Then resolve-lock on all the keys.</li>
 * <li>A pessimistic lock whose transaction is gone: pessimistic-rollback of the key (it never blocks reads).</li>
 * <li>A live transaction: the caller waits. If the check pushed the primary's min commit ts past the caller and the
 * lock met is the primary, the caller may retry at once (the store lets it read past); a secondary's lock still
 * blocks, as the store has no list of pushed transactions to skip, so the caller waits for the outcome.</li>
 * </ol>
 * Thread-safe: any request thread may call it; the outcome cache is the only shared state.
 */
public final class LockResolver {
    private final TxnTransport transport;
    private final TxnConfig config;
    private final Map<Long, Long> outcomes;

    /**
     * @param transport the store requests.
     * @param config    timeouts and the cache size.
     */
    public LockResolver(final TxnTransport transport, final TxnConfig config) {
        this.transport = transport;
        this.config = config;
        final int capacity = config.resolvedCacheSize();
        this.outcomes = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<Long, Long> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Resolves what can be resolved now.
     *
     * @param callerStartTs the read ts of the read that met the locks, so a live transaction's min commit ts may be
     *                      pushed past it; 0 for a write (prewrite, pessimistic lock), which cannot pass a lock.
     * @param locks         the locks met.
     * @return 0 if the caller may retry now; else how many milliseconds the earliest live lock is known to live.
     * @throws TxnKvException if a request to the store fails.
     */
    public long resolve(final long callerStartTs, final List<LockInfo> locks) {
        long liveMs = Long.MAX_VALUE;
        for (final LockInfo lock : locks) {
            final long ms = resolveOne(callerStartTs, lock);
            if (ms > 0) {
                liveMs = Math.min(liveMs, ms);
            }
        }
        return liveMs == Long.MAX_VALUE ? 0 : liveMs;
    }

    /** @return the cached outcome of a transaction: its commit ts, 0 if rolled back, {@code null} if unknown. */
    public Long cachedOutcome(final long startTs) {
        synchronized (outcomes) {
            return outcomes.get(startTs);
        }
    }

    private void remember(final long startTs, final long commitTs) {
        synchronized (outcomes) {
            outcomes.put(startTs, commitTs);
        }
    }

    private long resolveOne(final long callerStartTs, final LockInfo lock) {
        final Long known = cachedOutcome(lock.startTs());
        if (known != null) {
            cleanUp(lock, known);
            return 0;
        }
        final long currentTs = timestamp();
        final boolean pessimistic = lock.type() == LockType.PESSIMISTIC;
        final TxnStatus status;
        try {
            status = await(transport.checkTxnStatus(lock.primary(), lock.startTs(), callerStartTs, currentTs,
                isExpired(lock, currentTs), false, pessimistic));
        } catch (final TxnNotFoundException ex) {
            // The primary's prewrite may still be on its way: wait for the met lock to expire.
            return Math.max(1, liveMs(lock, currentTs));
        }
        return act(callerStartTs, lock, status, currentTs, false);
    }

    private long act(
        final long callerStartTs, final LockInfo lock, final TxnStatus status, final long currentTs,
        final boolean forcedSync) {
        switch (status.kind()) {
            case COMMITTED -> {
                remember(lock.startTs(), status.commitTs());
                cleanUp(lock, status.commitTs());
                return 0;
            }
            case ROLLED_BACK, TTL_EXPIRED, LOCK_NOT_EXIST -> {
                remember(lock.startTs(), 0);
                cleanUp(lock, 0);
                return 0;
            }
            case PESSIMISTIC_ROLLED_BACK, LOCK_NOT_EXIST_DO_NOTHING -> {
                // Not cached: a pessimistic transaction whose primary lock expired is not known to be over.
                cleanUp(lock, 0);
                return 0;
            }
            case UNCOMMITTED -> {
                final LockInfo primary = status.primaryLock();
                if (primary.useAsyncCommit() && !forcedSync) {
                    return isExpired(primary, currentTs) ? resolveAsyncCommit(callerStartTs, lock, primary)
                        : Math.max(1, liveMs(primary, currentTs));
                }
                if (status.minCommitTsPushed() && lock.isPrimary() && lock.type() != LockType.PESSIMISTIC) {
                    return 0;
                }
                return Math.max(1, liveMs(primary, currentTs));
            }
            default -> throw new IllegalStateException("unknown txn status " + status.kind());
        }
    }

    private long resolveAsyncCommit(final long callerStartTs, final LockInfo lock, final LockInfo primary) {
        final List<byte[]> keys = new ArrayList<>(primary.secondaries().size() + 1);
        keys.add(primary.key());
        keys.addAll(primary.secondaries());
        final List<List<byte[]>> regions = transport.groupByRegion(keys);
        final List<CompletableFuture<SecondaryLocksResult>> checks = new ArrayList<>(regions.size());
        for (final List<byte[]> region : regions) {
            checks.add(transport.checkSecondaryLocks(region, lock.startTs()));
        }
        boolean rolledBack = false;
        boolean fellBack = false;
        long commitTs = 0;
        long maxMinCommitTs = 0;
        for (final CompletableFuture<SecondaryLocksResult> check : checks) {
            final SecondaryLocksResult result = await(check);
            rolledBack |= result.rolledBack();
            commitTs = Math.max(commitTs, result.commitTs());
            for (final LockInfo secondary : result.locks()) {
                fellBack |= !secondary.useAsyncCommit();
                maxMinCommitTs = Math.max(maxMinCommitTs, secondary.minCommitTs());
            }
        }
        if (rolledBack && commitTs != 0) {
            throw new TxnKvException("async-commit txn " + lock.startTs() + " is both committed at " + commitTs +
                " and rolled back", null);
        }
        final long outcome;
        if (rolledBack) {
            outcome = 0;
        } else if (commitTs != 0) {
            outcome = commitTs;
        } else if (fellBack) {
            // A key fell back to 2PC: the coordinator commits with a TSO ts, so judge the primary by its ttl.
            final long currentTs = timestamp();
            final TxnStatus status = await(transport.checkTxnStatus(
                primary.key(), lock.startTs(), callerStartTs, currentTs, true, true, false));
            return act(callerStartTs, lock, status, currentTs, true);
        } else {
            outcome = maxMinCommitTs;
        }
        remember(lock.startTs(), outcome);
        final List<CompletableFuture<Void>> resolves = new ArrayList<>(regions.size());
        for (final List<byte[]> region : regions) {
            resolves.add(transport.resolveLock(region, lock.startTs(), outcome));
        }
        for (final CompletableFuture<Void> resolve : resolves) {
            await(resolve);
        }
        return 0;
    }

    /** Commits or rolls back the met lock once its transaction's outcome is known. */
    private void cleanUp(final LockInfo lock, final long commitTs) {
        if (lock.type() == LockType.PESSIMISTIC) {
            // A pessimistic lock is never committed; if the key was prewritten meanwhile, the retry meets that lock.
            await(transport.pessimisticRollback(List.of(lock.key()), lock.startTs(), Long.MAX_VALUE));
        } else {
            await(transport.resolveLock(List.of(lock.key()), lock.startTs(), commitTs));
        }
    }

    private long timestamp() {
        return await(transport.timestamp());
    }

    private <T> T await(final CompletableFuture<T> future) {
        return Rpc.await(future, config.requestTimeoutMs());
    }

    /** @return whether the lock has expired at {@code currentTs}, by the store's rule. */
    static boolean isExpired(final LockInfo lock, final long currentTs) {
        return liveMs(lock, currentTs) < 0;
    }

    /** @return the lock's remaining life at {@code currentTs} in milliseconds; negative once expired. */
    static long liveMs(final LockInfo lock, final long currentTs) {
        return Timestamps.physicalMs(lock.startTs()) + lock.ttl() - Timestamps.physicalMs(currentTs);
    }
}
