package io.tkv.server.gc;

import io.tkv.txn.ConcurrencyManager;
import io.tkv.txn.TxnKeys;
import io.tkv.txn.gc.GcWorker;
import io.tkv.txn.sched.SnapshotSource;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayQueue;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The store's GC, as TiKV's {@code gc_manager}: every run interval it fetches PD's GC safe point, and when that moved
 * past what a region this store leads was last collected under, runs a {@link GcWorker} over the region — its locks at
 * or below the safe point resolved, then its old versions deleted batch by batch through the region's Raft log — one
 * region at a time, one bounded step per duty cycle.
 *
 * <p><b>Where it runs.</b> An agent on a thread of its own with a sleeping idle strategy: a step reads RocksDB (up to
 * a batch of keys) and a run waits on PD, lock resolution and Raft, none of which may stall the raft agent's duty cycle
 * (heartbeats, elections) or the apply agent's (every write's latency). The apply agent is only asked, through the
 * {@link GcLink}, for what it alone owns: the region as applied (range, epoch version, leader term) when a run begins,
 * and to propose each batch of deletes under that epoch and term — so a split or leader change mid-run makes the batch
 * a no-op; the run fails and the region is tried again at the next pass (a new leader collects it itself).
 *
 * <p>Phases: {@code IDLE} until the next fetch is due, {@code FETCHING} PD's safe point, {@code OPENING} a region's
 * run, {@code RUNNING} its worker. Single-threaded: the futures it polls complete on other threads.
 */
