package io.tkv.server.apply;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tkv.raft.core.EntryType;
import io.tkv.server.StoreCounters;
import io.tkv.server.StoreFailure;
import io.tkv.server.gc.GcLink;
import io.tkv.server.ingress.CommandQueue;
import io.tkv.server.region.RegionRegistry;
import io.tkv.server.session.HmacAuthenticator;
import io.tkv.server.session.ReplySender;
import io.tkv.server.session.SessionRegistry;
import io.tkv.server.txn.TxnLink;
import io.tkv.storage.ApplyBatch;
import io.tkv.storage.ColumnFamily;
import io.tkv.storage.DedupTable;
import io.tkv.storage.EngineSnapshot;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.RegionApplyState;
import io.tkv.storage.RegionDescriptor;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import io.tkv.storage.command.Command;
import io.tkv.storage.command.CommandWriter;
import io.tkv.txn.Lock;
import io.tkv.txn.LockType;
import io.tkv.txn.Modify;
import io.tkv.txn.TxnKeys;
import io.tkv.txn.WriteBatchCodec;
import io.tkv.txn.lockwait.LockWaitConfig;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The apply agent's side of GC ({@link GcWrites} behind {@link ApplyAgent#enableGc}): a run opens with the region's
 * epoch version and applied term; the run's deletes go out as TXN_WRITE proposals through the {@link TxnLink} (the
 * test plays Raft: it takes them and feeds them back as committed entries) and complete once applied; a write whose
 * run's epoch or term no longer holds is refused before it is proposed, and one whose entry lands in another term is
 * dropped at apply and failed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GcWritesApplyTest {
    private static final long REGION = 1;
    private static final long TERM = 3;
    private static MediaDriver driver;
    private static Aeron aeron;

    @TempDir
    Path dir;
    private StorageEngine engine;
    private RawKvStore store;
    private ApplyBatch batch;
    private StoreCounters counters;
    private ApplyAgent agent;
    private final CommandQueue queue = new CommandQueue(1 << 20);
    private final SessionRegistry registry = new SessionRegistry(4, new HmacAuthenticator("secret"));
    private final TxnLink txnLink = new TxnLink();
    private final GcLink gcLink = new GcLink();
    private long nextIndex = 1;

    @BeforeAll
    static void startDriver() {
        final String aeronDir = "/dev/shm/tkv-gcapply-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .ipcTermBufferLength(1024 * 1024).publicationTermBufferLength(1024 * 1024)
            .dirDeleteOnStart(true).dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
    }

    @AfterAll
    static void stopDriver() {
        CloseHelper.closeAll(aeron, driver);
    }

    @BeforeEach
    void open() {
        engine = StorageEngine.open(new StorageConfig().dataDir(dir).fsyncPolicy(FsyncPolicy.NONE));
        store = new RawKvStore(engine, SystemEpochClock.INSTANCE);
        batch = new ApplyBatch(engine, DedupTable.load(engine));
        counters = new StoreCounters(aeron);
        final AppliedRegions regions = new AppliedRegions(new RegionRegistry(), created -> { });
        regions.add(RegionApplyState.load(engine, REGION), RegionDescriptor.founding(REGION, new long[] {1}));
        final DurableAppliedIndex durable = new DurableAppliedIndex(Long.MAX_VALUE, engine::syncWal,
            new Long2LongHashMap(0));
        agent = new ApplyAgent(queue, store, batch, regions, registry, new ReplySender(counters.repliesDropped()),
            counters, 64 * 1024, null, durable, engine, new StoreFailure(), 1);
        agent.enableTransactions(txnLink, null, LockWaitConfig.defaults());
        agent.enableGc(gcLink);
        // A leader's first entry of its term (its no-op, here a lock on "a"), so the region's applied term is TERM.
        apply(TERM, 0, txnWriteOf(lockOn("a", 10)));
    }

    @AfterEach
    void close() {
        registry.closeAll();
        CloseHelper.closeAll(batch, store, counters, engine::close);
    }

    @Test
    void shouldOpenARunAndApplyItsDeletesThroughTheLog() {
        final GcLink.RegionRun run = openRun();
        assertEquals(REGION, run.regionId());
        assertEquals(1, run.version(), "the founding epoch");
        assertEquals(TERM, run.term(), "the term of the last entry applied");
        final CompletableFuture<Void> applied = gcLink.write(run, deleteLock("a"));
        final List<TxnLink.Proposal> proposed = takeProposals();
        assertEquals(1, proposed.size());
        assertTrue(proposed.get(0).commandId() >= GcWrites.FIRST_ID, "GC's own command ids");
        assertFalse(applied.isDone(), "not before it applied");
        apply(TERM, TxnLink.PROPOSER_SLOT, proposed.get(0).command());
        assertTrue(applied.isDone() && !applied.isCompletedExceptionally());
        assertNull(lock("a"), "the delete applied");
    }

    @Test
    void shouldRefuseAWriteOfARunWhoseEpochOrTermMoved() {
        final GcLink.RegionRun run = openRun();
        final CompletableFuture<Void> staleEpoch = gcLink.write(
            new GcLink.RegionRun(REGION, run.start(), run.end(), run.version() - 1, run.term()), deleteLock("a"));
        final CompletableFuture<Void> staleTerm = gcLink.write(
            new GcLink.RegionRun(REGION, run.start(), run.end(), run.version(), run.term() - 1), deleteLock("a"));
        final CompletableFuture<Void> noRegion = gcLink.write(
            new GcLink.RegionRun(REGION + 1, run.start(), run.end(), run.version(), run.term()), deleteLock("a"));
        assertTrue(takeProposals().isEmpty(), "nothing proposed");
        assertTrue(staleEpoch.isCompletedExceptionally());
        assertTrue(staleTerm.isCompletedExceptionally());
        assertTrue(noRegion.isCompletedExceptionally());
        assertNotNull(lock("a"));
    }

    @Test
    void shouldFailAWriteThatLandsInAnotherTerm() {
        final GcLink.RegionRun run = openRun();
        final CompletableFuture<Void> applied = gcLink.write(run, deleteLock("a"));
        final List<TxnLink.Proposal> proposed = takeProposals();
        // Leadership moved: the entry is in a later term than the run read in, so every replica skips it.
        apply(TERM + 1, TxnLink.PROPOSER_SLOT, proposed.get(0).command());
        agent.doWork();
        assertTrue(applied.isCompletedExceptionally(), "the driver hears the batch did not happen");
        assertNotNull(lock("a"), "nothing deleted");
    }

    private GcLink.RegionRun openRun() {
        final CompletableFuture<GcLink.RegionRun> opened = gcLink.open(REGION);
        agent.doWork();
        assertTrue(opened.isDone());
        return opened.join();
    }

    private List<TxnLink.Proposal> takeProposals() {
        agent.doWork();
        final List<TxnLink.Proposal> proposals = new ArrayList<>();
        txnLink.drainProposals(proposals::add, 16);
        return proposals;
    }

    private byte[] lock(final String key) {
        try (EngineSnapshot snapshot = new EngineSnapshot(engine)) {
            return snapshot.get(ColumnFamily.LOCK, TxnKeys.encode(b(key)));
        }
    }

    private void apply(final long term, final int slot, final byte[] command) {
        queue.offerEntry(REGION, nextIndex++, term, EntryType.NORMAL.ordinal(), slot, 0, new UnsafeBuffer(command), 0,
            command.length);
        while (queue.size() > 0) {
            agent.doWork();
        }
        agent.doWork();
    }

    private static byte[] lockOn(final String key, final long startTs) {
        return WriteBatchCodec.encode(List.of(new Modify(ColumnFamily.LOCK, TxnKeys.encode(b(key)),
            new Lock(LockType.PUT, b(key), startTs, 3_000, 0, 1, 0).encode())));
    }

    private static byte[] deleteLock(final String key) {
        return WriteBatchCodec.encode(List.of(new Modify(ColumnFamily.LOCK, TxnKeys.encode(b(key)), null)));
    }

    /** A TXN_WRITE proposed by a replica that read in TERM, as the scheduler's. */
    private static byte[] txnWriteOf(final byte[] writeBatch) {
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(256);
        final int length = new CommandWriter().begin(out, 0, Command.TXN_WRITE, 0, 1_800_000_000_000L, REGION, 1, 1,
            0, 77, 0, 0).item(writeBatch).id(TERM).finish();
        final byte[] command = new byte[length];
        out.getBytes(0, command);
        return command;
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
