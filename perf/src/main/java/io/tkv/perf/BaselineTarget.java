package io.tkv.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.ScanVisitor;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The baseline: the same workload against tkv's own RocksDB layer ({@link RawKvStore}) in this process, on a temp
 * directory, with no network, no protocol and no agents. It shows what the storage alone costs, so the tkv
 * numbers read as a ratio to it.
 * <p>
 * Durability follows the same policy as the store. A group of requests is what the store's apply agent would see
 * in one duty cycle: under {@code SYNC} the group's writes complete after one {@link StorageEngine#syncWal()}
 * (group commit), so with {@code in-flight} N the closed loop issues N requests, syncs once, and starts the next
 * group; with 1 in flight every write is synced on its own. Reads and unsynced writes complete when they return.
 * {@code PERIODIC} syncs every sync interval, inside the group that finds it due, as the apply agent does.
 * <p>
 * Single-threaded: the calling thread does all the work; the store is not shared.
 */
public final class BaselineTarget extends LoadTarget {
    private static final int PRELOAD_BATCH = 1_000;

    private final Path dataDir;
    private final FsyncPolicy fsyncPolicy;
    private final long syncIntervalNs;
    private final StorageEngine engine;
    private final RawKvStore store;
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer emptyView = new UnsafeBuffer(new byte[0]);
    private final ExpandableDirectByteBuffer valueOut = new ExpandableDirectByteBuffer(4096);
    private final PairCounter pairCounter = new PairCounter();
    private long nextPeriodicSyncNs;
    private boolean unsynced;
    private long sequence;

