package io.tkv.server.gc;

import io.tkv.storage.ColumnFamily;
import io.tkv.storage.EngineSnapshot;
import io.tkv.storage.EngineWriteBatch;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.KvCursor;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import io.tkv.txn.ConcurrencyManager;
import io.tkv.txn.Lock;
import io.tkv.txn.LockType;
import io.tkv.txn.Modify;
import io.tkv.txn.MvccReader;
import io.tkv.txn.TxnKeys;
import io.tkv.txn.Write;
import io.tkv.txn.WriteBatchCodec;
import io.tkv.txn.WriteType;
import io.tkv.txn.gc.GcWorker;
import io.tkv.txn.sched.SnapshotSource;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store's GC driver on a real RocksDB, with the apply agent played by the test (it drains the {@link GcLink},
 * answers region runs and applies write batches as Raft would, or refuses them as a moved epoch does) and PD's safe
 * point and the led regions as plain fields. The clock is the test's: nothing sleeps.
 */
class GcDriverTest {
    private static final long INTERVAL_MS = 1_000;

    @TempDir
    Path dir;

    private StorageEngine engine;
    private final CachedEpochClock clock = new CachedEpochClock();
    private final GcLink link = new GcLink();
    private final ConcurrencyManager concurrency = new ConcurrencyManager(0);
    private final Long2ObjectHashMap<GcLink.RegionRun> regions = new Long2ObjectHashMap<>();
    private final List<String> events = new ArrayList<>();
    private long safePoint;
    private long[] led = new long[0];
    private int fetches;
    /** The next writes the "apply agent" refuses, as after a split or leader change. */
    private int refuseWrites;
    /** The next resolutions that find the transaction alive. */
    private int liveLocks;
    private GcDriver driver;

