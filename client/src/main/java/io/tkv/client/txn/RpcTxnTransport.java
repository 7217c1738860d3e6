package io.tkv.client.txn;

import io.tkv.client.KvPair;
import io.tkv.client.OnePcSpansRegionsException;
import io.tkv.client.PdClient;
import io.tkv.client.TxnKeyException;
import io.tkv.client.TxnLockInfo;
import io.tkv.client.TxnMutation;
import io.tkv.client.TxnRegionGrouping;
import io.tkv.client.TxnResults;
import io.tkv.client.TxnRpc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A {@link TxnTransport} over the real wire: each request is a {@link TxnRpc} request (routed to the region's leader,
 * region errors retried there), timestamps come from PD's TSO, and keys are grouped by the {@link TxnRegionGrouping}
 * of the same client's region cache.
 *
 * <p>Failures are mapped to this package's contract: a {@link TxnKeyException} is the store's verdict (it wrote
 * nothing) and becomes the {@link KeyErrorException} of its kind; MAX_TIMESTAMP_NOT_SYNCED (a new leader that has not
 * synced its max ts from PD yet refuses async commit and 1PC) is transient and retried here after a short backoff,
 * until {@code notSyncedRetryMs}; everything else (a timeout, NOT_LEADER after the proposal, a closed client) is a
 * {@link TxnTransportException}: the request's effect is unknown. A KEY_LOCKED answer to a prewrite or batch get is
 * not a failure of the transport's contract but part of the result ({@link PrewriteResult#locked()},
 * {@link BatchGetResult#locked()}).
 *
 * <p>A gap of the wire, not of this class: a request the grouping put in one region is split again by
 * {@link TxnRpc} if the region split meanwhile; the key error of one part then does not prove the other parts wrote
 * nothing (TxnRpc fails with the first part's failure).
 */
public final class RpcTxnTransport implements TxnTransport {
    private static final long NOT_SYNCED_FIRST_BACKOFF_MS = 10;
    private static final long NOT_SYNCED_MAX_BACKOFF_MS = 200;
    private static final byte[] NO_END = new byte[0];

    private final TxnRpc rpc;
    private final TxnRegionGrouping grouping;
    private final PdClient tso;
    private final long groupTimeoutMs;
    private final long notSyncedRetryMs;

    /**
     * @param rpc              the transactional requests.
     * @param grouping         the region grouping of the same client.
     * @param tso              PD, for timestamps.
     * @param groupTimeoutMs   how long {@link #groupByRegion} waits for regions it must locate.
     * @param notSyncedRetryMs how long a request refused with MAX_TIMESTAMP_NOT_SYNCED is retried.
     */
    public RpcTxnTransport(final TxnRpc rpc, final TxnRegionGrouping grouping, final PdClient tso,
        final long groupTimeoutMs, final long notSyncedRetryMs) {
        this.rpc = rpc;
        this.grouping = grouping;
        this.tso = tso;
        this.groupTimeoutMs = groupTimeoutMs;
        this.notSyncedRetryMs = notSyncedRetryMs;
    }

    @Override
    public CompletableFuture<Long> timestamp() {
        return mapped(tso::getTimestampAsync);
    }

    @Override
    public List<List<byte[]>> groupByRegion(final List<byte[]> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        try {
            return grouping.group(keys).get(groupTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException ex) {
            throw new TxnTransportException("could not group keys by region: " + ex.getCause(), ex.getCause());
        } catch (final TimeoutException ex) {
            throw new TxnTransportException("regions not located within " + groupTimeoutMs + " ms", ex);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new TxnTransportException("interrupted while locating regions", ex);
        }
    }

    @Override
    public CompletableFuture<byte[]> get(final byte[] key, final long ts) {
        return mapped(() -> rpc.get(key, ts));
    }

    @Override
    public CompletableFuture<BatchGetResult> batchGet(final List<byte[]> keys, final long ts) {
        return batchGet(keys, ts, new ArrayList<>());
    }

    /**
     * The wire answers KEY_LOCKED with every lock met and no values: read the other keys again (at the same ts, so
     * the same snapshot) until no new lock is met.
     */
    private CompletableFuture<BatchGetResult> batchGet(final List<byte[]> keys, final long ts,
        final List<LockInfo> locked) {
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(new BatchGetResult(List.of(), locked));
        }
        final CompletableFuture<BatchGetResult> read = rpc.batchGet(keys, ts).handle((pairs, failure) -> {
            if (failure == null) {
                final List<KeyValue> values = new ArrayList<>(pairs.size());
                for (final KvPair pair : pairs) {
                    values.add(new KeyValue(pair.key(), pair.value()));
                }
                return CompletableFuture.completedFuture(new BatchGetResult(values, locked));
            }
            if (unwrap(failure) instanceof TxnKeyException.KeyLocked keyLocked) {
                final List<byte[]> rest = new ArrayList<>(keys);
                for (final TxnLockInfo lock : keyLocked.locks()) {
                    locked.add(lockInfo(lock.key(), lock));
                    rest.removeIf(key -> Arrays.equals(key, lock.key()));
                }
                if (rest.size() == keys.size()) {
                    return CompletableFuture.<BatchGetResult>failedFuture(new TxnTransportException(
                        "KEY_LOCKED on a batch get named none of its keys", failure));
                }
                return batchGet(rest, ts, locked);
            }
            return CompletableFuture.<BatchGetResult>failedFuture(failure);
        }).thenCompose(next -> next);
        return mapFailures(read);
    }

    @Override
    public CompletableFuture<List<KeyValue>> scan(final byte[] startKey, final byte[] endKey, final long ts,
        final int limit, final boolean reverse) {
        final byte[] end = endKey == null ? NO_END : endKey;
        return mapped(() -> (reverse ? rpc.reverseScan(startKey, end, ts, limit, false)
            : rpc.scan(startKey, end, ts, limit, false))
            .thenApply(pairs -> pairs.stream().map(p -> new KeyValue(p.key(), p.value())).toList()));
    }

    @Override
    public CompletableFuture<PrewriteResult> prewrite(final PrewriteRequest request) {
        final List<TxnMutation> mutations = new ArrayList<>(request.mutations().size());
        for (int i = 0; i < request.mutations().size(); i++) {
            final Mutation mutation = request.mutations().get(i);
            final boolean pessimistic = request.pessimisticLocks() != null && request.pessimisticLocks()[i];
            final byte[] value = mutation.value() == null ? NO_END : mutation.value();
            mutations.add(new TxnMutation(TxnMutation.Op.valueOf(mutation.op().name()), mutation.key(), value,
                pessimistic));
        }
        final boolean async = request.secondaries() != null;
        final TxnRpc.PrewriteOptions options = new TxnRpc.PrewriteOptions(request.startTs(), request.lockTtl(),
            request.txnSize(), request.forUpdateTs(), request.minCommitTs(), request.maxCommitTs(), async,
            request.tryOnePc(), false);
        final List<byte[]> secondaries = async ? request.secondaries() : List.of();
        return mapped(() -> rpc.prewrite(mutations, request.primary(), options, secondaries)
            .thenApply(result -> new PrewriteResult(List.of(), result.minCommitTs(), result.onePcCommitTs()))
            .exceptionallyCompose(failure -> {
                if (unwrap(failure) instanceof TxnKeyException.KeyLocked keyLocked) {
                    final List<LockInfo> locks = new ArrayList<>(keyLocked.locks().size());
                    for (final TxnLockInfo lock : keyLocked.locks()) {
                        locks.add(lockInfo(lock.key(), lock));
                    }
                    return CompletableFuture.completedFuture(new PrewriteResult(locks, 0, 0));
                }
                return CompletableFuture.failedFuture(failure);
            }));
    }

    @Override
    public CompletableFuture<Void> commit(final List<byte[]> keys, final long startTs, final long commitTs) {
        return mapped(() -> rpc.commit(keys, startTs, commitTs));
    }

    @Override
    public CompletableFuture<Void> batchRollback(final List<byte[]> keys, final long startTs) {
        return mapped(() -> rpc.batchRollback(keys, startTs));
    }

    @Override
    public CompletableFuture<Void> cleanup(final byte[] key, final long startTs, final long currentTs) {
        return mapped(() -> rpc.cleanup(key, startTs, currentTs));
    }

    @Override
    public CompletableFuture<TxnStatus> checkTxnStatus(final byte[] primary, final long lockTs,
        final long callerStartTs, final long currentTs, final boolean rollbackIfNotExist,
        final boolean forceSyncCommit, final boolean resolvingPessimisticLock) {
        return mapped(() -> rpc.checkTxnStatus(primary, lockTs, callerStartTs, currentTs, rollbackIfNotExist,
            forceSyncCommit, resolvingPessimisticLock).thenApply(status -> status(primary, status)));
    }

    @Override
    public CompletableFuture<SecondaryLocksResult> checkSecondaryLocks(final List<byte[]> keys, final long startTs) {
        return mapped(() -> rpc.checkSecondaryLocks(keys, startTs).thenApply(result -> {
            final List<LockInfo> locks = new ArrayList<>(result.locks().size());
            for (int i = 0; i < result.locks().size(); i++) {
                final TxnLockInfo lock = result.locks().get(i);
                // The store does not name the keys: it lists the locks in the keys' order, all of them when any.
                final byte[] key = lock.key() != null && lock.key().length > 0 ? lock.key()
                    : i < keys.size() ? keys.get(i) : NO_END;
                locks.add(lockInfo(key, lock));
            }
            return new SecondaryLocksResult(locks, result.commitTs(), result.rolledBack());
        }));
    }

    @Override
    public CompletableFuture<Void> resolveLock(final List<byte[]> keys, final long startTs, final long commitTs) {
        return mapped(() -> rpc.resolveLock(keys, startTs, commitTs));
    }

    @Override
    public CompletableFuture<Long> txnHeartBeat(final byte[] primary, final long startTs, final long adviseTtl) {
        return mapped(() -> rpc.txnHeartBeat(primary, startTs, adviseTtl));
    }

    @Override
    public CompletableFuture<Void> acquirePessimisticLock(final List<byte[]> keys, final byte[] primary,
        final long startTs, final long forUpdateTs, final long lockTtl, final long minCommitTs,
        final long waitTimeoutMs) {
        return mapped(() -> rpc.pessimisticLock(keys, primary, startTs, forUpdateTs, lockTtl, minCommitTs,
            waitTimeoutMs));
    }

    @Override
    public CompletableFuture<Void> pessimisticRollback(final List<byte[]> keys, final long startTs,
        final long forUpdateTs) {
        return mapped(() -> rpc.pessimisticRollback(keys, startTs, forUpdateTs));
    }

    @Override
    public CompletableFuture<List<LockInfo>> scanLock(final byte[] startKey, final byte[] endKey, final long maxTs,
        final int limit) {
        return mapped(() -> rpc.scanLock(startKey, endKey == null ? NO_END : endKey, maxTs, limit)
            .thenApply(locks -> locks.stream().map(lock -> lockInfo(lock.key(), lock)).toList()));
    }

    /** Sends the request, again after a backoff while the leader's max ts is not synced, and maps its failure. */
    private <T> CompletableFuture<T> mapped(final Supplier<CompletableFuture<T>> request) {
        return mapFailures(retryNotSynced(request, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(notSyncedRetryMs),
            NOT_SYNCED_FIRST_BACKOFF_MS));
    }

    private <T> CompletableFuture<T> retryNotSynced(final Supplier<CompletableFuture<T>> request,
        final long deadlineNs, final long backoffMs) {
        final CompletableFuture<T> sent;
        try {
            sent = request.get();
        } catch (final RuntimeException ex) {
            return CompletableFuture.failedFuture(ex);
        }
        return sent.exceptionallyCompose(failure -> {
            if (unwrap(failure) instanceof TxnKeyException.MaxTimestampNotSynced && System.nanoTime() < deadlineNs) {
                return CompletableFuture.supplyAsync(() -> null,
                    CompletableFuture.delayedExecutor(backoffMs, TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> retryNotSynced(request, deadlineNs,
                        Math.min(NOT_SYNCED_MAX_BACKOFF_MS, backoffMs * 2)));
            }
            return CompletableFuture.failedFuture(failure);
        });
    }

    private static <T> CompletableFuture<T> mapFailures(final CompletableFuture<T> future) {
        return future.exceptionallyCompose(failure -> CompletableFuture.failedFuture(map(unwrap(failure))));
    }

    /** @return the failure in this package's terms: a key error (nothing written) or a transport failure. */
    static TxnKvException map(final Throwable failure) {
        if (failure instanceof TxnKvException txn) {
            return txn;
        }
        if (failure instanceof TxnKeyException.KeyLocked locked) {
            return new KeyLockedException(lockInfo(locked.lock().key(), locked.lock()));
        }
        if (failure instanceof TxnKeyException.WriteConflict conflict) {
            return new WriteConflictException(conflict.key(), conflict.startTs(), conflict.conflictStartTs(),
                conflict.conflictCommitTs());
        }
        if (failure instanceof TxnKeyException.Deadlock deadlock) {
            final List<DeadlockException.WaitFor> chain = new ArrayList<>(deadlock.waitChain().size());
            for (final TxnKeyException.WaitFor edge : deadlock.waitChain()) {
                chain.add(new DeadlockException.WaitFor(edge.txnTs(), edge.waitForTs(), edge.keyHash()));
            }
            return new DeadlockException(deadlock.lockKey(), deadlock.lockTs(), deadlock.deadlockKeyHash(), chain);
        }
        if (failure instanceof TxnKeyException.AlreadyExist exists) {
            return new KeyExistsException(exists.key());
        }
        if (failure instanceof TxnKeyException.TxnNotFound) {
            return new TxnNotFoundException(failure.getMessage());
        }
        if (failure instanceof TxnKeyException.TxnLockNotFound) {
            return new TxnLockNotFoundException(failure.getMessage());
        }
        if (failure instanceof TxnKeyException.Committed committed) {
            return new AlreadyCommittedException(failure.getMessage(), committed.commitTs());
        }
        if (failure instanceof TxnKeyException.CommitTsExpired expired) {
            return new CommitTsExpiredException(failure.getMessage(), expired.minCommitTs());
        }
        if (failure instanceof OnePcSpansRegionsException) {
            return new OnePcRegionsChangedException(failure.getMessage());
        }
        if (failure instanceof TxnKeyException) {
            // MAX_TIMESTAMP_NOT_SYNCED past the retries among them: refused, nothing written.
            return new KeyErrorException(failure.getMessage());
        }
        return new TxnTransportException(String.valueOf(failure.getMessage()), failure);
    }

    private static Throwable unwrap(final Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) &&
            cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static TxnStatus status(final byte[] primary, final TxnResults.TxnStatus status) {
        final TxnStatus.Kind kind = TxnStatus.Kind.valueOf(status.action());
        final LockInfo lock = status.primaryLock() == null ? null : lockInfo(primary, status.primaryLock());
        return new TxnStatus(kind, status.commitTs(), lock, status.minCommitTsPushed());
    }

    private static LockInfo lockInfo(final byte[] key, final TxnLockInfo lock) {
        return new LockInfo(key == null || key.length == 0 ? lock.primary() : key, lock.primary(), lock.startTs(),
            lock.ttl(), LockType.valueOf(lock.type()), lock.forUpdateTs(), lock.txnSize(), lock.minCommitTs(),
            lock.useAsyncCommit(), lock.secondaries());
    }
}
