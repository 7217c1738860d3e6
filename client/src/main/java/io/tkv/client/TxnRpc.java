package io.tkv.client;

import io.tkv.codec.KvBatchGetResponseDecoder;
import io.tkv.codec.KvBatchRollbackResponseDecoder;
import io.tkv.codec.KvCheckSecondaryLocksResponseDecoder;
import io.tkv.codec.KvCheckTxnStatusResponseDecoder;
import io.tkv.codec.KvCleanupResponseDecoder;
import io.tkv.codec.KvCommitResponseDecoder;
import io.tkv.codec.KvGetResponseDecoder;
import io.tkv.codec.KvPessimisticLockResponseDecoder;
import io.tkv.codec.KvPessimisticRollbackResponseDecoder;
import io.tkv.codec.KvPrewriteResponseDecoder;
import io.tkv.codec.KvResolveLockResponseDecoder;
import io.tkv.codec.KvScanLockResponseDecoder;
import io.tkv.codec.KvScanResponseDecoder;
import io.tkv.codec.KvTxnHeartBeatResponseDecoder;
import io.tkv.codec.SplitRegionResponseDecoder;
import io.tkv.codec.keys.TxnKeyCodec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The low-level transactional requests, one method per store request (TiKV's kvrpcpb as client-go's tikvrpc sends
 * them), routed by key to each region's leader: what a Percolator client ({@code TxnKvClient}: 2PC, lock resolution)
 * is built on. It drives no protocol itself: it sends, routes and retries, and hands back the store's answer.
 *
 * <p><b>Keys</b> are user keys; a key {@code k} lives in the region holding the stored key {@code 'x' mc(k)}
 * ({@link TxnKeyCodec}). <b>Routing and retries</b> are the {@link RawKvClient}'s, sharing its sessions and region
 * cache: NOT_LEADER follows the leader, SERVER_BUSY backs off, EPOCH_NOT_MATCH / KEY_NOT_IN_REGION /
 * REGION_NOT_FOUND refresh the cache and resend to the region holding the keys now; a request over several keys is
 * split by region, one request per region (the parts run in parallel), and a part whose keys a split parted is split
 * again. A NOT_LEADER or timeout after a write was proposed leaves its outcome unknown: every write here is
 * idempotent per start ts, and a Percolator client retries or checks.
 *
 * <p><b>Answers</b>: each future completes with the typed result, or fails with a {@link TxnKeyException} when the
 * store ran the request and met a key error ({@link TxnKeyException.KeyLocked} with every lock met and its details,
 * {@link TxnKeyException.WriteConflict}, {@link TxnKeyException.TxnNotFound}, {@link TxnKeyException.CommitTsExpired},
 * ...), or with a {@link TkvException} for a failure to get an answer. A request split by region fails with the first
 * part's failure (the other parts may have run). Thread-safe; callbacks may run on the client's poller thread.
 */
public final class TxnRpc {
    /** Times a part of a request is split again because the regions moved under it, before it fails. */
    private static final int MAX_REGROUPS = 5;
    /** Regions a reverse scan may step through looking for the one below its cursor, before it gives up. */
    private static final int MAX_WALK = 100_000;
    private static final byte[] EMPTY = new byte[0];

    /**
     * How a prewrite commits (TiKV's PrewriteRequest fields).
     *
     * @param startTs             the transaction's start ts.
     * @param lockTtl             the locks' ttl in milliseconds.
     * @param txnSize             the number of keys of the whole transaction.
     * @param forUpdateTs         a pessimistic transaction's for-update ts; 0 for an optimistic one.
     * @param minCommitTs         a lower bound for the commit ts (0: none).
     * @param maxCommitTs         async commit and 1PC: the largest commit ts accepted (0: no limit).
     * @param useAsyncCommit      async commit: the request holding the primary carries the secondaries.
     * @param tryOnePc            commit in the prewrite (every key in one region).
     * @param skipConstraintCheck optimistic: skip the check against newer commits.
     */
    public record PrewriteOptions(long startTs, long lockTtl, long txnSize, long forUpdateTs, long minCommitTs,
        long maxCommitTs, boolean useAsyncCommit, boolean tryOnePc, boolean skipConstraintCheck) {
        /** @return an optimistic 2PC prewrite. */
        public static PrewriteOptions optimistic(final long startTs, final long lockTtl, final long txnSize) {
            return new PrewriteOptions(startTs, lockTtl, txnSize, 0, 0, 0, false, false, false);
        }

        /** @return these options with 1PC asked for. */
        public PrewriteOptions onePc(final long maxCommit) {
            return new PrewriteOptions(startTs, lockTtl, txnSize, forUpdateTs, minCommitTs, maxCommit, false, true,
                skipConstraintCheck);
        }

        /** @return these options with async commit asked for. */
        public PrewriteOptions asyncCommit(final long maxCommit) {
            return new PrewriteOptions(startTs, lockTtl, txnSize, forUpdateTs, minCommitTs, maxCommit, true, false,
                skipConstraintCheck);
        }

        /** @return these options for a pessimistic transaction at {@code forUpdate}. */
        public PrewriteOptions pessimistic(final long forUpdate) {
            return new PrewriteOptions(startTs, lockTtl, txnSize, forUpdate, minCommitTs, maxCommitTs,
                useAsyncCommit, tryOnePc, false);
        }
    }

