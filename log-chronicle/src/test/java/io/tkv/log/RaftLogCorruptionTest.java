package io.tkv.log;

import static io.tkv.log.LogTesting.append;
import static io.tkv.log.LogTesting.assertEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage the queue's files between a close and an open, as bit rot or a torn write would. */
class RaftLogCorruptionTest {
    /** Chronicle's header bits: the length is in the low 30 bits of a little-endian int before the document. */
    private static final int NOT_COMPLETE_BIT_IN_TOP_BYTE = 0x80;
    private static final int METADATA_BIT_IN_TOP_BYTE = 0x40;

    @TempDir
    Path dir;

    @Test
    void shouldCutAtACorruptLastRecordAndKeepLaterAppends() throws IOException {
        writeTwoRegions(20);
        final LogTesting.Hit last = LogTesting.findEntryRecord(dir, 2, 20, 1);
        LogTesting.flipByte(last.file(), last.offset() + 30);

        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertTrue(log.stats().recoveryCutIndex() >= 0, "recovery cut the log");
            assertEquals(20, log.lastIndex(1));
            assertEquals(19, log.lastIndex(2), "the corrupt record is not used");
            for (long index = 20; index <= 25; index++) {
                append(log, 2, index, 2);
            }
            log.sync();
        }
        for (int reopen = 0; reopen < 2; reopen++) {
            try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
                assertEquals(-1, log.stats().recoveryCutIndex(), "the bad bytes are void now, not a new cut");
                assertEquals(25, log.lastIndex(2), "appends after the cut survive reopen " + reopen);
                assertEntry(log, 2, 19, 1);
                for (long index = 20; index <= 25; index++) {
                    assertEntry(log, 2, index, 2);
                }
                assertEntry(log, 1, 20, 1);
            }
        }
    }

    @Test
    void shouldUseNothingAfterACorruptRecordInTheMiddle() throws IOException {
        writeTwoRegions(20);
        final LogTesting.Hit middle = LogTesting.findEntryRecord(dir, 1, 10, 1);
        LogTesting.flipByte(middle.file(), middle.offset() + 8);

        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(9, log.lastIndex(1), "cut at the corrupt record");
            assertEquals(9, log.lastIndex(2), "and everything written after it, of every region");
            assertEntry(log, 2, 9, 1);
            append(log, 1, 10, 3);
            append(log, 2, 10, 3);
            log.sync();
        }
        assertSurvivesReopens(10, 3);
    }

    @Test
    void shouldCutWhereAChronicleHeaderLooksUnfinished() throws IOException {
        writeTwoRegions(20);
        final LogTesting.Hit middle = LogTesting.findEntryRecord(dir, 1, 10, 1);
        // Chronicle stops reading at such a header; the records after it are invisible, not lost quietly.
        LogTesting.flipBits(middle.file(), middle.offset() - 1, NOT_COMPLETE_BIT_IN_TOP_BYTE);

        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(9, log.lastIndex(1));
            assertEquals(9, log.lastIndex(2));
            append(log, 1, 10, 3);
            append(log, 2, 10, 3);
            log.sync();
        }
        assertSurvivesReopens(10, 3);
    }

    @Test
    void shouldNoticeARecordThatTurnedIntoChronicleMetadata() throws IOException {
        writeTwoRegions(20);
        final LogTesting.Hit middle = LogTesting.findEntryRecord(dir, 1, 10, 1);
        // Chronicle skips metadata documents silently: only the record sequence shows one went missing.
        LogTesting.flipBits(middle.file(), middle.offset() - 1, METADATA_BIT_IN_TOP_BYTE);

        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertTrue(log.stats().recoveryCutIndex() >= 0);
            assertEquals(9, log.lastIndex(1));
            assertEquals(9, log.lastIndex(2), "the record after the vanished one is where the log is cut");
            append(log, 1, 10, 3);
            append(log, 2, 10, 3);
            log.sync();
        }
        assertSurvivesReopens(10, 3);
    }

    @Test
    void shouldHonourAnOlderCutAndANewerEarlierCutTogether() throws IOException {
        writeTwoRegions(20);
        final LogTesting.Hit late = LogTesting.findEntryRecord(dir, 1, 15, 1);
        LogTesting.flipByte(late.file(), late.offset() + 20);
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(14, log.lastIndex(1));
            append(log, 1, 15, 4);
            log.sync();
        }
        // Later damage before the first cut: the entries written after that cut depend on what is now lost.
        final LogTesting.Hit early = LogTesting.findEntryRecord(dir, 2, 5, 1);
        LogTesting.flipByte(early.file(), early.offset() + 20);
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(5, log.lastIndex(1));
            assertEquals(4, log.lastIndex(2));
            assertEquals(-1, log.term(1, 15), "the entry appended after the first cut goes with the second");
            append(log, 2, 5, 3);
            append(log, 2, 6, 3);
            log.sync();
        }
        for (int reopen = 0; reopen < 2; reopen++) {
            try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
                assertEquals(-1, log.stats().recoveryCutIndex());
                assertEquals(5, log.lastIndex(1));
                assertEntry(log, 1, 5, 1);
                assertEquals(6, log.lastIndex(2));
                assertEntry(log, 2, 4, 1);
                assertEntry(log, 2, 6, 3);
            }
        }
    }

    @Test
    void shouldNotCutWhereOnlyTheEndOfCycleMarkerIsMissing() throws IOException {
        final RaftLogConfig config = LogTesting.config(dir).maxCycleFileBytes(8 * 1024);
        try (RaftLog log = RaftLog.open(config)) {
            for (long index = 1; index <= 200; index++) {
                append(log, 1, index, 1);
                if (index % 10 == 0) {
                    log.sync();
                }
            }
        }
        // The last entry of the first cycle file, then Chronicle's end-of-file header right after it.
        final Path first = LogTesting.cycleFiles(dir).get(0);
        long lastInFirst = 0;
        int recordStart = -1;
        for (long index = 1; index <= 200; index++) {
            final int at = LogTesting.findIn(first, LogTesting.entryKey(1, index, 1));
            if (at >= 0) {
                lastInFirst = index;
                recordStart = at - RecordCodec.REGION_OFFSET;
            }
        }
        assertTrue(lastInFirst > 0 && lastInFirst < 200, "the log rolled after entry " + lastInFirst);
        final int length = LogTesting.readInt(first, recordStart - 4) & 0x3FFF_FFFF;
        final int endOfCycle = (recordStart + length + 3) & ~3;
        assertTrue(LogTesting.readInt(first, endOfCycle) != 0, "an end-of-file marker follows the last record");
        // An OS crash can lose that page while the next cycle's records, synced later, survive.
        LogTesting.writeInt(first, endOfCycle, 0);

        try (RaftLog log = RaftLog.open(config)) {
            assertEquals(-1, log.stats().recoveryCutIndex(), "the record sequence shows nothing was lost");
            assertEquals(200, log.lastIndex(1));
            for (long index = 1; index <= 200; index++) {
                assertEntry(log, 1, index, 1);
            }
        }
    }

    /** Region 1 and 2 interleaved, entries 1..n of term 1, synced and closed. */
    private void writeTwoRegions(final long n) {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            for (long index = 1; index <= n; index++) {
                append(log, 1, index, 1);
                append(log, 2, index, 1);
            }
            log.saveHardState(1, 1, 1, n);
            log.sync();
        }
    }

    private void assertSurvivesReopens(final long lastIndex, final long lastTerm) {
        for (int reopen = 0; reopen < 2; reopen++) {
            try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
                assertEquals(-1, log.stats().recoveryCutIndex(), "reopen " + reopen);
                for (long region = 1; region <= 2; region++) {
                    assertEquals(lastIndex, log.lastIndex(region), "old records after the cut never come back");
                    assertEntry(log, region, lastIndex, lastTerm);
                    for (long index = 1; index < lastIndex; index++) {
                        assertEntry(log, region, index, 1);
                    }
                }
                assertEquals(LogHardState.EMPTY, log.hardState(1), "the hard state was written after the cut");
            }
        }
    }
}
