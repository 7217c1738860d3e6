package io.tkv.server.system;

import io.tkv.client.RegionInfo;
import io.tkv.client.TxnRegionGrouping;
import io.tkv.client.txn.KeyErrorException;
import io.tkv.client.txn.RpcTxnTransport;
import io.tkv.client.txn.Transaction;
import io.tkv.client.txn.TxnAbortedException;
import io.tkv.client.txn.TxnConfig;
import io.tkv.client.txn.TxnKv;
import io.tkv.client.txn.TxnKvClient;
import io.tkv.client.txn.TxnTransportException;
import io.tkv.client.txn.UndeterminedException;
import io.tkv.txn.history.CheckResult;
import io.tkv.txn.history.HistoryCodec;
import io.tkv.txn.history.HistoryRecorder;
import io.tkv.txn.history.ListAppendChecker;
import io.tkv.txn.history.MicroOp;
import io.tkv.txn.history.Txn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshot isolation of {@link TxnKvClient} on real processes, checked with Elle's list-append method: four client
 * threads (two clients on 1PC and async commit, two on classic 2PC) run transactions that read and append unique
 * values to 1-4 of 24 keys spread over four regions, for {@value #RUN_MS} ms, while the store leading every region is
 * killed (-9) and restarted, and then each region's leader is transferred. Every transaction is recorded: OK when it
 * committed (with what it read), FAIL when it was refused or aborted before its commit point, INFO when its fate is
 * unknown. The history must be snapshot-isolated, and the workload must have committed enough to mean something. A
 * negative control runs the workload through a client that reads in the past: the checker must reject it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TxnSiSystemTest {
    private static final int KEYS = 24;
    private static final int THREADS = 4;
    private static final long RUN_MS = 20_000;
    private static final long KILL_AT_MS = 4_000;
    private static final long RESTART_AT_MS = 8_000;
    private static final long TRANSFER_AT_MS = 13_000;
    private static final int MIN_COMMITTED = 100;
    private static final long NEGATIVE_RUN_MS = 6_000;

    @TempDir
    Path dir;

    private final HistoryRecorder recorder = new HistoryRecorder();
    private final AtomicLong nextValue = new AtomicLong(1);
    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch broken = new CountDownLatch(1);
    private final Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    private final AtomicInteger committed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger undetermined = new AtomicInteger();
    private final Map<String, AtomicInteger> failures = new ConcurrentSkipListMap<>();

    @Test
    void listAppendHistoryIsSnapshotIsolatedThroughAStoreKillAndLeaderTransfers() throws Exception {
        int afterFaults;
        try (TxnCluster cluster = TxnCluster.start(dir);
            TxnKv fast = cluster.connect("si-fast", config());
            TxnKv classic = cluster.connect("si-2pc", config().onePc(false).asyncCommit(false))) {
            final List<RegionInfo> regions = cluster.split(fast.rpc(), "la-06", "la-12", "la-18");
            final long leader = cluster.stores().awaitLeader(TxnCluster.WAIT_MS, cluster.stores().all());

            final List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                final int process = i;
                final TxnKvClient client = (i % 2 == 0 ? fast : classic).client();
                final Thread worker = new Thread(() -> run(process, client), "si-client-" + i);
                worker.start();
                workers.add(worker);
            }
            final long startMs = System.currentTimeMillis();
            int committedBeforeTransfers = 0;
            try {
                if (!broken.await(KILL_AT_MS, TimeUnit.MILLISECONDS)) {
                    System.out.println("TXN_SI kill -9 store " + leader);
                    cluster.stores().kill(leader);
                }
                if (!broken.await(startMs + RESTART_AT_MS - System.currentTimeMillis(), TimeUnit.MILLISECONDS)) {
                    System.out.println("TXN_SI restart store " + leader);
                    cluster.stores().restart(leader);
                }
                if (!broken.await(startMs + TRANSFER_AT_MS - System.currentTimeMillis(), TimeUnit.MILLISECONDS)) {
                    transferLeaders(cluster, regions);
                }
                committedBeforeTransfers = committed.get();
                broken.await(startMs + RUN_MS - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
            } finally {
                stop.set(true);
                for (final Thread worker : workers) {
                    worker.join(30_000);
                }
            }
            fast.client().awaitBackground(TxnCluster.WAIT_MS);
            classic.client().awaitBackground(TxnCluster.WAIT_MS);
            afterFaults = committed.get() - committedBeforeTransfers;
            readEverything(fast.client());
        }

        final List<Txn> history = recorder.history();
        final long checkStartNs = System.nanoTime();
        final CheckResult result = ListAppendChecker.snapshotIsolation().check(history);
        final long checkMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - checkStartNs);
        System.out.println("TXN_SI " + history.size() + " txns: committed " + committed + ", failed " + failed
            + ", info " + undetermined + " (" + afterFaults + " committed after the faults); checked in " + checkMs
            + " ms: " + result + "; failures " + failures);
        if (!result.valid()) {
            final Path dump = Files.createDirectories(Path.of("target")).resolve(
                "txn-si-history-" + System.currentTimeMillis() + ".jsonl");
            HistoryCodec.write(dump, history);
            System.out.println("TXN_SI history written to " + dump.toAbsolutePath());
        }
        assertTrue(result.valid(), result.toString());
        assertEquals(List.of(), List.copyOf(unexpected), "failures of no kind the client promises");
        assertTrue(committed.get() >= MIN_COMMITTED, "the workload made progress: " + committed + " committed");
        assertTrue(afterFaults > 0, "transactions commit again after the kill, restart and transfers");
        final long nonEmptyReads = history.stream().filter(Txn::isOk).flatMap(t -> t.ops().stream())
            .filter(op -> op.isRead() && op.hasResult() && op.result().length > 0).count();
        assertTrue(nonEmptyReads >= MIN_COMMITTED, "reads saw what was appended: " + nonEmptyReads);
    }

    /**
     * Negative control: the same workload, without faults, through a client that reads 300 ms in the past
     * ({@link StaleReadTxnTransport}) loses appends, and the checker says so.
     */
    @Test
    void staleReadsAreCaughtByTheChecker() throws Exception {
        try (TxnCluster cluster = TxnCluster.start(dir);
            TxnKv kv = cluster.connect("si-stale", config());
            TxnKvClient stale = new TxnKvClient(new StaleReadTxnTransport(new RpcTxnTransport(kv.rpc(),
                TxnRegionGrouping.of(kv.stores()), kv.pd(), TxnCluster.WAIT_MS, TxnCluster.WAIT_MS), 300), config())) {
            cluster.split(kv.rpc(), "la-06", "la-12", "la-18");
            final List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                final int process = i;
                final Thread worker = new Thread(() -> run(process, stale), "si-stale-" + i);
                worker.start();
                workers.add(worker);
            }
            try {
                broken.await(NEGATIVE_RUN_MS, TimeUnit.MILLISECONDS);
            } finally {
                stop.set(true);
                for (final Thread worker : workers) {
                    worker.join(30_000);
                }
            }
            stale.awaitBackground(TxnCluster.WAIT_MS);
        }
        final CheckResult result = ListAppendChecker.snapshotIsolation().check(recorder.history());
        System.out.println("TXN_SI_STALE committed " + committed + ", failed " + failed + ": " + result.counts());
        assertEquals(List.of(), List.copyOf(unexpected), "failures of no kind the client promises");
        assertTrue(committed.get() >= MIN_COMMITTED, "the stale workload made progress: " + committed);
        assertTrue(!result.valid(), "stale reads lose appends, which the checker must see: " + result);
    }

    private static TxnConfig config() {
        return new TxnConfig().requestTimeoutMs(5_000).lockWaitTimeoutMs(5_000);
    }

    /** One client's loop: a random transaction at a time until told to stop. */
    private void run(final int process, final TxnKvClient client) {
        final Random random = new Random(process * 7919L + System.nanoTime());
        while (!stop.get()) {
            try {
                runOne(process, client, randomOps(random));
            } catch (final RuntimeException | Error ex) {
                unexpected.add(ex);
                broken.countDown();
                return;
            }
        }
    }

    private List<MicroOp> randomOps(final Random random) {
        final int count = 1 + random.nextInt(4);
        final List<Integer> keys = new ArrayList<>();
        while (keys.size() < count) {
            final int k = random.nextInt(KEYS);
            if (!keys.contains(k)) {
                keys.add(k);
            }
        }
        final List<MicroOp> ops = new ArrayList<>();
        for (final int k : keys) {
            switch (random.nextInt(3)) {
                case 0 -> ops.add(MicroOp.read(k));
                case 1 -> ops.add(MicroOp.append(k, nextValue.getAndIncrement()));
                default -> {
                    ops.add(MicroOp.read(k));
                    ops.add(MicroOp.append(k, nextValue.getAndIncrement()));
                }
            }
        }
        return ops;
    }

    /**
     * Runs and records one transaction. Nothing is written before {@link Transaction#commit()} (optimistic: writes
     * are buffered), so a failure before it is FAIL whatever its kind; at commit a key error or abort is FAIL and a
     * transport failure or an undetermined outcome is INFO.
     */
    private void runOne(final int process, final TxnKvClient client, final List<MicroOp> ops) {
        final HistoryRecorder.Pending pending = recorder.invoke(process, ops);
        Transaction txn = null;
        boolean committing = false;
        try {
            txn = client.begin();
            final List<MicroOp> done = new ArrayList<>(ops.size());
            for (final MicroOp op : ops) {
                final byte[] key = key((int)op.key());
                final long[] list = decode(txn.get(key));
                if (op.isRead()) {
                    done.add(op.withResult(list));
                } else {
                    final long[] appended = Arrays.copyOf(list, list.length + 1);
                    appended[list.length] = op.value();
                    txn.put(key, encode(appended));
                    done.add(op);
                }
            }
            committing = true;
            txn.commit();
            recorder.ok(pending, done);
            committed.incrementAndGet();
        } catch (final KeyErrorException | TxnAbortedException ex) {
            recorder.fail(pending);
            failed.incrementAndGet();
            count(ex, committing);
        } catch (final UndeterminedException | TxnTransportException ex) {
            if (committing) {
                recorder.info(pending);
                undetermined.incrementAndGet();
            } else {
                recorder.fail(pending);
                failed.incrementAndGet();
            }
            count(ex, committing);
        } catch (final RuntimeException ex) {
            recorder.info(pending);
            undetermined.incrementAndGet();
            throw ex;
        } finally {
            if (txn != null) {
                txn.close();
            }
        }
    }

    private void count(final RuntimeException failure, final boolean committing) {
        failures.computeIfAbsent((committing ? "commit: " : "read: ") + failure.getClass().getSimpleName(),
            kind -> new AtomicInteger()).incrementAndGet();
    }

    /** A last read-only transaction over every key, so the checker sees the final lists. */
    private void readEverything(final TxnKvClient client) {
        final List<MicroOp> reads = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            reads.add(MicroOp.read(k));
        }
        final int before = committed.get();
        runOne(THREADS, client, reads);
        assertEquals(before + 1, committed.get(), "the final read committed");
    }

    private static void transferLeaders(final TxnCluster cluster, final List<RegionInfo> regions) {
        for (final RegionInfo region : regions) {
            System.out.println("TXN_SI region " + region.regionId() + " leader to store "
                + cluster.transferLeaderOnward(region.regionId()));
        }
    }

    private static byte[] key(final int k) {
        return String.format("la-%02d", k).getBytes(StandardCharsets.UTF_8);
    }

    private static long[] decode(final byte[] value) {
        if (value == null) {
            return new long[0];
        }
        final ByteBuffer buffer = ByteBuffer.wrap(value);
        final long[] list = new long[value.length / Long.BYTES];
        for (int i = 0; i < list.length; i++) {
            list[i] = buffer.getLong();
        }
        return list;
    }

    private static byte[] encode(final long[] list) {
        final ByteBuffer buffer = ByteBuffer.allocate(list.length * Long.BYTES);
        for (final long value : list) {
            buffer.putLong(value);
        }
        return buffer.array();
    }
}