    private final RequestSubmitter requests;
    private final RegionCache cache;
    private final RegionSource source;

    private TxnRpc(final RequestSubmitter requests, final RegionCache cache, final RegionSource source) {
        this.requests = requests;
        this.cache = cache;
        this.source = source;
    }

    /**
     * @param client a connected client; the requests use its sessions, region cache and limits.
     * @return the transactional requests over it.
     */
    public static TxnRpc of(final RawKvClient client) {
        final ClientRuntime runtime = client.runtime();
        return new TxnRpc(runtime.submitter(), runtime.regionCache(), runtime.regionSource());
    }

    /** KvGet: the key's value at {@code version}, or null; fails KEY_LOCKED on a lock at or below it. */
    public CompletableFuture<byte[]> get(final byte[] key, final long version) {
        return single("kvGet", KvGetResponseDecoder.TEMPLATE_ID, key,
            epoch -> TxnFrames.current().get(epoch, key, version), TxnReplyReader::get);
    }

    /** KvBatchGet: the keys that have a value at {@code version}, in the order asked; KEY_LOCKED on any lock. */
    public CompletableFuture<List<KvPair>> batchGet(final List<byte[]> keys, final long version) {
        return perRegion("kvBatchGet", KvBatchGetResponseDecoder.TEMPLATE_ID, keys,
            (epoch, part) -> TxnFrames.current().batchGet(epoch, part, version), TxnReplyReader::batchGet, 0)
            .thenApply(TxnRpc::flatten);
    }

    /**
     * KvScan of {@code [start, end)} at {@code version}, in key order, over as many regions as it takes.
     *
     * @param end   exclusive user end key; empty for the end of the transactional space.
     * @param limit the most pairs, at least 1 and within the session's scan limit.
     */
    public CompletableFuture<List<KvPair>> scan(final byte[] start, final byte[] end, final long version,
        final int limit, final boolean keyOnly) {
        return walk(start, end, limit, new ArrayList<>(), (from, to, left) -> region -> requests.<byte[]>submitStored(
            "kvScan", KvScanResponseDecoder.TEMPLATE_ID,
            id -> TxnFrames.current().scan(region.epoch(), from, to, version, left, false, keyOnly), region,
            TxnKeyCodec.encode(from), to.length == 0 ? EMPTY : TxnKeyCodec.encode(to), true, 0)
            .thenApply(TxnReplyReader::scan));
    }

    /**
     * KvScan of {@code [start, end)} at {@code version} in descending key order, from just below {@code end} down,
     * over as many regions as it takes (the region holding the keys just below the cursor first).
     *
     * @param end   exclusive user end key; empty for the end of the transactional space.
     * @param limit the most pairs, at least 1 and within the session's scan limit.
     */
    public CompletableFuture<List<KvPair>> reverseScan(final byte[] start, final byte[] end, final long version,
        final int limit, final boolean keyOnly) {
        return walkBack(start, end, limit, new ArrayList<>(), (from, to, left) -> region ->
            requests.<byte[]>submitStored("kvScan", KvScanResponseDecoder.TEMPLATE_ID,
                id -> TxnFrames.current().scan(region.epoch(), from, to, version, left, true, keyOnly), region,
                TxnKeyCodec.encode(from), to.length == 0 ? EMPTY : TxnKeyCodec.encode(to), true, 0)
                .thenApply(TxnReplyReader::scan));
    }