    @BeforeEach
    void setUp() {
        engine = StorageEngine.open(new StorageConfig().dataDir(dir).fsyncPolicy(FsyncPolicy.NONE));
        clock.update(1_000_000);
        // Region 1: the stored keys before "m"; region 2: from "m" on (the transactional space split at user key m).
        regions.put(1, new GcLink.RegionRun(1, new byte[0], TxnKeys.encode(b("m")), 5, 7));
        regions.put(2, new GcLink.RegionRun(2, TxnKeys.encode(b("m")), new byte[0], 5, 7));
        driver = new GcDriver(() -> {
            fetches++;
            return CompletableFuture.completedFuture(safePoint);
        }, () -> led, link, SnapshotSource.ofEngine(engine), concurrency, this::resolve, GcWorker.Config.DEFAULT,
            clock, INTERVAL_MS, null);
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    @Test
    void shouldFetchOncePerIntervalAndPublishTheSafePoint() {
        safePoint = 10;
        runFor(INTERVAL_MS - 1);
        assertEquals(0, fetches, "not before the first interval");
        runFor(1);
        assertEquals(1, fetches);
        assertEquals(10, link.safePoint(), "the apply agent learns the safe point to refuse old reads");
        runFor(INTERVAL_MS / 2);
        assertEquals(1, fetches);
        runFor(INTERVAL_MS);
        assertEquals(2, fetches);
    }

    @Test
    void shouldCollectOnlyTheRegionsItLeads() {
        putVersions("a", 2, 4, 20);
        putVersions("x", 2, 4, 20);
        led = new long[] {1};
        safePoint = 10;
        runFor(INTERVAL_MS);
        assertEquals(List.of("open 1", "write 1"), events);
        assertEquals(List.of(4L, 20L), versions("a"), "v2 collected, the newest at or below 10 and v20 kept");
        assertEquals(List.of(2L, 4L, 20L), versions("x"), "region 2 is not led here");
        assertEquals(1, driver.regionsCollected());
        assertEquals(1, driver.versionsDeleted());
        assertEquals(10, driver.lastSafePointRun());
    }

    @Test
    void shouldRunAgainOnlyWhenTheSafePointAdvances() {
        putVersions("a", 2, 4, 20);
        led = new long[] {1, 2};
        safePoint = 10;
        runFor(INTERVAL_MS);
        assertEquals(List.of("open 1", "write 1", "open 2"), events, "region 2 has nothing to delete");
        events.clear();
        runFor(3 * INTERVAL_MS);
        assertTrue(fetches >= 3);
        assertEquals(List.of(), events, "same safe point: no region is collected again");
        safePoint = 30;
        runFor(INTERVAL_MS);
        assertEquals(List.of("open 1", "write 1", "open 2"), events);
        assertEquals(List.of(20L), versions("a"));
    }

    @Test
    void shouldRetryARegionWhoseEpochMovedMidRun() {
        putVersions("a", 2, 4, 20);
        putVersions("x", 2, 4, 20);
        led = new long[] {1, 2};
        safePoint = 10;
        refuseWrites = 1;
        runFor(INTERVAL_MS);
        assertEquals(List.of("open 1", "refused 1", "open 2", "write 2"), events);
        assertEquals(List.of(2L, 4L, 20L), versions("a"), "the refused batch wrote nothing");
        assertEquals(List.of(4L, 20L), versions("x"), "the next region was collected all the same");
        assertEquals(0, driver.lastSafePointRun(), "the pass was not complete");
        events.clear();
        runFor(INTERVAL_MS);
        assertEquals(List.of("open 1", "write 1"), events, "only the failed region runs again");
        assertEquals(List.of(4L, 20L), versions("a"));
        assertEquals(10, driver.lastSafePointRun());
    }

    @Test
    void shouldSkipARegionNoLongerLedWhenItsTurnComes() {
        putVersions("a", 2, 4, 20);
        putVersions("x", 2, 4, 20);
        led = new long[] {1, 2};
        safePoint = 10;
        clock.advance(INTERVAL_MS);
        while (driver.phase() != GcDriver.Phase.OPENING) {
            driver.doWork();
        }
        // Region 1's run is asked for; meanwhile this store stops leading region 2.
        led = new long[] {1};
        runFor(1);
        assertEquals(List.of("open 1", "write 1"), events);
        assertEquals(List.of(2L, 4L, 20L), versions("x"), "a region no longer led is left to its new leader");
    }

    @Test
    void shouldResolveLocksBeforeCollectingAndRetryWhileATransactionLives() {
        putVersions("a", 2, 4, 20);
        putLock("b", 5);
        led = new long[] {1};
        safePoint = 10;
        liveLocks = 1;
        runFor(INTERVAL_MS);
        assertEquals(List.of("open 1", "resolve 1 live"), events, "nothing collected while a lock may commit");
        assertEquals(List.of(2L, 4L, 20L), versions("a"));
        events.clear();
        runFor(INTERVAL_MS);
        assertEquals(List.of("open 1", "resolve 1", "write 1"), events, "the next pass resolves, then collects");
        assertEquals(List.of(4L, 20L), versions("a"));
        assertEquals(1, driver.locksResolved());
    }

    /** Rolls the locks back (deletes them), or fails while {@link #liveLocks} says their transaction lives. */
    private CompletableFuture<Void> resolve(final List<MvccReader.KeyLock> locks, final long sp) {
        assertTrue(locks.stream().allMatch(lock -> lock.lock().startTs() <= sp));
        if (liveLocks > 0) {
            liveLocks--;
            events.add("resolve " + locks.size() + " live");
            return CompletableFuture.failedFuture(new IllegalStateException("alive"));
        }
        events.add("resolve " + locks.size());
        try (EngineWriteBatch batch = new EngineWriteBatch(engine)) {
            for (final MvccReader.KeyLock lock : locks) {
                batch.delete(ColumnFamily.LOCK, lock.key());
            }
            batch.write();
        }
        return CompletableFuture.completedFuture(null);
    }

    private void putLock(final String key, final long startTs) {
        try (EngineWriteBatch batch = new EngineWriteBatch(engine)) {
            batch.put(ColumnFamily.LOCK, TxnKeys.encode(b(key)),
                new Lock(LockType.PUT, b(key), startTs, 3_000, 0, 1, 0).encode());
            batch.write();
        }
    }

    /** Runs the driver and the fake apply agent one millisecond at a time. */
    private void runFor(final long ms) {
        for (long i = 0; i < ms; i++) {
            clock.advance(1);
            for (int step = 0; step < 100; step++) {
                final int work = driver.doWork() + link.drain(this::apply, 8);
                if (work == 0) {
                    break;
                }
            }
        }
    }

    private void apply(final GcLink.Request request) {
        if (request instanceof GcLink.Open open) {
            events.add("open " + open.regionId());
            open.reply().complete(regions.get(open.regionId()));
        } else if (request instanceof GcLink.Write write) {
            if (refuseWrites > 0) {
                refuseWrites--;
                events.add("refused " + write.run().regionId());
                write.applied().completeExceptionally(new IllegalStateException("EPOCH_NOT_MATCH"));
                return;
            }
            events.add("write " + write.run().regionId());
            try (EngineWriteBatch batch = new EngineWriteBatch(engine)) {
                for (final Modify modify : WriteBatchCodec.decode(write.writeBatch())) {
                    batch.delete(modify.family(), modify.key());
                }
                batch.write();
            }
            write.applied().complete(null);
        }
    }

    /** Commits of {@code key} at each ts (start ts one below), values inlined. */
    private void putVersions(final String key, final long... commitTs) {
        try (EngineWriteBatch batch = new EngineWriteBatch(engine)) {
            for (final long ts : commitTs) {
                batch.put(ColumnFamily.WRITE, TxnKeys.withTs(TxnKeys.encode(b(key)), ts),
                    Write.of(WriteType.PUT, ts - 1, b(key + ts)).encode());
            }
            batch.write();
        }
    }

    /** @return the commit ts of the key's write records, oldest first. */
    private List<Long> versions(final String key) {
        final byte[] encoded = TxnKeys.encode(b(key));
        final List<Long> found = new ArrayList<>();
        try (EngineSnapshot snapshot = new EngineSnapshot(engine);
            KvCursor cursor = snapshot.cursor(ColumnFamily.WRITE, encoded, TxnKeys.withTs(encoded, 0))) {
            for (cursor.seekToFirst(); cursor.valid(); cursor.next()) {
                if (TxnKeys.isVersionOf(cursor.key(), encoded)) {
                    found.add(0, TxnKeys.ts(cursor.key()));
                }
            }
        }
        return found;
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