public final class GcDriver implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(GcDriver.class);

    /** Where a pass is. */
    enum Phase {
        IDLE,
        FETCHING,
        OPENING,
        RUNNING
    }

    private final Supplier<CompletableFuture<Long>> safePoints;
    private final Supplier<long[]> ledRegions;
    private final GcLink link;
    private final SnapshotSource snapshots;
    private final ConcurrencyManager concurrency;
    private final GcWorker.LockResolver resolver;
    private final GcWorker.Config config;
    private final EpochClock clock;
    private final long runIntervalMs;
    private final GcCounters counters;

    /** Per region led, the safe point it was last collected under. */
    private Long2LongHashMap collectedAt = new Long2LongHashMap(0);
    private final LongArrayQueue pass = new LongArrayQueue();
    private Phase phase = Phase.IDLE;
    private long nextFetchMs;
    private long passSafePoint;
    private CompletableFuture<Long> fetching;
    private CompletableFuture<GcLink.RegionRun> opening;
    private long regionId;
    private GcWorker worker;
    private int passRegions;
    private int passFailures;
    private long passVersions;
    private long passLocks;
    private long regionsCollected;
    private long versionsDeleted;
    private long locksResolved;
    private long lastSafePointRun;
    private long passes;

    /**
     * @param safePoints    fetches PD's GC safe point (0: none).
     * @param ledRegions    the regions this store leads now.
     * @param link          the hand-over to the apply agent (runs, writes, the known safe point).
     * @param snapshots     snapshots of the store's engine.
     * @param concurrency   the store's concurrency manager (max ts raised to the safe point, memory locks).
     * @param resolver      resolves locks at or below the safe point.
     * @param config        the worker's batch bounds.
     * @param clock         the wall clock.
     * @param runIntervalMs how often the safe point is fetched.
     * @param counters      where totals are published; null for none.
     */
    public GcDriver(
        final Supplier<CompletableFuture<Long>> safePoints, final Supplier<long[]> ledRegions, final GcLink link,
        final SnapshotSource snapshots, final ConcurrencyManager concurrency, final GcWorker.LockResolver resolver,
        final GcWorker.Config config, final EpochClock clock, final long runIntervalMs, final GcCounters counters) {
        if (runIntervalMs <= 0) {
            throw new IllegalArgumentException("gc run interval must be > 0 ms: " + runIntervalMs);
        }
        this.safePoints = safePoints;
        this.ledRegions = ledRegions;
        this.link = link;
        this.snapshots = snapshots;
        this.concurrency = concurrency;
        this.resolver = resolver;
        this.config = config;
        this.clock = clock;
        this.runIntervalMs = runIntervalMs;
        this.counters = counters;
        this.nextFetchMs = clock.time() + runIntervalMs;
    }

    @Override
    public int doWork() {
        final long nowMs = clock.time();
        return switch (phase) {
            case IDLE -> nowMs >= nextFetchMs ? fetch() : 0;
            case FETCHING -> onFetched(nowMs);
            case OPENING -> onOpened(nowMs);
            case RUNNING -> run(nowMs);
        };
    }

    private int fetch() {
        fetching = safePoints.get();
        phase = Phase.FETCHING;
        return 1;
    }

    private int onFetched(final long nowMs) {
        if (!fetching.isDone()) {
            return 0;
        }
        final long safePoint;
        try {
            safePoint = fetching.join();
        } catch (final RuntimeException ex) {
            LOG.warn("GC: PD's safe point could not be fetched ({}); trying again in {} ms", ex.getMessage(),
                runIntervalMs);
            return idleUntil(nowMs + runIntervalMs);
        } finally {
            fetching = null;
        }
        link.safePoint(safePoint);
        if (safePoint <= 0) {
            return idleUntil(nowMs + runIntervalMs);
        }
        // Regions no longer led are forgotten: if this store leads one again, it collects it again (cheap when
        // nothing is left to delete).
        final Long2LongHashMap kept = new Long2LongHashMap(0);
        for (final long led : ledRegions.get()) {
            final long collected = collectedAt.get(led);
            if (collected >= safePoint) {
                kept.put(led, collected);
            } else {
                pass.addLong(led);
                if (collected > 0) {
                    kept.put(led, collected);
                }
            }
        }
        collectedAt = kept;
        if (pass.isEmpty()) {
            return idleUntil(nowMs + runIntervalMs);
        }
        passSafePoint = safePoint;
        passRegions = 0;
        passFailures = 0;
        passVersions = 0;
        passLocks = 0;
        return nextRegion(nowMs);
    }

    private int nextRegion(final long nowMs) {
        while (!pass.isEmpty()) {
            regionId = pass.pollLong();
            if (leads(regionId)) {
                opening = link.open(regionId);
                phase = Phase.OPENING;
                return 1;
            }
        }
        return finishPass(nowMs);
    }

    private boolean leads(final long id) {
        for (final long led : ledRegions.get()) {
            if (led == id) {
                return true;
            }
        }
        return false;
    }

    private int onOpened(final long nowMs) {
        if (!opening.isDone()) {
            return 0;
        }
        final GcLink.RegionRun run;
        try {
            run = opening.join();
        } catch (final RuntimeException ex) {
            regionFailed(ex.getMessage());
            return nextRegion(nowMs);
        } finally {
            opening = null;
        }
        final byte[] start = max(run.start(), TxnKeys.SPACE_START);
        final byte[] end = run.end().length == 0 ? TxnKeys.SPACE_END : min(run.end(), TxnKeys.SPACE_END);
        if (Arrays.compareUnsigned(start, end) >= 0) {
            // No transactional key in the region: nothing to collect.
            collectedAt.put(regionId, passSafePoint);
            return nextRegion(nowMs);
        }
        worker = new GcWorker(snapshots, concurrency, resolver, batch -> link.write(run, batch), config);
        worker.start(start, end, passSafePoint);
        phase = Phase.RUNNING;
        return 1;
    }

    private int run(final long nowMs) {
        final int work = worker.doWork();
        if (worker.isRunning()) {
            return work;
        }
        if (worker.phase() == GcWorker.Phase.DONE) {
            collectedAt.put(regionId, passSafePoint);
            passRegions++;
            passLocks += worker.locksResolved();
            passVersions += worker.versionsDeleted();
            regionsCollected++;
            versionsDeleted += worker.versionsDeleted();
            locksResolved += worker.locksResolved();
            if (counters != null) {
                counters.regionsCollected().increment();
                counters.versionsDeleted().getAndAdd(worker.versionsDeleted());
                counters.locksResolved().getAndAdd(worker.locksResolved());
            }
        } else {
            regionFailed(String.valueOf(worker.failure()));
        }
        worker = null;
        return 1 + nextRegion(nowMs);
    }

    private void regionFailed(final String why) {
        passFailures++;
        LOG.info("GC of region {} under safe point {} did not finish ({}); it is tried again at the next pass",
            regionId, passSafePoint, why);
    }

    private int finishPass(final long nowMs) {
        passes++;
        if (passFailures == 0) {
            lastSafePointRun = passSafePoint;
            if (counters != null) {
                counters.lastSafePoint().setOrdered(passSafePoint);
            }
        }
        LOG.info("GC pass under safe point {}: {} regions collected, {} failed, {} versions deleted, {} locks "
                + "resolved (totals: {} regions, {} versions, {} locks)", passSafePoint, passRegions, passFailures,
            passVersions, passLocks, regionsCollected, versionsDeleted, locksResolved);
        return idleUntil(nowMs + runIntervalMs);
    }

    private int idleUntil(final long dueMs) {
        nextFetchMs = dueMs;
        phase = Phase.IDLE;
        return 1;
    }

    private static byte[] max(final byte[] a, final byte[] b) {
        return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
    }

    private static byte[] min(final byte[] a, final byte[] b) {
        return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }

    @Override
    public String roleName() {
        return "tkv-gc";
    }

    /** @return where the driver is. */
    Phase phase() {
        return phase;
    }

    /** @return region runs completed since start. */
    public long regionsCollected() {
        return regionsCollected;
    }

    /** @return write records deleted by completed runs since start. */
    public long versionsDeleted() {
        return versionsDeleted;
    }

    /** @return locks handed to the resolver by completed runs since start. */
    public long locksResolved() {
        return locksResolved;
    }

    /** @return the safe point of the last pass in which every region led was collected (0: none yet). */
    public long lastSafePointRun() {
        return lastSafePointRun;
    }

    /** @return passes finished since start. */
    public long passes() {
        return passes;
    }
}