    /**
     * KvPrewrite, split by region. With async commit the request holding the primary carries {@code secondaries};
     * 1PC needs every key in one region: if they are not (the cache was stale, or a region split under the request),
     * it fails with {@link OnePcSpansRegionsException} and sends no part.
     *
     * @return the largest min commit ts over the regions (async commit; 0 if any region fell back to 2PC), and the
     *     1PC commit ts if 1PC committed.
     */
    public CompletableFuture<TxnResults.Prewrite> prewrite(final List<TxnMutation> mutations, final byte[] primary,
        final PrewriteOptions options, final List<byte[]> secondaries) {
        final List<byte[]> keys = mutations.stream().map(TxnMutation::key).toList();
        return perRegion("kvPrewrite", KvPrewriteResponseDecoder.TEMPLATE_ID, keys, (epoch, part) -> {
            final List<TxnMutation> selected = new ArrayList<>();
            boolean holdsPrimary = false;
            for (final byte[] key : part) {
                final int at = indexOf(keys, key);
                selected.add(mutations.get(at));
                holdsPrimary |= Arrays.equals(key, primary);
            }
            if (options.tryOnePc() && part.size() != keys.size()) {
                // Thrown before this part is sent, and every part is smaller: no part goes out.
                throw new OnePcSpansRegionsException("1PC prewrite of " + keys.size() + " keys spans regions; "
                    + part.size() + " of them in one");
            }
            return TxnFrames.current().prewrite(epoch, selected, primary, options,
                options.useAsyncCommit() && holdsPrimary ? secondaries : List.of());
        }, TxnReplyReader::prewrite, 0).thenApply(parts -> {
            long minCommitTs = 0;
            long onePc = 0;
            boolean fellBack = false;
            for (final TxnResults.Prewrite part : parts) {
                minCommitTs = Math.max(minCommitTs, part.minCommitTs());
                onePc = Math.max(onePc, part.onePcCommitTs());
                fellBack |= part.minCommitTs() == 0;
            }
            // An async commit is committed only if every region took it as one: a region that fell back to 2PC
            // (no min commit ts) holds a lock no reader may commit from the primary's secondaries.
            return new TxnResults.Prewrite(fellBack ? 0 : minCommitTs, onePc);
        });
    }

    /** KvPessimisticLock on keys, split by region: every key locked, or KEY_LOCKED / WRITE_CONFLICT at once. */
    public CompletableFuture<Void> pessimisticLock(final List<byte[]> keys, final byte[] primary, final long startTs,
        final long forUpdateTs, final long lockTtl, final long minCommitTs) {
        return pessimisticLock(keys, primary, startTs, forUpdateTs, lockTtl, minCommitTs, 0);
    }

    /**
     * KvPessimisticLock on keys, split by region, waiting on the store up to {@code waitTimeoutMs} for a lock of
     * another transaction (the store caps it): every key locked, or KEY_LOCKED once the wait timed out,
     * WRITE_CONFLICT, or {@link TxnKeyException.Deadlock}. The request's deadline is the request timeout plus the wait.
     */
    public CompletableFuture<Void> pessimisticLock(final List<byte[]> keys, final byte[] primary, final long startTs,
        final long forUpdateTs, final long lockTtl, final long minCommitTs, final long waitTimeoutMs) {
        if (waitTimeoutMs < 0) {
            throw new IllegalArgumentException("negative wait timeout " + waitTimeoutMs);
        }
        return done(perRegion("kvPessimisticLock", KvPessimisticLockResponseDecoder.TEMPLATE_ID, keys,
            (epoch, part) -> TxnFrames.current().pessimisticLock(epoch, part, primary, startTs, forUpdateTs, lockTtl,
                minCommitTs, waitTimeoutMs), TxnReplyReader::done, 0, TimeUnit.MILLISECONDS.toNanos(waitTimeoutMs)));
    }

    /** KvPessimisticRollback of the transaction's pessimistic locks at {@code forUpdateTs}, split by region. */
    public CompletableFuture<Void> pessimisticRollback(final List<byte[]> keys, final long startTs,
        final long forUpdateTs) {
        return done(perRegion("kvPessimisticRollback", KvPessimisticRollbackResponseDecoder.TEMPLATE_ID, keys,
            (epoch, part) -> TxnFrames.current().pessimisticRollback(epoch, part, startTs, forUpdateTs),
            TxnReplyReader::done, 0));
    }