    /**
     * Opens a fresh RocksDB in a new temp directory; {@link #close()} deletes it.
     *
     * @param fsyncPolicy    when writes are synced.
     * @param syncIntervalMs the sync interval under {@code PERIODIC}.
     */
    public BaselineTarget(final FsyncPolicy fsyncPolicy, final long syncIntervalMs) {
        super("rocksdb");
        this.fsyncPolicy = fsyncPolicy;
        this.syncIntervalNs = TimeUnit.MILLISECONDS.toNanos(syncIntervalMs);
        try {
            this.dataDir = Files.createTempDirectory("tkv-perf-baseline-");
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
        StorageEngine opened = null;
        try {
            opened = StorageEngine.open(new StorageConfig()
                .dataDir(dataDir)
                .fsyncPolicy(fsyncPolicy)
                .syncIntervalMs(syncIntervalMs));
            this.engine = opened;
            this.store = new RawKvStore(opened, SystemEpochClock.INSTANCE);
        } catch (final RuntimeException ex) {
            if (opened != null) {
                opened.close();
            }
            TempDirs.deleteRecursively(dataDir);
            throw ex;
        }
    }

    @Override
    public void preload(final KeySpace keys, final byte[] value) {
        final byte[] key = keys.newKeyBuffer();
        valueView.wrap(value);
        long index = 0;
        while (index < keys.keys()) {
            store.beginBatch();
            final long end = Math.min(keys.keys(), index + PRELOAD_BATCH);
            for (; index < end; index++) {
                keyView.wrap(keys.encode(index, key));
                store.stagePut(keyView, 0, key.length, valueView, 0, value.length, 0);
            }
            store.commitBatch();
        }
        if (fsyncPolicy != FsyncPolicy.NONE) {
            engine.syncWal();
        }
    }

    @Override
    protected void runClosedLoop(
        final RunPlan plan, final KeySpace keys, final byte[] value, final OperationSource ops,
        final LatencyRecorder recorder, final Phases phases) {
        final Group group = new Group(plan.description().inFlight(), keys);
        valueView.wrap(value.clone());
        long nowNs = System.nanoTime();
        nextPeriodicSyncNs = nowNs + syncIntervalNs;
        while (phases.onTime(nowNs, recorder)) {
            final long groupStartNs = nowNs;
            group.fill(ops, -1);
            for (int i = 0; i < group.size; i++) {
                group.startNs[i] = groupStartNs;
            }
            nowNs = executeGroup(group, plan.scanLimit(), recorder);
        }
    }

    @Override
    protected void runOpenLoop(
        final RunPlan plan, final KeySpace keys, final byte[] value, final OperationSource ops,
        final LatencyRecorder recorder, final Phases phases, final OpenLoopSchedule schedule) {
        final int maxGroup = plan.description().inFlight();
        final Group group = new Group(maxGroup, keys);
        valueView.wrap(value.clone());
        nextPeriodicSyncNs = System.nanoTime() + syncIntervalNs;
        long next = 0;
        while (true) {
            final long intendedNs = schedule.intendedSendNs(next);
            if (intendedNs >= phases.endNs()) {
                break;
            }
            sleepUntil(intendedNs);
            final long nowNs = System.nanoTime();
            if (!phases.onTime(nowNs, recorder)) {
                break;
            }
            // Everything due by now goes in one group (what the apply agent would find queued), up to the window.
            final long due = Math.min(schedule.dueCount(nowNs), next + maxGroup);
            group.fill(ops, (int)(due - next));
            for (int i = 0; i < group.size; i++) {
                group.startNs[i] = schedule.intendedSendNs(next + i);
                recorder.recordSendLag(nowNs - group.startNs[i]);
            }
            next = due;
            executeGroup(group, plan.scanLimit(), recorder);
        }
    }

    /**
     * Runs a group, syncs as the policy says, records each request's latency.
     *
     * @return the time the group completed.
     */
    private long executeGroup(final Group group, final int scanLimit, final LatencyRecorder recorder) {
        boolean wrote = false;
        for (int i = 0; i < group.size; i++) {
            final OpKind kind = group.kinds[i];
            keyView.wrap(group.keys[i]);
            final boolean ok;
            switch (kind) {
                case PUT:
                    stampValue();
                    store.put(keyView, 0, keyView.capacity(), valueView, 0, valueView.capacity(), 0);
                    wrote = true;
                    ok = true;
                    break;
                case GET:
                    ok = store.get(keyView, 0, keyView.capacity(), valueOut) >= 0;
                    break;
                case SCAN:
                    pairCounter.pairs = 0;
                    store.scan(keyView, 0, keyView.capacity(), emptyView, 0, 0, scanLimit, false, false, pairCounter);
                    ok = pairCounter.pairs > 0;
                    break;
                default:
                    throw new IllegalStateException("unknown op " + kind);
            }
            group.ok[i] = ok;
            group.doneNs[i] = System.nanoTime();
        }
        unsynced |= wrote;
        long syncedNs = 0;
        if (fsyncPolicy == FsyncPolicy.SYNC && wrote) {
            engine.syncWal();
            unsynced = false;
            syncedNs = System.nanoTime();
        } else if (fsyncPolicy == FsyncPolicy.PERIODIC && unsynced && System.nanoTime() >= nextPeriodicSyncNs) {
            engine.syncWal();
            unsynced = false;
            nextPeriodicSyncNs = System.nanoTime() + syncIntervalNs;
        }
        long lastNs = 0;
        for (int i = 0; i < group.size; i++) {
            final long completedNs = syncedNs != 0 && group.kinds[i].isWrite() ? syncedNs : group.doneNs[i];
            if (group.ok[i]) {
                recorder.record(completedNs - group.startNs[i]);
            } else {
                recorder.recordError();
            }
            lastNs = Math.max(lastNs, completedNs);
        }
        return Math.max(lastNs, System.nanoTime());
    }

    private void stampValue() {
        // Different bytes on each write, so no layer can short-cut an identical overwrite.
        if (valueView.capacity() >= Long.BYTES) {
            valueView.putLong(0, ++sequence);
        }
    }

    @Override
    public void close() {
        try {
            store.close();
            engine.close();
        } finally {
            TempDirs.deleteRecursively(dataDir);
        }
    }

    /** The requests of one duty cycle, reused. */
    private static final class Group {
        final KeySpace keySpace;
        final OpKind[] kinds;
        final byte[][] keys;
        final long[] startNs;
        final long[] doneNs;
        final boolean[] ok;
        int size;

        Group(final int capacity, final KeySpace keySpace) {
            this.keySpace = keySpace;
            this.kinds = new OpKind[capacity];
            this.keys = new byte[capacity][];
            for (int i = 0; i < capacity; i++) {
                keys[i] = keySpace.newKeyBuffer();
            }
            this.startNs = new long[capacity];
            this.doneNs = new long[capacity];
            this.ok = new boolean[capacity];
        }

        /** Draws {@code count} operations (all of capacity when negative). */
        void fill(final OperationSource ops, final int count) {
            size = count < 0 ? kinds.length : count;
            for (int i = 0; i < size; i++) {
                kinds[i] = ops.nextKind();
                keySpace.encode(ops.nextKeyIndex(), keys[i]);
            }
        }
    }

    /** Counts scanned pairs without copying them. */
    private static final class PairCounter implements ScanVisitor {
        int pairs;

        @Override
        public boolean onPair(
            final DirectBuffer key, final int keyOffset, final int keyLength,
            final DirectBuffer value, final int valueOffset, final int valueLength) {
            pairs++;
            return true;
        }
    }
}
