package io.tkv.server.system;

import io.tkv.client.txn.BatchGetResult;
import io.tkv.client.txn.KeyValue;
import io.tkv.client.txn.LockInfo;
import io.tkv.client.txn.PrewriteRequest;
import io.tkv.client.txn.PrewriteResult;
import io.tkv.client.txn.SecondaryLocksResult;
import io.tkv.client.txn.TxnStatus;
import io.tkv.client.txn.TxnTransport;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link TxnTransport} that passes every request to a real one, for tests that step into a few of them (stop a
 * coordinator at a point of its commit, freeze the stores under a commit) by overriding just those: the client's
 * production code needs no hook for it.
 */
class ForwardingTxnTransport implements TxnTransport {
    private final TxnTransport real;

    ForwardingTxnTransport(final TxnTransport real) {
        this.real = real;
    }

    /** @return the transport requests are passed to. */
    final TxnTransport real() {
        return real;
    }

    @Override
    public CompletableFuture<Long> timestamp() {
        return real.timestamp();
    }

    @Override
    public List<List<byte[]>> groupByRegion(final List<byte[]> keys) {
        return real.groupByRegion(keys);
    }

    @Override
    public CompletableFuture<byte[]> get(final byte[] key, final long ts) {
        return real.get(key, ts);
    }

    @Override
    public CompletableFuture<BatchGetResult> batchGet(final List<byte[]> keys, final long ts) {
        return real.batchGet(keys, ts);
    }

    @Override
    public CompletableFuture<List<KeyValue>> scan(final byte[] startKey, final byte[] endKey, final long ts,
        final int limit, final boolean reverse) {
        return real.scan(startKey, endKey, ts, limit, reverse);
    }

    @Override
    public CompletableFuture<PrewriteResult> prewrite(final PrewriteRequest request) {
        return real.prewrite(request);
    }

    @Override
    public CompletableFuture<Void> commit(final List<byte[]> keys, final long startTs, final long commitTs) {
        return real.commit(keys, startTs, commitTs);
    }

    @Override
    public CompletableFuture<Void> batchRollback(final List<byte[]> keys, final long startTs) {
        return real.batchRollback(keys, startTs);
    }

    @Override
    public CompletableFuture<Void> cleanup(final byte[] key, final long startTs, final long currentTs) {
        return real.cleanup(key, startTs, currentTs);
    }

    @Override
    public CompletableFuture<TxnStatus> checkTxnStatus(final byte[] primary, final long lockTs,
        final long callerStartTs, final long currentTs, final boolean rollbackIfNotExist,
        final boolean forceSyncCommit, final boolean resolvingPessimisticLock) {
        return real.checkTxnStatus(primary, lockTs, callerStartTs, currentTs, rollbackIfNotExist, forceSyncCommit,
            resolvingPessimisticLock);
    }

    @Override
    public CompletableFuture<SecondaryLocksResult> checkSecondaryLocks(final List<byte[]> keys, final long startTs) {
        return real.checkSecondaryLocks(keys, startTs);
    }

    @Override
    public CompletableFuture<Void> resolveLock(final List<byte[]> keys, final long startTs, final long commitTs) {
        return real.resolveLock(keys, startTs, commitTs);
    }

    @Override
    public CompletableFuture<Long> txnHeartBeat(final byte[] primary, final long startTs, final long adviseTtl) {
        return real.txnHeartBeat(primary, startTs, adviseTtl);
    }

    @Override
    public CompletableFuture<Void> acquirePessimisticLock(final List<byte[]> keys, final byte[] primary,
        final long startTs, final long forUpdateTs, final long lockTtl, final long minCommitTs,
        final long waitTimeoutMs) {
        return real.acquirePessimisticLock(keys, primary, startTs, forUpdateTs, lockTtl, minCommitTs, waitTimeoutMs);
    }

    @Override
    public CompletableFuture<Void> pessimisticRollback(final List<byte[]> keys, final long startTs,
        final long forUpdateTs) {
        return real.pessimisticRollback(keys, startTs, forUpdateTs);
    }

    @Override
    public CompletableFuture<List<LockInfo>> scanLock(final byte[] startKey, final byte[] endKey, final long maxTs,
        final int limit) {
        return real.scanLock(startKey, endKey, maxTs, limit);
    }
}
