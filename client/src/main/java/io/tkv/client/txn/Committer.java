package io.tkv.client.txn;

import io.tkv.codec.keys.Timestamps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Commits one transaction's mutations, as client-go's {@code twoPhaseCommitter} ({@code txnkv/transaction/2pc.go}).
 *
 * <p><b>Which protocol.</b> 1PC when it is on and every key is in one region: one prewrite with try-1PC commits the
 * keys, at the store's min commit ts. Otherwise async commit when it is on and the transaction has at most
 * {@link TxnConfig#asyncCommitMaxKeys()} keys: the primary's lock lists the secondaries, and the transaction is
 * committed once every prewrite succeeded, at the largest min commit ts the regions answered; the keys are then
 * committed in the background. Otherwise, and whenever the store falls back (a min commit ts above the max commit ts
 * we allow, {@link TxnConfig#maxCommitTsLagMs()} past a fresh ts), classic 2PC. For 1PC and async commit the
 * client's min commit ts is that fresh ts (client-go without causal consistency): the store's max ts only covers
 * what it saw, and a commit ts below a ts already handed out would order this transaction before one that finished
 * earlier. In 2PC the min commit ts is just above the start (and for-update) ts, so readers may push it.
 *
 * <p><b>Order.</b> As TiKV: all regions are prewritten in parallel (the primary is not prewritten first); in 2PC the
 * commit ts comes from the TSO after every prewrite succeeded, the primary's region is committed first and
 * synchronously (the commit point), the other regions in the background. A prewrite that meets locks resolves them
 * and retries that region, backing off while they live.
 *
 * <p><b>Heartbeats.</b> A pessimistic transaction's primary lock is heart-beaten from its first lock until the end
 * of the commit; an optimistic one's only from the primary's prewrite, and only if the transaction is at least
 * {@link TxnConfig#ttlRefreshedTxnBytes()} large (as TiKV), so that small transactions whose prewrites wait on each
 * other are freed by the ttl.
 *
 * <p><b>Outcomes.</b> A key error in a prewrite (write conflict, a lock that outlived the lock wait, ...) means the
 * transaction cannot have committed: every key is rolled back (best effort) and the error is thrown. A transport
 * failure of a prewrite in 2PC: rolled back, {@link TxnAbortedException}. In async commit or 1PC a prewrite decides
 * the outcome, so its transport failure is {@link UndeterminedException}, as is a transport failure of the
 * primary's commit in 2PC. A commit ts below a min commit ts a reader pushed is retried with a fresh ts; a primary
 * whose lock is gone was rolled back by a resolver: {@link TxnAbortedException}. A 1PC prewrite whose keys turn out
 * to span regions ({@link OnePcRegionsChangedException}: the keys were grouped from a stale region cache) wrote
 * nothing, and the commit is done again over the regions as they are now, without 1PC.
 *
 * <p>Used once, on the thread that commits.
 */
final class Committer {
    private static final int MAX_COMMIT_TS_RETRIES = 16;

    private final TxnKvClient client;
    private final TxnTransport transport;
    private final TxnConfig config;
    private final long startTs;
    private final byte[] primary;
    private final TreeMap<byte[], Mutation> mutations;
    private final long forUpdateTs;
    private Heartbeat heartbeat;
    private List<List<Mutation>> regions;
    private int primaryRegion;
    private long txnBytes;
    private CommitKind kind;

    /**
     * @param mutations   the keys to commit, in key order, at least one; the primary among them.
     * @param forUpdateTs the pessimistic transaction's largest for-update ts (every key holds its pessimistic lock);
     *                    0 for an optimistic one.
     * @param heartbeat   the pessimistic transaction's running heartbeat, or {@code null}.
     */
    Committer(
        final TxnKvClient client, final long startTs, final byte[] primary, final TreeMap<byte[], Mutation> mutations,
        final long forUpdateTs, final Heartbeat heartbeat) {
        this.client = client;
        this.transport = client.transport();
        this.config = client.config();
        this.startTs = startTs;
        this.primary = primary;
        this.mutations = mutations;
        this.forUpdateTs = forUpdateTs;
        this.heartbeat = heartbeat;
    }

    /** @return how the last {@link #commit()} committed. */
    CommitKind kind() {
        return kind;
    }

    /**
     * @return the commit ts.
     * @throws KeyErrorException      if a prewrite failed on a key (rolled back).
     * @throws TxnAbortedException    if the transaction did not commit for another reason (rolled back).
     * @throws UndeterminedException  if nobody knows yet.
     */
    long commit() {
        try {
            groupByRegion();
            try {
                return commitOnce(config.onePc() && regions.size() == 1);
            } catch (final OnePcRegionsChangedException ex) {
                // The keys were grouped from a stale region cache (or a region split under the prewrite): the 1PC
                // prewrite wrote nothing, and the transport has learnt the regions. Commit over them without 1PC.
                groupByRegion();
                return commitOnce(false);
            }
        } finally {
            Heartbeat.stop(heartbeat);
        }
    }

    private long commitOnce(final boolean onePc) {
        final boolean async = !onePc && config.asyncCommit() && mutations.size() <= config.asyncCommitMaxKeys();
        long minCommitTs = Math.max(startTs, forUpdateTs) + 1;
        long maxCommitTs = 0;
        if (onePc || async) {
            // The store picks the commit ts; a ts from now keeps it above every commit finished before ours.
            final long now = timestamp();
            minCommitTs = Math.max(minCommitTs, now);
            maxCommitTs = Timestamps.compose(Timestamps.physicalMs(now) + config.maxCommitTsLagMs(), 0);
        }
        final PrewriteResult[] results = prewrite(onePc, async, minCommitTs, maxCommitTs);
        if (onePc && results[0].onePcCommitTs() != 0) {
            kind = CommitKind.ONE_PC;
            return results[0].onePcCommitTs();
        }
        if (async) {
            long commitTs = 0;
            boolean fellBack = false;
            for (final PrewriteResult result : results) {
                fellBack |= result.minCommitTs() == 0;
                commitTs = Math.max(commitTs, result.minCommitTs());
            }
            if (!fellBack) {
                kind = CommitKind.ASYNC_COMMIT;
                // Committed already; committing the keys only spares readers the resolving.
                for (final List<Mutation> region : regions) {
                    client.track(transport.commit(keysOf(region), startTs, commitTs));
                }
                return commitTs;
            }
        }
        kind = CommitKind.TWO_PC;
        return commitTwoPhase();
    }

    private void groupByRegion() {
        txnBytes = 0;
        final List<List<byte[]>> groups = transport.groupByRegion(new ArrayList<>(mutations.keySet()));
        regions = new ArrayList<>(groups.size());
        primaryRegion = -1;
        txnBytes = 0;
        for (final List<byte[]> group : groups) {
            final List<Mutation> region = new ArrayList<>(group.size());
            for (final byte[] key : group) {
                final Mutation mutation = mutations.get(key);
                region.add(mutation);
                txnBytes += key.length + (mutation.value() == null ? 0 : mutation.value().length);
                if (Arrays.equals(key, primary)) {
                    primaryRegion = regions.size();
                }
            }
            regions.add(region);
        }
        if (primaryRegion < 0) {
            throw new IllegalStateException("primary " + Keys.show(primary) + " is not among the mutations");
        }
    }

    private PrewriteResult[] prewrite(
        final boolean onePc, final boolean async, final long minCommitTs, final long maxCommitTs) {
        final List<byte[]> secondaries = new ArrayList<>();
        if (async) {
            for (final byte[] key : mutations.keySet()) {
                if (!Arrays.equals(key, primary)) {
                    secondaries.add(key);
                }
            }
        }
        final List<PrewriteRequest> requests = new ArrayList<>(regions.size());
        for (int i = 0; i < regions.size(); i++) {
            final List<Mutation> region = regions.get(i);
            boolean[] pessimistic = null;
            if (forUpdateTs != 0) {
                pessimistic = new boolean[region.size()];
                Arrays.fill(pessimistic, true);
            }
            final List<byte[]> regionSecondaries = async ? (i == primaryRegion ? secondaries : List.of()) : null;
            requests.add(new PrewriteRequest(region, primary, startTs, config.lockTtlMs(), mutations.size(),
                forUpdateTs, pessimistic, regionSecondaries, onePc, minCommitTs, maxCommitTs));
        }
        final PrewriteResult[] results = new PrewriteResult[regions.size()];
        final List<CompletableFuture<PrewriteResult>> inFlight = new ArrayList<>(regions.size());
        for (final PrewriteRequest request : requests) {
            inFlight.add(transport.prewrite(request));
        }
        final Backoff backoff = Backoff.forLocks(config);
        while (true) {
            final List<LockInfo> locked = new ArrayList<>();
            KeyErrorException keyError = null;
            TxnKvException transportError = null;
            for (int i = 0; i < inFlight.size(); i++) {
                if (inFlight.get(i) == null) {
                    continue;
                }
                try {
                    final PrewriteResult result = Rpc.await(inFlight.get(i), config.requestTimeoutMs());
                    if (result.locked().isEmpty()) {
                        results[i] = result;
                        inFlight.set(i, null);
                        if (i == primaryRegion && !onePc && heartbeat == null &&
                            txnBytes >= config.ttlRefreshedTxnBytes()) {
                            heartbeat = Heartbeat.start(transport, config, client.timer(), primary, startTs);
                        }
                    } else {
                        locked.addAll(result.locked());
                    }
                } catch (final KeyErrorException ex) {
                    keyError = keyError == null ? ex : keyError;
                    inFlight.set(i, null);
                } catch (final TxnKvException ex) {
                    transportError = transportError == null ? ex : transportError;
                    inFlight.set(i, null);
                }
            }
            if (keyError == null && transportError == null && !locked.isEmpty()) {
                final long liveMs = client.lockResolver().resolve(0, locked);
                if (liveMs > 0 && !backoff.pause(liveMs)) {
                    keyError = new KeyLockedException(locked.get(0));
                }
            }
            if (keyError != null || transportError != null) {
                awaitAll(inFlight);
                if (onePc && keyError instanceof OnePcRegionsChangedException && transportError == null) {
                    throw keyError; // nothing written: commit() tries again without 1PC, under the same start ts
                }
                throw prewriteFailed(keyError, transportError, (onePc || async) && locked.isEmpty());
            }
            if (locked.isEmpty()) {
                return results;
            }
            for (int i = 0; i < inFlight.size(); i++) {
                if (results[i] == null) {
                    inFlight.set(i, transport.prewrite(requests.get(i)));
                }
            }
        }
    }

    private RuntimeException prewriteFailed(
        final KeyErrorException keyError, final TxnKvException transportError, final boolean prewriteDecides) {
        if (keyError == null && prewriteDecides) {
            // Every other prewrite may have succeeded, which commits an async-commit or 1PC transaction. (Had a
            // region refused or met locks, it wrote nothing and the transaction could not commit.)
            return new UndeterminedException(startTs, "txn " + startTs + ": a prewrite failed in transport",
                transportError);
        }
        // A region refused (it wrote nothing), or 2PC never reached its commit point: not committed.
        rollbackAll();
        if (keyError != null) {
            return keyError;
        }
        return new TxnAbortedException("txn " + startTs + " rolled back: a prewrite failed in transport",
            transportError);
    }

    private long commitTwoPhase() {
        // The primary key is committed alone, first: one key is in one region whatever split since the keys were
        // grouped. Committed with its region's other keys, a request TxnRpc had to split again would go out in
        // parallel, and a secondary committed beside a primary commit that failed would be half a transaction once a
        // resolver rolled the primary back. The rest of its region is committed with the other secondaries.
        long commitTs = timestamp();
        for (int attempt = 0; ; attempt++) {
            try {
                Rpc.await(transport.commit(List.of(primary), startTs, commitTs), config.requestTimeoutMs());
                break;
            } catch (final CommitTsExpiredException ex) {
                if (attempt >= MAX_COMMIT_TS_RETRIES) {
                    rollbackAll();
                    throw new TxnAbortedException("txn " + startTs + " rolled back: commit ts kept expiring", ex);
                }
                commitTs = timestamp();
                while (commitTs <= ex.minCommitTs()) {
                    commitTs = timestamp();
                }
            } catch (final TxnLockNotFoundException ex) {
                throw new TxnAbortedException("txn " + startTs + " was rolled back by another client", ex);
            } catch (final KeyErrorException ex) {
                rollbackAll();
                throw new TxnAbortedException("txn " + startTs + " rolled back: its primary refused the commit", ex);
            } catch (final TxnKvException ex) {
                throw new UndeterminedException(startTs, "txn " + startTs + ": the primary's commit at " + commitTs +
                    " failed in transport", ex);
            }
        }
        for (int i = 0; i < regions.size(); i++) {
            final List<byte[]> keys = new ArrayList<>(keysOf(regions.get(i)));
            if (i == primaryRegion) {
                keys.removeIf(key -> Arrays.equals(key, primary));
            }
            if (!keys.isEmpty()) {
                client.track(transport.commit(keys, startTs, commitTs));
            }
        }
        return commitTs;
    }

    /** Rolls back every key, waiting for the answers but ignoring failures: resolvers clean up what is left. */
    private void rollbackAll() {
        Heartbeat.stop(heartbeat);
        final List<CompletableFuture<Void>> rollbacks = new ArrayList<>(regions.size());
        for (final List<Mutation> region : regions) {
            rollbacks.add(transport.batchRollback(keysOf(region), startTs));
        }
        awaitAll(rollbacks);
    }

    private void awaitAll(final List<? extends CompletableFuture<?>> futures) {
        for (final CompletableFuture<?> future : futures) {
            if (future != null) {
                try {
                    Rpc.await(future, config.requestTimeoutMs());
                } catch (final TxnKvException ignored) {
                    // Best effort.
                }
            }
        }
    }

    private long timestamp() {
        return Rpc.await(transport.timestamp(), config.requestTimeoutMs());
    }

    private static List<byte[]> keysOf(final List<Mutation> region) {
        final List<byte[]> keys = new ArrayList<>(region.size());
        for (final Mutation mutation : region) {
            keys.add(mutation.key());
        }
        return keys;
    }
}
