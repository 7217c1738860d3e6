package io.tkv.server.gc;

import io.tkv.client.txn.LockInfo;
import io.tkv.client.txn.LockResolver;
import io.tkv.client.txn.LockType;
import io.tkv.txn.Lock;
import io.tkv.txn.MvccReader;
import io.tkv.txn.TxnKeys;
import io.tkv.txn.gc.GcWorker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToLongFunction;

/**
 * GC's lock resolution through the store's own transactional client, as TiDB's GC leader resolves the locks below the
 * safe point: each lock's primary is asked for its status wherever its region is (this store or another) and the
 * lock is committed or rolled back to match — the client's {@link LockResolver}, with async commit's secondaries
 * check and pessimistic rollback. A transaction still alive (its primary's TTL not run out) is left alone: the run
 * fails and GC tries again at its next interval (TiDB instead treats every lock below the safe point as expired; tkv
 * waits for the TTL, which a transaction older than the GC lifetime has long run out of unless it keeps heartbeating).
 *
 * <p>The client's calls block, so they run on a thread of their own, never the GC driver's: the driver only polls the
 * future.
 */
public final class ClientLockResolver implements GcWorker.LockResolver, AutoCloseable {
    private final ToLongFunction<List<LockInfo>> resolver;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        final Thread thread = new Thread(runnable, "tkv-gc-resolver");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param resolver resolves locks as {@link LockResolver#resolve} with no caller ts: 0 when all are resolved, else
     *                 how long the earliest live one lives (ms); called on this resolver's own thread only.
     */
    public ClientLockResolver(final ToLongFunction<List<LockInfo>> resolver) {
        this.resolver = resolver;
    }

    @Override
    public CompletableFuture<Void> resolve(final List<MvccReader.KeyLock> locks, final long safePoint) {
        final List<LockInfo> infos = new ArrayList<>(locks.size());
        for (final MvccReader.KeyLock lock : locks) {
            infos.add(toLockInfo(lock));
        }
        return CompletableFuture.runAsync(() -> {
            final long liveMs = resolver.applyAsLong(infos);
            if (liveMs > 0) {
                throw new IllegalStateException("a transaction with a lock at or below the safe point " + safePoint
                    + " is alive for " + liveMs + " ms more; GC tries again later");
            }
        }, executor);
    }

    /** The stored lock as the client names it: user keys, the client's lock type. */
    static LockInfo toLockInfo(final MvccReader.KeyLock keyLock) {
        final Lock lock = keyLock.lock();
        return new LockInfo(TxnKeys.decode(keyLock.key()), lock.primary(), lock.startTs(), lock.ttl(),
            LockType.valueOf(lock.type().name()), lock.forUpdateTs(), lock.txnSize(), lock.minCommitTs(),
            lock.useAsyncCommit(), lock.secondaries());
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
