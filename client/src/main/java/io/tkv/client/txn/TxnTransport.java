package io.tkv.client.txn;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the transactional client needs from the cluster: one asynchronous call per store request of TiKV's
 * transactional API, a timestamp oracle, and the grouping of keys by region.
 *
 * <p>The transport routes each request to its region's leader and retries region errors (NOT_LEADER,
 * EPOCH_NOT_MATCH, SERVER_BUSY, ...) itself, re-splitting a batch if a region split under it. So its futures fail in
 * only two ways: a {@link KeyErrorException} (the store refused and wrote nothing: {@link KeyLockedException},
 * {@link WriteConflictException}, {@link TxnNotFoundException}, {@link TxnLockNotFoundException},
 * {@link CommitTsExpiredException}, {@link AlreadyCommittedException}, or the base class for the others), or any
 * other exception, which is a transport failure: the request may or may not have been applied.
 *
 * <p>A request that names several keys expects them in one region, as {@link #groupByRegion} returns them. Keys are
 * user keys; the transport encodes them.
 */
public interface TxnTransport {
    /** @return a fresh timestamp from the TSO, above every one returned before. */
    CompletableFuture<Long> timestamp();

    /**
     * @param keys user keys, perhaps unsorted.
     * @return the keys grouped by the region that holds them, each batch in key order, batches in key order.
     */
    List<List<byte[]>> groupByRegion(List<byte[]> keys);

    /**
     * KvGet.
     *
     * @return the value at {@code ts}, or {@code null} if none; fails with {@link KeyLockedException} if a lock
     *         that may commit at or before {@code ts} is on the key.
     */
    CompletableFuture<byte[]> get(byte[] key, long ts);

    /** KvBatchGet of keys of one region at {@code ts}. */
    CompletableFuture<BatchGetResult> batchGet(List<byte[]> keys, long ts);

    /**
     * KvScan of {@code [startKey, endKey)} at {@code ts}, across regions.
     *
     * @param endKey  exclusive; {@code null} for the end of the key space.
     * @param limit   the most pairs (at least 1).
     * @param reverse from {@code endKey} down.
     * @return pairs in scan order; fails with {@link KeyLockedException} on the first blocking lock in scan order.
     */
    CompletableFuture<List<KeyValue>> scan(byte[] startKey, byte[] endKey, long ts, int limit, boolean reverse);

    /** Prewrite of keys of one region. */
    CompletableFuture<PrewriteResult> prewrite(PrewriteRequest request);

    /** Commit of keys of one region at {@code commitTs}; all or nothing. */
    CompletableFuture<Void> commit(List<byte[]> keys, long startTs, long commitTs);

    /** BatchRollback of keys of one region, whatever their locks' ttl. */
    CompletableFuture<Void> batchRollback(List<byte[]> keys, long startTs);

    /**
     * Cleanup of one key: rolls the transaction back there unless its lock is alive at {@code currentTs}
     * ({@link KeyLockedException}) or it committed ({@link AlreadyCommittedException}).
     */
    CompletableFuture<Void> cleanup(byte[] key, long startTs, long currentTs);

    /**
     * CheckTxnStatus on a transaction's primary.
     *
     * @param primary                  the primary user key.
     * @param lockTs                   the transaction's start ts.
     * @param callerStartTs            the start ts of the caller that met its lock (0: none).
     * @param currentTs                a fresh ts to judge the ttl and to push the min commit ts to.
     * @param rollbackIfNotExist       write a rollback if no trace of the transaction is found.
     * @param forceSyncCommit          judge an async-commit lock by its ttl as an ordinary one.
     * @param resolvingPessimisticLock the caller met a pessimistic lock.
     */
    CompletableFuture<TxnStatus> checkTxnStatus(
        byte[] primary, long lockTs, long callerStartTs, long currentTs, boolean rollbackIfNotExist,
        boolean forceSyncCommit, boolean resolvingPessimisticLock);

    /** CheckSecondaryLocks of an async-commit transaction on keys of one region. */
    CompletableFuture<SecondaryLocksResult> checkSecondaryLocks(List<byte[]> keys, long startTs);

    /** ResolveLock (lite) of keys of one region: commit at {@code commitTs}, or roll back if it is 0. */
    CompletableFuture<Void> resolveLock(List<byte[]> keys, long startTs, long commitTs);

    /**
     * TxnHeartBeat.
     *
     * @param adviseTtl the ttl wanted, in milliseconds after the start ts's physical time.
     * @return the primary lock's ttl afterwards; fails with {@link TxnNotFoundException} if the lock is gone.
     */
    CompletableFuture<Long> txnHeartBeat(byte[] primary, long startTs, long adviseTtl);

    /**
     * AcquirePessimisticLock on keys of one region; all or nothing.
     *
     * @param waitTimeoutMs how long the store may wait for a lock of another transaction before it answers
     *                      {@link KeyLockedException} (it caps the wait); 0 answers at once. Waiting may also end in a
     *                      {@link DeadlockException}.
     */
    CompletableFuture<Void> acquirePessimisticLock(
        List<byte[]> keys, byte[] primary, long startTs, long forUpdateTs, long lockTtl, long minCommitTs,
        long waitTimeoutMs);

    /** PessimisticRollback of keys of one region: removes the pessimistic locks taken at or before forUpdateTs. */
    CompletableFuture<Void> pessimisticRollback(List<byte[]> keys, long startTs, long forUpdateTs);

    /** ScanLock: the locks of {@code [startKey, endKey)} that started at or before {@code maxTs}, across regions. */
    CompletableFuture<List<LockInfo>> scanLock(byte[] startKey, byte[] endKey, long maxTs, int limit);
}