    /** KvCommit of keys at {@code commitTs}, split by region (commit the primary alone first: the commit point). */
    public CompletableFuture<Void> commit(final List<byte[]> keys, final long startTs, final long commitTs) {
        return done(perRegion("kvCommit", KvCommitResponseDecoder.TEMPLATE_ID, keys,
            (epoch, part) -> TxnFrames.current().commit(epoch, part, startTs, commitTs), TxnReplyReader::done, 0));
    }

    /** KvBatchRollback of keys, split by region. */
    public CompletableFuture<Void> batchRollback(final List<byte[]> keys, final long startTs) {
        return done(perRegion("kvBatchRollback", KvBatchRollbackResponseDecoder.TEMPLATE_ID, keys,
            (epoch, part) -> TxnFrames.current().batchRollback(epoch, part, startTs), TxnReplyReader::done, 0));
    }

    /** KvCleanup of one key: rolled back if its lock expired at {@code currentTs} (0: at once); COMMITTED if not. */
    public CompletableFuture<Void> cleanup(final byte[] key, final long startTs, final long currentTs) {
        return single("kvCleanup", KvCleanupResponseDecoder.TEMPLATE_ID, key,
            epoch -> TxnFrames.current().cleanup(epoch, key, startTs, currentTs), TxnReplyReader::cleanup);
    }

    /** KvCheckTxnStatus on the primary of the transaction started at {@code lockTs}. */
    public CompletableFuture<TxnResults.TxnStatus> checkTxnStatus(final byte[] primary, final long lockTs,
        final long callerStartTs, final long currentTs, final boolean rollbackIfNotExist,
        final boolean forceSyncCommit, final boolean resolvingPessimisticLock) {
        return single("kvCheckTxnStatus", KvCheckTxnStatusResponseDecoder.TEMPLATE_ID, primary,
            epoch -> TxnFrames.current().checkTxnStatus(epoch, primary, lockTs, callerStartTs, currentTs,
                rollbackIfNotExist, forceSyncCommit, resolvingPessimisticLock), TxnReplyReader::checkTxnStatus);
    }

    /** KvCheckSecondaryLocks of an async-commit transaction, split by region and merged. */
    public CompletableFuture<TxnResults.SecondaryLocks> checkSecondaryLocks(final List<byte[]> keys,
        final long startTs) {
        return perRegion("kvCheckSecondaryLocks", KvCheckSecondaryLocksResponseDecoder.TEMPLATE_ID, keys,
            (epoch, part) -> TxnFrames.current().checkSecondaryLocks(epoch, part, startTs),
            TxnReplyReader::checkSecondaryLocks, 0).thenApply(parts -> {
                final List<TxnLockInfo> locks = new ArrayList<>();
                long commitTs = 0;
                boolean rolledBack = false;
                for (final TxnResults.SecondaryLocks part : parts) {
                    locks.addAll(part.locks());
                    commitTs = Math.max(commitTs, part.commitTs());
                    rolledBack |= part.rolledBack();
                }
                return new TxnResults.SecondaryLocks(List.copyOf(locks), commitTs, rolledBack);
            });
    }

    /** KvResolveLock on keys: commit them at {@code commitTs}, or roll them back (0), split by region. */
    public CompletableFuture<Void> resolveLock(final List<byte[]> keys, final long startTs, final long commitTs) {
        return done(perRegion("kvResolveLock", KvResolveLockResponseDecoder.TEMPLATE_ID, keys,
            (epoch, part) -> TxnFrames.current().resolveLock(epoch, part, startTs, commitTs), TxnReplyReader::done,
            0));
    }

    /** KvResolveLock without keys: every lock of the transaction in the region holding {@code anyKey}. */
    public CompletableFuture<Void> resolveLockInRegionOf(final byte[] anyKey, final long startTs,
        final long commitTs) {
        return single("kvResolveLock", KvResolveLockResponseDecoder.TEMPLATE_ID, anyKey,
            epoch -> TxnFrames.current().resolveLock(epoch, List.of(), startTs, commitTs), TxnReplyReader::done);
    }

