package io.tkv.log;

import static io.tkv.log.LogTesting.append;
import static io.tkv.log.LogTesting.assertEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftLogFailStopTest {
    @TempDir
    Path dir;

    @Test
    void shouldFailStopWhenASyncFails() {
        final FaultHooks hooks = new FaultHooks();
        try (RaftLog log = RaftLog.open(LogTesting.config(dir).hooks(hooks))) {
            append(log, 1, 1, 1);
            log.sync();
            append(log, 1, 2, 1);
            hooks.failSync = true;

            final RaftLogException failed = assertThrows(RaftLogException.class, log::sync);
            assertTrue(failed.getMessage().contains("fail-stop"), failed.getMessage());
            hooks.failSync = false;

            assertThrows(RaftLogException.class, () -> append(log, 1, 3, 1), "no write after a failed sync");
            assertThrows(RaftLogException.class, log::sync, "the sync does not come back either");
            assertThrows(RaftLogException.class, () -> log.saveHardState(1, 1, 1, 1));
            assertThrows(RaftLogException.class, () -> log.compact(1, 1, 1));
            assertThrows(RaftLogException.class, () -> log.truncateSuffix(1, 1));
            assertThrows(RaftLogException.class, () -> log.removeRegion(1));
            assertTrue(log.stats().failed());
            assertEntry(log, 1, 1, 1);
            assertEquals(2, log.lastIndex(1));
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertFalse(log.stats().failed());
            assertEntry(log, 1, 1, 1);
            append(log, 1, log.lastIndex(1) + 1, 2);
            log.sync();
        }
    }

    @Test
    void shouldRefuseToOpenOnADiskWithLessThanTheReserveAndWriteNothing() throws IOException {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            append(log, 1, 1, 1);
            log.sync();
        }
        final int files = LogTesting.cycleFiles(dir).size();
        // No disk here has an exabyte free: opening writes (a fresh cycle's first records), so it finds the disk full.
        final RaftLogException full = assertThrows(RaftLogException.class,
            () -> RaftLog.open(LogTesting.config(dir).reserveSpaceBytes(1L << 60)));
        assertTrue(full.getMessage().contains("disk full"), full.getMessage());
        assertTrue(full.getMessage().contains("below the log's reserve"), full.getMessage());
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(1, log.lastIndex(1), "nothing was lost or written by the refused open");
            assertEntry(log, 1, 1, 1);
        }
        assertTrue(LogTesting.cycleFiles(dir).size() >= files);
    }

    @Test
    void shouldFailStopWhenAWriteFailsHalfWay() {
        final FaultHooks hooks = new FaultHooks();
        try (RaftLog log = RaftLog.open(LogTesting.config(dir).hooks(hooks))) {
            for (long index = 1; index <= 5; index++) {
                append(log, 1, index, 1);
            }
            log.sync();
            hooks.failWrite = true;

            final RaftLogException failed = assertThrows(RaftLogException.class, () -> append(log, 1, 6, 1));
            assertTrue(failed.getMessage().contains("fail-stop"), failed.getMessage());
            hooks.failWrite = false;

            assertEquals(5, log.lastIndex(1), "the failed entry is not in the log");
            assertFalse(log.read(1, 6, LogTesting.collector(new ArrayList<>())));
            assertThrows(RaftLogException.class, () -> append(log, 1, 6, 1));
            assertThrows(RaftLogException.class, log::sync);
            assertTrue(log.stats().failed());
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(5, log.lastIndex(1), "the rolled back record is not recovered");
            for (long index = 1; index <= 5; index++) {
                assertEntry(log, 1, index, 1);
            }
            append(log, 1, 6, 2);
            log.sync();
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEntry(log, 1, 6, 2);
        }
    }

    /** Fails syncs or writes on demand, as a failing disk would. */
    private static final class FaultHooks implements RaftLogHooks {
        volatile boolean failSync;
        volatile boolean failWrite;

        @Override
        public void beforeSync() throws IOException {
            if (failSync) {
                throw new IOException("injected: Input/output error");
            }
        }

        @Override
        public void onRecordHalfWritten(final RecordKind kind) {
            if (failWrite) {
                throw new IllegalStateException("injected: No space left on device");
            }
        }
    }
}
