package io.tkv.client.txn;

import io.tkv.codec.keys.Timestamps;
import io.tkv.storage.EngineWriteBatch;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import io.tkv.txn.ConcurrencyManager;
import io.tkv.txn.Lock;
import io.tkv.txn.Modify;
import io.tkv.txn.TxnException;
import io.tkv.txn.WriteBatchCodec;
import io.tkv.txn.command.AcquirePessimisticLockCommand;
import io.tkv.txn.command.BatchGetCommand;
import io.tkv.txn.command.CheckSecondaryLocksCommand;
import io.tkv.txn.command.CheckTxnStatusCommand;
import io.tkv.txn.command.CleanupCommand;
import io.tkv.txn.command.CommitCommand;
import io.tkv.txn.command.GetCommand;
import io.tkv.txn.command.PessimisticRollbackCommand;
import io.tkv.txn.command.PrewriteCommand;
import io.tkv.txn.command.ResolveLockCommand;
import io.tkv.txn.command.RollbackCommand;
import io.tkv.txn.command.ScanCommand;
import io.tkv.txn.command.ScanLockCommand;
import io.tkv.txn.command.TxnCommand;
import io.tkv.txn.command.TxnHeartBeatCommand;
import io.tkv.txn.command.TxnResponse;
import io.tkv.txn.sched.Latches;
import io.tkv.txn.sched.SnapshotSource;
import io.tkv.txn.sched.TxnScheduler;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A {@link TxnTransport} over the real store-side transaction layer: the {@code txn} module's {@link TxnScheduler}
 * and commands on a RocksDB engine in a directory, run on one "store thread" as the server's scheduler agent runs
 * them, each proposed write batch applied at once (as if Raft committed it). Regions are key ranges cut at split
 * keys, for grouping only: one engine holds them all. The TSO is a monotonic counter over the wall clock, so lock
 * ttls mean milliseconds as on a cluster.
 *
 * <p>Faults are injected per request kind, optionally only for requests naming a key: {@link Fault#FAIL} (the
 * request never reaches the store), {@link Fault#DROP_RESPONSE} (the store applies it, the answer is lost),
 * {@link Fault#DELAY} (it reaches the store late). Answers complete on a separate thread, never the store's.
 */
final class LocalTxnTransport implements TxnTransport, AutoCloseable {
    /** The store requests, for faults and counters. */
    enum Kind {
        GET, BATCH_GET, SCAN, PREWRITE, COMMIT, BATCH_ROLLBACK, CLEANUP, CHECK_TXN_STATUS, CHECK_SECONDARY_LOCKS,
        RESOLVE_LOCK, HEARTBEAT, ACQUIRE_PESSIMISTIC_LOCK, PESSIMISTIC_ROLLBACK, SCAN_LOCK
    }

    /** What an injected fault does. */
    enum Fault {
        /** The request is lost before the store: it fails in transport and has no effect. */
        FAIL,
        /** The store applies the request, and its answer is lost: it fails in transport. */
        DROP_RESPONSE,
        /** The request reaches the store after a delay. */
        DELAY
    }

    private record Rule(Kind kind, byte[] key, Fault fault, long delayMs, AtomicInteger remaining) {
        boolean matches(final Kind requestKind, final List<byte[]> keys) {
            if (requestKind != kind || remaining.get() <= 0) {
                return false;
            }
            if (key != null && keys.stream().noneMatch(k -> Arrays.equals(k, key))) {
                return false;
            }
            return remaining.getAndDecrement() > 0;
        }
    }

    private final StorageEngine engine;
    private final TxnScheduler scheduler;
    private final List<byte[]> splitKeys;
    private final ExecutorService storeThread = Executors.newSingleThreadExecutor(r -> thread(r, "local-store"));
    private final ExecutorService answers = Executors.newFixedThreadPool(2, r -> thread(r, "local-answers"));
    private final ScheduledExecutorService delays =
        Executors.newSingleThreadScheduledExecutor(r -> thread(r, "local-delays"));
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<Kind, AtomicLong> counts = new EnumMap<>(Kind.class);
    private final AtomicLong lastTs = new AtomicLong();
    private final AtomicInteger staleGroupings = new AtomicInteger();
    private final Random chaos = new Random();
    private final AtomicLong randomFaults = new AtomicLong();
    private double chaosProbability;
    private volatile boolean brokenResolveLock;
    // Store-thread state.
    private final Map<Long, TxnResponse> responses = new HashMap<>();
    private final ArrayDeque<Long> proposedIds = new ArrayDeque<>();
    private final ArrayDeque<byte[]> proposedBatches = new ArrayDeque<>();
    private long nextRequestId = 1;

    /**
     * @param dataDir   where RocksDB lives.
     * @param splitKeys the keys that start regions 1, 2, ...; region 0 starts at the empty key.
     */
    LocalTxnTransport(final Path dataDir, final String... splitKeys) {
        this.engine = StorageEngine.open(new StorageConfig()
            .dataDir(dataDir)
            .blockCacheBytes(8L * 1024 * 1024)
            .writeBufferBytes(4L * 1024 * 1024));
        this.scheduler = new TxnScheduler(SnapshotSource.ofEngine(engine), new ConcurrencyManager(1),
            new Latches<>(1024, 4096), new TxnScheduler.Output() {
                @Override
                public void respond(final long requestId, final TxnResponse response) {
                    responses.put(requestId, response);
                }

                @Override
                public void propose(final long commandId, final byte[] writeBatch) {
                    proposedIds.addLast(commandId);
                    proposedBatches.addLast(writeBatch);
                }
            });
        this.splitKeys = new ArrayList<>();
        for (final String split : splitKeys) {
            this.splitKeys.add(TxnTestSupport.b(split));
        }
        this.splitKeys.sort(Keys.ORDER);
        for (final Kind kind : Kind.values()) {
            counts.put(kind, new AtomicLong());
        }
    }

    private static Thread thread(final Runnable runnable, final String name) {
        final Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Injects a fault on the next {@code times} requests of a kind (naming {@code key}, unless null). */
    void inject(final Kind kind, final String key, final Fault fault, final int times, final long delayMs) {
        rules.add(new Rule(kind, key == null ? null : TxnTestSupport.b(key), fault, delayMs,
            new AtomicInteger(times)));
    }

    void inject(final Kind kind, final String key, final Fault fault) {
        inject(kind, key, fault, 1, 0);
    }

    /**
     * From now on, fails or drops the answer of each prewrite and commit with this probability (0 stops it), drawn
     * from a seeded generator.
     */
    void randomFaults(final long seed, final double probability) {
        synchronized (chaos) {
            chaos.setSeed(seed);
            chaosProbability = probability;
        }
    }

    /** @return how many requests got a random fault. */
    long randomFaultCount() {
        return randomFaults.get();
    }

    private Fault randomFault(final Kind kind) {
        if (kind != Kind.PREWRITE && kind != Kind.COMMIT) {
            return null;
        }
        synchronized (chaos) {
            if (chaosProbability == 0 || chaos.nextDouble() >= chaosProbability) {
                return null;
            }
            randomFaults.incrementAndGet();
            return chaos.nextBoolean() ? Fault.FAIL : Fault.DROP_RESPONSE;
        }
    }

    /** @return how many requests of a kind were sent. */
    long count(final Kind kind) {
        return counts.get(kind).get();
    }

    /** @return the region index of a key. */
    int regionOf(final byte[] key) {
        int region = 0;
        while (region < splitKeys.size() && Keys.ORDER.compare(key, splitKeys.get(region)) >= 0) {
            region++;
        }
        return region;
    }

    @Override
    public CompletableFuture<Long> timestamp() {
        final long now = Timestamps.compose(System.currentTimeMillis(), 0);
        return CompletableFuture.completedFuture(lastTs.updateAndGet(last -> Math.max(last + 1, now)));
    }

    /** The next grouping puts every key in one region, as a client whose region cache predates a split would. */
    void staleGroupingOnce() {
        staleGroupings.incrementAndGet();
    }

    @Override
    public List<List<byte[]>> groupByRegion(final List<byte[]> keys) {
        if (staleGroupings.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            final List<byte[]> sorted = new ArrayList<>(keys);
            sorted.sort(Keys.ORDER);
            return List.of(sorted);
        }
        return regionsOf(keys);
    }

    private List<List<byte[]>> regionsOf(final List<byte[]> keys) {
        final List<byte[]> sorted = new ArrayList<>(keys);
        sorted.sort(Keys.ORDER);
        final List<List<byte[]>> groups = new ArrayList<>();
        int current = -1;
        for (final byte[] key : sorted) {
            final int region = regionOf(key);
            if (region != current) {
                groups.add(new ArrayList<>());
                current = region;
            }
            groups.get(groups.size() - 1).add(key);
        }
        return groups;
    }

    @Override
    public CompletableFuture<byte[]> get(final byte[] key, final long ts) {
        return send(Kind.GET, List.of(key), new GetCommand(key, ts), r -> ((TxnResponse.Value) r).value());
    }

    @Override
    public CompletableFuture<BatchGetResult> batchGet(final List<byte[]> keys, final long ts) {
        checkOneRegion(keys);
        return send(Kind.BATCH_GET, keys, new BatchGetCommand(keys, ts), r -> {
            final List<KeyValue> pairs = new ArrayList<>();
            final List<LockInfo> locked = new ArrayList<>();
            for (final TxnResponse.KeyValue pair : ((TxnResponse.Pairs) r).pairs()) {
                if (pair.locked() != null) {
                    locked.add(lockInfo(pair.key(), pair.locked().lock()));
                } else {
                    pairs.add(new KeyValue(pair.key(), pair.value()));
                }
            }
            return new BatchGetResult(pairs, locked);
        });
    }

    @Override
    public CompletableFuture<List<KeyValue>> scan(
        final byte[] startKey, final byte[] endKey, final long ts, final int limit, final boolean reverse) {
        return send(Kind.SCAN, List.of(startKey), new ScanCommand(startKey, endKey, ts, limit, reverse), r -> {
            final List<KeyValue> pairs = new ArrayList<>();
            for (final TxnResponse.KeyValue pair : ((TxnResponse.Pairs) r).pairs()) {
                pairs.add(new KeyValue(pair.key(), pair.value()));
            }
            return pairs;
        });
    }

    @Override
    public CompletableFuture<PrewriteResult> prewrite(final PrewriteRequest request) {
        final List<io.tkv.txn.Mutation> mutations = new ArrayList<>();
        final List<byte[]> keys = new ArrayList<>();
        for (final Mutation mutation : request.mutations()) {
            keys.add(mutation.key());
            mutations.add(switch (mutation.op()) {
                case PUT -> io.tkv.txn.Mutation.put(mutation.key(), mutation.value());
                case INSERT -> io.tkv.txn.Mutation.insert(mutation.key(), mutation.value());
                case DELETE -> io.tkv.txn.Mutation.delete(mutation.key());
                case LOCK -> io.tkv.txn.Mutation.lock(mutation.key());
            });
        }
        if (request.tryOnePc() && regionsOf(keys).size() > 1) {
            // As RpcTxnTransport answers a 1PC prewrite that TxnRpc found spanning regions: nothing sent.
            counts.get(Kind.PREWRITE).incrementAndGet();
            return CompletableFuture.failedFuture(new OnePcRegionsChangedException("1PC prewrite spans regions"));
        }
        checkOneRegion(keys);
        final PrewriteCommand command = new PrewriteCommand(mutations, request.primary(), request.startTs(),
            request.lockTtl(), request.txnSize(), request.forUpdateTs(), request.pessimisticLocks(),
            request.secondaries(), request.tryOnePc(), request.minCommitTs(), request.maxCommitTs(), false);
        return send(Kind.PREWRITE, keys, command, r -> {
            final TxnResponse.Prewrite prewrite = (TxnResponse.Prewrite) r;
            final List<LockInfo> locked = new ArrayList<>();
            for (final TxnException.KeyLocked keyLocked : prewrite.locked()) {
                locked.add(lockInfo(keyLocked.key(), keyLocked.lock()));
            }
            return new PrewriteResult(locked, prewrite.minCommitTs(), prewrite.onePcCommitTs());
        });
    }

    @Override
    public CompletableFuture<Void> commit(final List<byte[]> keys, final long startTs, final long commitTs) {
        checkOneRegion(keys);
        return send(Kind.COMMIT, keys, new CommitCommand(keys, startTs, commitTs), r -> null);
    }

    @Override
    public CompletableFuture<Void> batchRollback(final List<byte[]> keys, final long startTs) {
        checkOneRegion(keys);
        return send(Kind.BATCH_ROLLBACK, keys, new RollbackCommand(keys, startTs), r -> null);
    }

    @Override
    public CompletableFuture<Void> cleanup(final byte[] key, final long startTs, final long currentTs) {
        return send(Kind.CLEANUP, List.of(key), new CleanupCommand(key, startTs, currentTs), r -> null);
    }

    @Override
    public CompletableFuture<TxnStatus> checkTxnStatus(
        final byte[] primary, final long lockTs, final long callerStartTs, final long currentTs,
        final boolean rollbackIfNotExist, final boolean forceSyncCommit, final boolean resolvingPessimisticLock) {
        final CheckTxnStatusCommand command = new CheckTxnStatusCommand(primary, lockTs, callerStartTs, currentTs,
            rollbackIfNotExist, forceSyncCommit, resolvingPessimisticLock);
        return send(Kind.CHECK_TXN_STATUS, List.of(primary), command, r -> {
            final io.tkv.txn.TxnStatus status = ((TxnResponse.Status) r).status();
            return new TxnStatus(TxnStatus.Kind.valueOf(status.kind().name()), status.commitTs(),
                status.lock() == null ? null : lockInfo(primary, status.lock()), status.minCommitTsPushed());
        });
    }

    @Override
    public CompletableFuture<SecondaryLocksResult> checkSecondaryLocks(final List<byte[]> keys, final long startTs) {
        checkOneRegion(keys);
        return send(Kind.CHECK_SECONDARY_LOCKS, keys, new CheckSecondaryLocksCommand(keys, startTs), r -> {
            final io.tkv.txn.CheckSecondaryLocks.Result result = ((TxnResponse.SecondaryLocks) r).result();
            final List<LockInfo> locks = new ArrayList<>();
            for (int i = 0; i < result.locks().size(); i++) {
                // The store lists the locks in the order of the keys, all of them locked when it lists any.
                locks.add(lockInfo(keys.get(i), result.locks().get(i)));
            }
            return new SecondaryLocksResult(locks, result.commitTs(), result.rolledBack());
        });
    }

    @Override
    public CompletableFuture<Void> resolveLock(final List<byte[]> keys, final long startTs, final long commitTs) {
        checkOneRegion(keys);
        final long outcome = brokenResolveLock ? 0 : commitTs;
        return send(Kind.RESOLVE_LOCK, keys, new ResolveLockCommand(keys, startTs, outcome), r -> null);
    }

    /**
     * A negative control for checkers: from now on resolve-lock rolls back the keys of committed transactions too,
     * so a transaction whose secondaries a reader resolves loses them.
     */
    void breakResolveLock() {
        brokenResolveLock = true;
    }

    @Override
    public CompletableFuture<Long> txnHeartBeat(final byte[] primary, final long startTs, final long adviseTtl) {
        return send(Kind.HEARTBEAT, List.of(primary), new TxnHeartBeatCommand(primary, startTs, adviseTtl),
            r -> ((TxnResponse.HeartBeat) r).lockTtl());
    }

    @Override
    public CompletableFuture<Void> acquirePessimisticLock(
        final List<byte[]> keys, final byte[] primary, final long startTs, final long forUpdateTs, final long lockTtl,
        final long minCommitTs, final long waitTimeoutMs) {
        // The local store answers each request inside send and never ticks: it does not wait for locks (as a store
        // whose max wait is 0), so the client's backoff does the waiting.
        checkOneRegion(keys);
        return send(Kind.ACQUIRE_PESSIMISTIC_LOCK, keys,
            new AcquirePessimisticLockCommand(keys, primary, startTs, forUpdateTs, lockTtl, minCommitTs), r -> null);
    }

    @Override
    public CompletableFuture<Void> pessimisticRollback(
        final List<byte[]> keys, final long startTs, final long forUpdateTs) {
        checkOneRegion(keys);
        return send(Kind.PESSIMISTIC_ROLLBACK, keys, new PessimisticRollbackCommand(keys, startTs, forUpdateTs),
            r -> null);
    }

    @Override
    public CompletableFuture<List<LockInfo>> scanLock(
        final byte[] startKey, final byte[] endKey, final long maxTs, final int limit) {
        return send(Kind.SCAN_LOCK, List.of(startKey), new ScanLockCommand(startKey, endKey, maxTs, limit), r -> {
            final List<LockInfo> locks = new ArrayList<>();
            for (final TxnResponse.LockInfo info : ((TxnResponse.Locks) r).locks()) {
                locks.add(lockInfo(info.key(), info.lock()));
            }
            return locks;
        });
    }

    @Override
    public void close() {
        // Requests still coming (from a test that failed half way) fail as closed; the store thread finishes what it
        // has before the engine closes under it.
        delays.shutdownNow();
        storeThread.shutdown();
        try {
            storeThread.awaitTermination(10, TimeUnit.SECONDS);
            answers.shutdown();
            answers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        engine.close();
    }

    /** Runs a task on an executor, or fails the future if the transport is closed. */
    private static void run(final ExecutorService executor, final CompletableFuture<?> future, final Runnable task) {
        try {
            executor.execute(task);
        } catch (final RejectedExecutionException ex) {
            future.completeExceptionally(new TxnTransportException("transport closed", ex));
        }
    }

    private void checkOneRegion(final List<byte[]> keys) {
        if (regionsOf(keys).size() > 1) {
            throw new IllegalArgumentException("request spans regions: " + keys.size() + " keys");
        }
    }

    private <R> CompletableFuture<R> send(
        final Kind kind, final List<byte[]> keys, final TxnCommand command, final Function<TxnResponse, R> answer) {
        counts.get(kind).incrementAndGet();
        Rule rule = null;
        for (final Rule candidate : rules) {
            if (candidate.matches(kind, keys)) {
                rule = candidate;
                break;
            }
        }
        final Fault fault = rule == null ? randomFault(kind) : rule.fault();
        final CompletableFuture<R> future = new CompletableFuture<>();
        if (fault == Fault.FAIL) {
            run(answers, future, () -> future.completeExceptionally(
                new TxnTransportException("injected: " + kind + " lost before the store", null)));
            return future;
        }
        final Runnable toStore = () -> run(storeThread, future, () -> {
            final Object outcome = execute(command);
            run(answers, future, () -> {
                if (fault == Fault.DROP_RESPONSE) {
                    future.completeExceptionally(
                        new TxnTransportException("injected: answer to " + kind + " lost", null));
                } else if (outcome instanceof RuntimeException failure) {
                    future.completeExceptionally(failure);
                } else {
                    final TxnResponse response = (TxnResponse) outcome;
                    if (response instanceof TxnResponse.Error error) {
                        future.completeExceptionally(keyError(error.error()));
                    } else if (response instanceof TxnResponse.Busy busy) {
                        future.completeExceptionally(new TxnTransportException("busy: " + busy.reason(), null));
                    } else {
                        future.complete(answer.apply(response));
                    }
                }
            });
        });
        if (fault == Fault.DELAY) {
            try {
                delays.schedule(toStore, rule.delayMs(), TimeUnit.MILLISECONDS);
            } catch (final RejectedExecutionException ex) {
                future.completeExceptionally(new TxnTransportException("transport closed", ex));
            }
        } else {
            toStore.run();
        }
        return future;
    }

    /** Runs a command on the store thread and applies what it proposes: its answer, or the failure. */
    private Object execute(final TxnCommand command) {
        try {
            final long requestId = nextRequestId++;
            scheduler.submit(requestId, command);
            while (!proposedIds.isEmpty()) {
                final long commandId = proposedIds.pollFirst();
                try (EngineWriteBatch batch = new EngineWriteBatch(engine)) {
                    for (final Modify modify : WriteBatchCodec.decode(proposedBatches.pollFirst())) {
                        if (modify.isDelete()) {
                            batch.delete(modify.family(), modify.key());
                        } else {
                            batch.put(modify.family(), modify.key(), modify.value());
                        }
                    }
                    batch.write();
                }
                scheduler.onApplied(commandId);
            }
            final TxnResponse response = responses.remove(requestId);
            return response != null ? response : new IllegalStateException("no answer to " + command);
        } catch (final RuntimeException ex) {
            return ex;
        }
    }

    private static KeyErrorException keyError(final TxnException error) {
        if (error instanceof TxnException.KeyLocked locked) {
            return new KeyLockedException(lockInfo(locked.key(), locked.lock()));
        }
        if (error instanceof TxnException.WriteConflict conflict) {
            return new WriteConflictException(conflict.key(), conflict.startTs(), conflict.conflictStartTs(),
                conflict.conflictCommitTs());
        }
        if (error instanceof TxnException.AlreadyExist exists) {
            return new KeyExistsException(exists.key());
        }
        if (error instanceof TxnException.TxnNotFound) {
            return new TxnNotFoundException(error.getMessage());
        }
        if (error instanceof TxnException.TxnLockNotFound) {
            return new TxnLockNotFoundException(error.getMessage());
        }
        if (error instanceof TxnException.CommitTsExpired expired) {
            return new CommitTsExpiredException(error.getMessage(), expired.minCommitTs());
        }
        if (error instanceof TxnException.Committed committed) {
            return new AlreadyCommittedException(error.getMessage(), committed.commitTs());
        }
        return new KeyErrorException(error.getMessage());
    }

    static LockInfo lockInfo(final byte[] key, final Lock lock) {
        return new LockInfo(key, lock.primary(), lock.startTs(), lock.ttl(), LockType.valueOf(lock.type().name()),
            lock.forUpdateTs(), lock.txnSize(), lock.minCommitTs(), lock.useAsyncCommit(), lock.secondaries());
    }
}