    /** KvTxnHeartBeat: raises the primary lock's ttl to {@code adviseTtl}; completes with the ttl now. */
    public CompletableFuture<Long> txnHeartBeat(final byte[] primary, final long startTs, final long adviseTtl) {
        return single("kvTxnHeartBeat", KvTxnHeartBeatResponseDecoder.TEMPLATE_ID, primary,
            epoch -> TxnFrames.current().txnHeartBeat(epoch, primary, startTs, adviseTtl),
            TxnReplyReader::txnHeartBeat);
    }

    /**
     * KvScanLock of {@code [start, end)}: the locks that started at or before {@code maxVersion}, at most
     * {@code limit}, in key order over as many regions as it takes.
     */
    public CompletableFuture<List<TxnLockInfo>> scanLock(final byte[] start, final byte[] end, final long maxVersion,
        final int limit) {
        return walk(start, end, limit, new ArrayList<>(), (from, to, left) -> region ->
            requests.<byte[]>submitStored("kvScanLock", KvScanLockResponseDecoder.TEMPLATE_ID,
                id -> TxnFrames.current().scanLock(region.epoch(), from, to, maxVersion, left), region,
                TxnKeyCodec.encode(from), to.length == 0 ? EMPTY : TxnKeyCodec.encode(to), true, 0)
                .thenApply(TxnReplyReader::scanLock));
    }

    /**
     * Admin: splits a region at a transactional user key (the new region starts at {@code 'x' mc(userKey)}), as
     * {@link RawKvClient#splitRegion} splits at a RawKV key; needs a client that proved the admin secret.
     *
     * @return the two regions after the split.
     */
    public CompletableFuture<List<RegionInfo>> splitRegion(final long regionId, final long confVer,
        final long version, final byte[] userKey, final long newRegionId, final long... newPeerIds) {
        final RegionEpoch region = new RegionEpoch(regionId, confVer, version);
        final byte[] stored = TxnKeyCodec.encode(userKey);
        return requests.submit("splitRegion", SplitRegionResponseDecoder.TEMPLATE_ID,
            id -> IngressEncoder.current().splitRegion(id, region, stored, newRegionId, newPeerIds.clone()));
    }

    /** One page of a walk over regions: the request for {@code [from, to)} in one region, at most {@code left}. */
    private interface Page<T> {
        Function<CachedRegion, CompletableFuture<List<T>>> in(byte[] from, byte[] to, int left);
    }

    /** Walks the regions from {@code start} up, one request each, until {@code limit} items or {@code end}. */
    private <T> CompletableFuture<List<T>> walk(final byte[] start, final byte[] end, final int limit,
        final List<T> found, final Page<T> page) {
        final byte[] stored = TxnKeyCodec.encode(start);
        return locate(stored).thenCompose(region -> {
            final byte[] regionEnd = TxnKeyCodec.userEnd(region.end());
            final boolean last = regionEnd == null || end.length != 0 && Arrays.compareUnsigned(end, regionEnd) <= 0;
            final byte[] to = last ? end : regionEnd;
            return page.in(start, to, limit - found.size()).apply(region).thenCompose(items -> {
                found.addAll(items);
                if (last || found.size() >= limit) {
                    return CompletableFuture.completedFuture(List.copyOf(found));
                }
                return walk(regionEnd, end, limit, found, page);
            });
        });
    }

    /** Walks the regions from just below {@code end} down, one request each, until {@code limit} or {@code start}. */
    private <T> CompletableFuture<List<T>> walkBack(final byte[] start, final byte[] end, final int limit,
        final List<T> found, final Page<T> page) {
        final byte[] storedEnd = end.length == 0 ? TxnKeyCodec.SPACE_END : TxnKeyCodec.encode(end);
        return locateBefore(TxnKeyCodec.encode(start), storedEnd, 0).thenCompose(region -> {
            final byte[] regionStart = TxnKeyCodec.userStart(region.start());
            final boolean last = regionStart.length == 0 || Arrays.compareUnsigned(regionStart, start) <= 0;
            final byte[] from = last ? start : regionStart;
            return page.in(from, end, limit - found.size()).apply(region).thenCompose(items -> {
                found.addAll(items);
                if (last || found.size() >= limit) {
                    return CompletableFuture.completedFuture(List.copyOf(found));
                }
                return walkBack(start, regionStart, limit, found, page);
            });
        });
    }

