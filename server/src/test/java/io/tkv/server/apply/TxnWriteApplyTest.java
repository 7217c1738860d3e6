package io.tkv.server.apply;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tkv.raft.core.EntryType;
import io.tkv.server.StoreCounters;
import io.tkv.server.StoreFailure;
import io.tkv.server.ingress.CommandQueue;
import io.tkv.server.region.RegionRegistry;
import io.tkv.server.session.HmacAuthenticator;
import io.tkv.server.session.ReplySender;
import io.tkv.server.session.SessionRegistry;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The apply side of the transaction scheduler's writes (TXN_WRITE commands), on a replica that did not propose them:
 * applied into the lock, write and default CFs when the command fits the region's epoch and was proposed in the term
 * it read in; a no-op, the same on every replica, when the epoch moved, the term differs or the batch is malformed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TxnWriteApplyTest {
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
    private long nextIndex = 1;

    @BeforeAll
    static void startDriver() {
        final String aeronDir = "/dev/shm/tkv-txnapply-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
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
    }

    @AfterEach
    void close() {
        registry.closeAll();
        CloseHelper.closeAll(batch, store, counters, engine::close);
    }

    @Test
    void shouldApplyAWriteProposedInTheTermItReadInUnderTheRegionsEpoch() {
        apply(txnWrite(1, TERM, lockOn("a", 10)));
        final byte[] lock = lock("a");
        assertNotNull(lock);
        assertEquals(10, Lock.decode(lock).startTs());
        assertArrayEquals(b("a"), Lock.decode(lock).primary());
    }

    @Test
    void shouldSkipWritesThatNoLongerFitOrAreMalformedAndGoOn() {
        apply(txnWrite(2, TERM, lockOn("b", 10)));
        apply(txnWrite(1, TERM - 1, lockOn("c", 10)));
        final byte[] badBatch = {1, 5, 0};
        apply(txnWrite(1, TERM, badBatch));
        apply(txnWrite(1, TERM, lockOn("d", 11)));
        assertNull(lock("b"), "a stale epoch");
        assertNull(lock("c"), "another term");
        assertNotNull(lock("d"), "applies on");
        assertEquals(4, RegionApplyState.load(engine, REGION).appliedIndex(), "every entry advanced the index");
    }

    private byte[] lock(final String key) {
        try (EngineSnapshot snapshot = new EngineSnapshot(engine)) {
            return snapshot.get(ColumnFamily.LOCK, TxnKeys.encode(b(key)));
        }
    }

    private void apply(final byte[] command) {
        queue.offerEntry(REGION, nextIndex++, TERM, EntryType.NORMAL.ordinal(), 0, 0, new UnsafeBuffer(command), 0,
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

    private static byte[] txnWrite(final long epochVersion, final long readTerm, final byte[] writeBatch) {
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(256);
        final int length = new CommandWriter().begin(out, 0, Command.TXN_WRITE, 0, 1_800_000_000_000L, REGION, 1,
            epochVersion, 0, 77, 0, 0).item(writeBatch).id(readTerm).finish();
        final byte[] command = new byte[length];
        out.getBytes(0, command);
        return command;
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
