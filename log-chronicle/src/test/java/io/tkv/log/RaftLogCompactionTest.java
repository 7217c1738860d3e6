package io.tkv.log;

import static io.tkv.log.LogTesting.append;
import static io.tkv.log.LogTesting.assertEntry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftLogCompactionTest {
    /** Rolls after about 100 entries of the test payloads. */
    private static final long SMALL_CYCLE_BYTES = 12 * 1024;

    @TempDir
    Path dir;

    private RaftLogConfig config() {
        return LogTesting.config(dir).maxCycleFileBytes(SMALL_CYCLE_BYTES);
    }

    @Test
    void shouldRollBySizeAndDeleteCycleFilesNoRegionNeeds() throws IOException {
        try (RaftLog log = RaftLog.open(config())) {
            // Region 3 holds one entry in the first cycle: nothing can be deleted while it needs it.
            append(log, 3, 1, 1);
            log.saveHardState(3, 1, 1, 0);
            // Region 4 has only a hard state and a snapshot point, both written in the first cycle.
            log.saveHardState(4, 9, 2, 30);
            log.compact(4, 30, 9);
            appendSynced(log, 1, 1, 400);
            appendSynced(log, 2, 1, 400);
            final List<Path> before = LogTesting.cycleFiles(dir);
            assertTrue(before.size() >= 5, "rolled by size: " + before);

            log.compact(1, 400, 1);
            log.compact(2, 390, 1);
            log.sync();
            assertEquals(before, LogTesting.cycleFiles(dir), "region 3 still needs the first cycle");

            log.compact(3, 1, 1);
            log.sync();
            final List<Path> after = LogTesting.cycleFiles(dir);
            assertTrue(after.size() < before.size(), "deleted: " + before + " -> " + after);
            for (final Path gone : before.subList(0, before.size() - after.size())) {
                assertFalse(Files.exists(gone), gone + " deleted");
            }
            assertTrue(log.stats().cyclesDeleted() > 0);
            assertEquals(after.size(), log.stats().cycleFiles());
            assertEntry(log, 2, 391, 1);
        }
        try (RaftLog log = RaftLog.open(config())) {
            assertArrayEquals(new long[] {1, 2, 3, 4}, log.regions());
            assertEquals(401, log.firstIndex(1));
            assertEquals(400, log.lastIndex(1));
            assertEquals(1, log.term(1, 400));
            assertEquals(391, log.firstIndex(2));
            for (long index = 391; index <= 400; index++) {
                assertEntry(log, 2, index, 1);
            }
            assertEquals(new LogHardState(1, 1, 0), log.hardState(3));
            assertEquals(2, log.firstIndex(3));
            assertEquals(new LogHardState(9, 2, 30), log.hardState(4));
            assertEquals(31, log.firstIndex(4));
            assertEquals(9, log.term(4, 30));

            appendSynced(log, 1, 401, 420);
        }
        try (RaftLog log = RaftLog.open(config())) {
            assertEquals(420, log.lastIndex(1));
            assertEntry(log, 1, 420, 1);
            assertEquals(new LogHardState(9, 2, 30), log.hardState(4));
        }
    }

    @Test
    void shouldDeleteTheCyclesOfARemovedRegion() throws IOException {
        try (RaftLog log = RaftLog.open(config())) {
            appendSynced(log, 1, 1, 300);
            log.compact(2, 5, 1);
            log.sync();
            final int files = LogTesting.cycleFiles(dir).size();
            assertTrue(files > 2);

            log.removeRegion(1);
            log.sync();

            assertEquals(1, LogTesting.cycleFiles(dir).size(), "only the current cycle is left");
        }
        try (RaftLog log = RaftLog.open(config())) {
            assertArrayEquals(new long[] {2}, log.regions());
            assertEquals(6, log.firstIndex(2));
            assertEquals(0, log.lastIndex(1));
        }
    }

    @Test
    void shouldKeepCyclesWithEntriesAfterTheSnapshot() throws IOException {
        try (RaftLog log = RaftLog.open(config())) {
            appendSynced(log, 1, 1, 300);
            final List<Path> before = LogTesting.cycleFiles(dir);
            // Entries after 150 are still needed; they start somewhere in the middle cycles.
            log.compact(1, 150, 1);
            log.sync();
            final List<Path> after = LogTesting.cycleFiles(dir);
            assertTrue(after.size() < before.size() && after.size() > 1, before + " -> " + after);
            for (long index = 151; index <= 300; index++) {
                assertEntry(log, 1, index, 1);
            }
        }
        try (RaftLog log = RaftLog.open(config())) {
            assertEquals(151, log.firstIndex(1));
            for (long index = 151; index <= 300; index++) {
                assertEntry(log, 1, index, 1);
            }
        }
    }

    @Test
    void shouldRefuseToOpenWhenANeededCycleFileIsGone() throws IOException {
        try (RaftLog log = RaftLog.open(config())) {
            appendSynced(log, 1, 1, 300);
        }
        final List<Path> files = LogTesting.cycleFiles(dir);
        assertTrue(files.size() > 2);
        Files.delete(files.get(0));

        final RaftLogException refused = assertThrows(RaftLogException.class, () -> RaftLog.open(config()));
        assertTrue(refused.getMessage().contains("region 1 needs entry 1"), refused.getMessage());
    }

    private static void appendSynced(final RaftLog log, final long regionId, final long from, final long to) {
        for (long index = from; index <= to; index++) {
            append(log, regionId, index, 1);
            if (index % 10 == 0) {
                log.sync();
            }
        }
        log.sync();
    }
}