    /**
     * @return the region holding the stored keys just below {@code storedEnd}: the regions are walked up from the one
     *     holding {@code storedFrom} (cached regions make each step a lookup) until one reaches {@code storedEnd}.
     */
    private CompletableFuture<CachedRegion> locateBefore(final byte[] storedFrom, final byte[] storedEnd,
        final int steps) {
        return locate(storedFrom).thenCompose(region -> {
            final byte[] regionEnd = region.end();
            if (regionEnd.length == 0 || Arrays.compareUnsigned(regionEnd, storedEnd) >= 0) {
                return CompletableFuture.completedFuture(region);
            }
            if (steps >= MAX_WALK) {
                return CompletableFuture.failedFuture(new TkvException(ErrorCode.REGION_NOT_FOUND,
                    "walked " + MAX_WALK + " regions without reaching the scan's end"));
            }
            return locateBefore(regionEnd, storedEnd, steps + 1);
        });
    }

    /** A request about one key, to the region holding it. */
    private <T> CompletableFuture<T> single(final String operation, final int responseTemplateId, final byte[] key,
        final Function<RegionEpoch, byte[]> encode, final Function<byte[], T> decode) {
        final byte[] stored = TxnKeyCodec.encode(key);
        return locate(stored).thenCompose(region -> requests.<byte[]>submitStored(operation, responseTemplateId,
            id -> encode.apply(region.epoch()), region, stored, stored, false, 0)).thenApply(decode);
    }

    /**
     * A request about keys, one per region holding some (in parallel); a part the regions moved under (a region error
     * it could not be resent through whole) is grouped and sent again.
     *
     * @return each part's answer.
     */
    private <T> CompletableFuture<List<T>> perRegion(final String operation, final int responseTemplateId,
        final List<byte[]> keys, final BiFunction<RegionEpoch, List<byte[]>, byte[]> encode,
        final Function<byte[], T> decode, final int regroups) {
        return perRegion(operation, responseTemplateId, keys, encode, decode, regroups, 0);
    }

    /** As above, each request's deadline {@code extraNs} past the request timeout (a lock wait on the store). */
    private <T> CompletableFuture<List<T>> perRegion(final String operation, final int responseTemplateId,
        final List<byte[]> keys, final BiFunction<RegionEpoch, List<byte[]>, byte[]> encode,
        final Function<byte[], T> decode, final int regroups, final long extraNs) {
        return TxnGroups.group(keys, cache, this::locate).thenCompose(groups -> {
            final List<CompletableFuture<List<T>>> parts = new ArrayList<>();
            for (final TxnGroups.Group group : groups) {
                final long deadlineNs = extraNs == 0 ? 0 : System.nanoTime() + requests.requestTimeoutNs() + extraNs;
                parts.add(requests.<byte[]>submitStored(operation, responseTemplateId,
                    id -> encode.apply(group.region().epoch(), group.keys()), group.region(), group.firstStored(),
                    group.lastStored(), false, deadlineNs).thenApply(decode).thenApply(Collections::singletonList)
                    .exceptionallyCompose(failure -> regroups < MAX_REGROUPS && TxnGroups.isRegionError(failure)
                        ? perRegion(operation, responseTemplateId, group.keys(), encode, decode, regroups + 1,
                            extraNs)
                        : CompletableFuture.failedFuture(failure)));
            }
            return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(all -> {
                final List<T> answers = new ArrayList<>();
                for (final CompletableFuture<List<T>> part : parts) {
                    answers.addAll(part.join());
                }
                return answers;
            });
        });
    }

    /** @return the region holding the stored key: from the cache, else located and learnt. */
    private CompletableFuture<CachedRegion> locate(final byte[] stored) {
        return TxnGroups.locate(cache, source, stored);
    }

    private static CompletableFuture<Void> done(final CompletableFuture<? extends List<?>> parts) {
        return parts.thenApply(all -> null);
    }

    private static List<KvPair> flatten(final List<List<KvPair>> parts) {
        final List<KvPair> pairs = new ArrayList<>();
        parts.forEach(pairs::addAll);
        return List.copyOf(pairs);
    }

    private static int indexOf(final List<byte[]> keys, final byte[] key) {
        for (int i = 0; i < keys.size(); i++) {
            if (Arrays.equals(keys.get(i), key)) {
                return i;
            }
        }
        throw new IllegalStateException("a key not of the request");
    }
}
