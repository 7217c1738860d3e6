package io.tkv.log;

import static io.tkv.log.LogTesting.append;
import static io.tkv.log.LogTesting.assertEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log with its sync thread: requestSync hands the fdatasync over and returns, durableSeq reports it, requests
 * during a sync are coalesced, a failed sync makes the log fail-stop, close joins the thread, and rolling and
 * compaction still happen on the owner thread.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RaftLogSyncThreadTest {
    /** Rolls after about 100 entries of the test payloads. */
    private static final long SMALL_CYCLE_BYTES = 12 * 1024;
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(20);

    @TempDir
    Path dir;

    @AfterEach
    void noSyncThreadLeft() {
        assertFalse(syncThreadAlive(), "a closed log leaves no sync thread");
    }

    @Test
    void shouldReturnFromRequestSyncBeforeTheSyncAndReportItAfter() throws InterruptedException {
        final GateHooks hooks = new GateHooks();
        final AtomicInteger durableCalls = new AtomicInteger();
        try (RaftLog log = RaftLog.open(LogTesting.config(dir).hooks(hooks))) {
            log.startSyncThread(durableCalls::incrementAndGet);
            assertTrue(syncThreadAlive());
            final long before = log.durableSeq();
            final int callsBefore = durableCalls.get();
            hooks.close();
            append(log, 1, 1, 1);
            append(log, 1, 2, 1);

            final long target = log.requestSync();
            assertEquals(before + 2, target, "the last record written");
            assertTrue(hooks.entered.await(20, TimeUnit.SECONDS), "the sync thread reached the disk");
            // The sync is held at the gate: requestSync returned without it, and nothing is reported durable.
            assertEquals(before, log.durableSeq());
            append(log, 1, 3, 1);

            hooks.open();
            awaitAtLeast(log::durableSeq, target);
            // onDurable runs right after the publication.
            awaitAtLeast(durableCalls::get, callsBefore + 1);
            assertEquals(target + 1, log.requestSync());
            awaitAtLeast(log::durableSeq, target + 1);
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            for (long index = 1; index <= 3; index++) {
                assertEntry(log, 1, index, 1);
            }
        }
    }

    @Test
    void shouldCoalesceRequestsMadeDuringASyncIntoOneMoreSync() throws InterruptedException {
        final GateHooks hooks = new GateHooks();
        try (RaftLog log = RaftLog.open(LogTesting.config(dir).hooks(hooks))) {
            log.startSyncThread(() -> { });
            final long syncsBefore = log.stats().syncs();
            hooks.close();
            append(log, 1, 1, 1);
            log.requestSync();
            assertTrue(hooks.entered.await(20, TimeUnit.SECONDS));
            final int entered = hooks.syncs.get();

            long last = 0;
            for (long index = 2; index <= 6; index++) {
                append(log, 1, index, 1);
                last = log.requestSync();
            }
            hooks.open();
            awaitAtLeast(log::durableSeq, last);

            assertEquals(entered + 1, hooks.syncs.get(), "five requests during a sync: one more sync");
            assertEquals(syncsBefore + 2, log.stats().syncs());
        }
    }

    @Test
    void shouldFailStopWhenASyncOnTheThreadFails() throws InterruptedException {
        final GateHooks hooks = new GateHooks();
        final AtomicInteger woken = new AtomicInteger();
        try (RaftLog log = RaftLog.open(LogTesting.config(dir).hooks(hooks))) {
            log.startSyncThread(woken::incrementAndGet);
            append(log, 1, 1, 1);
            log.sync();
            // The one sync on the thread so far has called back; nothing more is requested.
            awaitAtLeast(woken::get, 1);
            hooks.fail = true;
            append(log, 1, 2, 1);
            final long target = log.requestSync();

            // onDurable wakes the owner after a failure too.
            awaitAtLeast(woken::get, 2);
            final RaftLogException failed = assertThrows(RaftLogException.class, log::durableSeq);
            assertTrue(failed.getMessage().contains("fail-stop"), failed.getMessage());
            assertTrue(failed.getMessage().contains("injected"), failed.getMessage());
            assertThrows(RaftLogException.class, () -> append(log, 1, 3, 1), "no write after a failed sync");
            assertThrows(RaftLogException.class, log::requestSync);
            assertThrows(RaftLogException.class, log::sync);
            assertTrue(log.stats().failed());
            assertTrue(target > 0);
            assertEntry(log, 1, 1, 1);
            assertEquals(2, log.lastIndex(1), "reads still work");
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertFalse(log.stats().failed());
            assertEntry(log, 1, 1, 1);
        }
    }

    @Test
    void shouldThrowFromWritesAfterAFailedSyncEvenBeforeDurableSeqIsAsked() throws InterruptedException {
        final GateHooks hooks = new GateHooks();
        final CountDownLatch woken = new CountDownLatch(1);
        final RaftLog log = RaftLog.open(LogTesting.config(dir).hooks(hooks));
        try {
            log.startSyncThread(woken::countDown);
            hooks.fail = true;
            append(log, 1, 1, 1);
            log.requestSync();
            assertTrue(woken.await(20, TimeUnit.SECONDS));
            assertThrows(RaftLogException.class, () -> append(log, 1, 2, 1));
        } finally {
            log.close();
        }
        assertFalse(syncThreadAlive(), "close joined the failed log's thread");
    }

    @Test
    void shouldWaitForTheThreadInSyncAndClose() {
        final RaftLog log = RaftLog.open(LogTesting.config(dir));
        log.startSyncThread(() -> { });
        for (long index = 1; index <= 50; index++) {
            append(log, 2, index, 3);
            if (index % 7 == 0) {
                log.requestSync();
            }
        }
        log.saveHardState(2, 3, 1, 50);
        log.sync();
        assertEquals(log.requestSync(), log.durableSeq(), "sync returns once everything written is durable");
        append(log, 2, 51, 3);
        log.close();
        assertFalse(syncThreadAlive());

        try (RaftLog reopened = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(51, reopened.lastIndex(2), "close synced what was written after the last sync");
            assertEntry(reopened, 2, 51, 3);
            assertEquals(new LogHardState(3, 1, 50), reopened.hardState(2));
        }
    }

    @Test
    void shouldRollAndDeleteCompactedCyclesWithTheThread() throws IOException {
        final RaftLogConfig config = LogTesting.config(dir).maxCycleFileBytes(SMALL_CYCLE_BYTES);
        final int filesBefore;
        try (RaftLog log = RaftLog.open(config)) {
            log.startSyncThread(() -> { });
            // The raft agent's way: request every few entries, poll durableSeq, never wait.
            for (long index = 1; index <= 400; index++) {
                append(log, 1, index, 1);
                if (index % 10 == 0) {
                    log.requestSync();
                }
                log.durableSeq();
            }
            awaitAtLeast(log::durableSeq, log.requestSync());
            filesBefore = LogTesting.cycleFiles(dir).size();
            assertTrue(filesBefore >= 4, "rolled by size on the owner thread: " + filesBefore + " files");

            log.compact(1, 350, 1);
            awaitAtLeast(log::durableSeq, log.requestSync());
            // The deletion runs once the owner sees everything durable.
            log.durableSeq();
            final List<Path> after = LogTesting.cycleFiles(dir);
            assertTrue(after.size() < filesBefore, "compacted cycles deleted: " + filesBefore + " -> " + after);
            assertTrue(log.stats().cyclesDeleted() > 0);
            assertEquals(400, log.lastIndex(1));
        }
        try (RaftLog log = RaftLog.open(config)) {
            assertEquals(351, log.firstIndex(1));
            assertEquals(400, log.lastIndex(1));
            for (long index = 351; index <= 400; index++) {
                assertEntry(log, 1, index, 1);
            }
        }
    }

    @Test
    void shouldNeedNoThreadWhenTheLogDoesNotSync() {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir).syncOnSync(false))) {
            log.startSyncThread(() -> { });
            assertFalse(syncThreadAlive());
            append(log, 1, 1, 1);
            final long target = log.requestSync();
            assertEquals(target, log.durableSeq(), "covered at once");
        }
    }

    @Test
    void shouldRefuseASecondStart() {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            log.startSyncThread(() -> { });
            assertThrows(IllegalStateException.class, () -> log.startSyncThread(() -> { }));
        }
    }

    private static void awaitAtLeast(final LongSupplier value, final long target) {
        final long deadline = System.nanoTime() + WAIT_NS;
        while (value.getAsLong() < target) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("still " + value.getAsLong() + " < " + target + " after 20 s");
            }
            Thread.onSpinWait();
        }
    }

    private static boolean syncThreadAlive() {
        for (final Thread thread : Thread.getAllStackTraces().keySet()) {
            if (LogSyncer.THREAD_NAME.equals(thread.getName()) && thread.isAlive()) {
                return true;
            }
        }
        return false;
    }

    /** Holds syncs at a gate the test opens, counts them, and fails them on demand. */
    private static final class GateHooks implements RaftLogHooks {
        final CountDownLatch entered = new CountDownLatch(1);
        final AtomicInteger syncs = new AtomicInteger();
        volatile boolean fail;
        private volatile CountDownLatch gate = new CountDownLatch(0);

        void close() {
            gate = new CountDownLatch(1);
        }

        void open() {
            gate.countDown();
        }

        @Override
        public void beforeSync() throws IOException {
            syncs.incrementAndGet();
            if (fail) {
                throw new IOException("injected: Input/output error");
            }
            final CountDownLatch current = gate;
            if (current.getCount() > 0) {
                entered.countDown();
                try {
                    if (!current.await(30, TimeUnit.SECONDS)) {
                        throw new IOException("the test never opened the gate");
                    }
                } catch (final InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IOException(ex);
                }
            }
        }
    }
}
